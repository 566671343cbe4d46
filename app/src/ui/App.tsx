import { useEffect, useState, useSyncExternalStore } from 'react';
import { fetchServerStatus, type ServerStatus } from '../lib/server-status.ts';
import { updateStore } from '../pwa/update-store.ts';
import { ConnectionBadge } from './ConnectionBadge.tsx';

/** The first screen: who we are and whether the server answers. Sign-in arrives with accounts. */
export function App() {
  const [status, setStatus] = useState<ServerStatus>({ state: 'checking' });
  const activateUpdate = useSyncExternalStore(updateStore.subscribe, updateStore.getSnapshot);

  useEffect(() => {
    const controller = new AbortController();
    void fetchServerStatus(controller.signal).then((next) => {
      if (!controller.signal.aborted) setStatus(next);
    });
    return () => controller.abort();
  }, []);

  return (
    <main className="flex min-h-full items-center justify-center bg-neutral-50 p-6 text-neutral-900 dark:bg-neutral-950 dark:text-neutral-100">
      <section className="w-full max-w-md rounded-3xl border border-neutral-200 bg-white p-8 shadow-sm dark:border-neutral-800 dark:bg-neutral-900">
        <div className="flex items-center gap-3">
          <img src="/icon.svg" alt="" className="h-12 w-12 rounded-xl" />
          <div>
            <h1 className="text-2xl font-semibold tracking-tight">Messenjo</h1>
            <p className="text-sm text-neutral-500 dark:text-neutral-400">
              Your conversations, on every device, even offline.
            </p>
          </div>
        </div>
        <div className="mt-8 flex items-center justify-between">
          <ConnectionBadge status={status} />
          {status.state === 'online' && (
            <span className="text-xs text-neutral-500 dark:text-neutral-400">server v{status.version}</span>
          )}
        </div>
        {activateUpdate && (
          <button
            type="button"
            onClick={activateUpdate}
            className="mt-6 w-full rounded-xl bg-neutral-900 px-4 py-2 text-sm font-medium text-white dark:bg-white dark:text-neutral-900"
          >
            A new version is ready: reload to update
          </button>
        )}
      </section>
    </main>
  );
}
