import type { MeResponse } from '@messenjo/shared';
import { useState } from 'react';
import { Section } from '../accounts/settings/Section.tsx';
import { useDeviceSession } from '../session/index.ts';
import { Button } from '../ui/Button.tsx';
import type { ExportFormat } from './protocol.ts';
import { download, runExport } from './run-export.ts';

type State =
  | { kind: 'idle' }
  | { kind: 'running'; format: ExportFormat; done: number; total: number }
  | { kind: 'done'; name: string }
  | { kind: 'failed'; message: string };

/**
 * "Your data": every conversation on this device as JSON (docs/export.md) or readable
 * Markdown, built on the device in a worker, with its progress, and downloaded by the browser.
 */
export function ExportSection(props: { me: MeResponse }) {
  const session = useDeviceSession();
  const [state, setState] = useState<State>({ kind: 'idle' });
  const running = state.kind === 'running';
  const start = (format: ExportFormat) => {
    setState({ kind: 'running', format, done: 0, total: 0 });
    const account = { id: props.me.id, username: props.me.username, displayName: props.me.displayName };
    runExport(session, account, format, (done, total) =>
      setState({ kind: 'running', format, done, total }),
    ).then(
      (file) => {
        download(file);
        setState({ kind: 'done', name: file.name });
      },
      (error: unknown) =>
        setState({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
  };
  return (
    <Section title="Your data">
      <p className="text-sm text-fg-muted">
        Export every conversation on this device, with replies, edits, deletions and reactions. It is made
        here, so it works offline; older history that was never loaded on this device is not in it.
      </p>
      <div className="mt-3 flex flex-wrap gap-2">
        <Button type="button" disabled={running} onClick={() => start('json')}>
          Export as JSON
        </Button>
        <Button type="button" disabled={running} onClick={() => start('markdown')}>
          Export as Markdown
        </Button>
      </div>
      <div className="mt-3 text-sm" aria-live="polite">
        {state.kind === 'running' && (
          <label className="flex items-center gap-3">
            <span>
              Reading conversations… {state.done} of {state.total || '…'} parts
            </span>
            <progress
              max={Math.max(1, state.total)}
              value={state.done}
              className="h-2 flex-1 accent-accent"
              data-testid="export-progress"
            />
          </label>
        )}
        {state.kind === 'done' && <span data-testid="export-done">Exported {state.name}.</span>}
        {state.kind === 'failed' && (
          <span className="text-fg-danger">The export failed: {state.message}</span>
        )}
      </div>
    </Section>
  );
}
