import type { SessionInfo, SessionsResponse } from '@messenjo/shared';
import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api/client.ts';
import { Button } from '../../ui/Button.tsx';
import { useAction } from '../../ui/use-action.ts';
import { ErrorText } from '../Card.tsx';
import { useDeviceSession } from '../../session/index.ts';
import { signOutOfDevice } from '../../session/index.ts';
import { meStore } from '../me-store.ts';
import { Section } from './Section.tsx';

/** Devices signed in to the account: sign out one, or every other one. */
export function DevicesSection() {
  const [sessions, setSessions] = useState<SessionInfo[]>([]);
  const action = useAction();
  const deviceSession = useDeviceSession();
  const load = useCallback(async () => {
    setSessions((await api<SessionsResponse>('/api/me/sessions')).sessions);
  }, []);
  useEffect(() => {
    void action.run(load);
  }, [action.run, load]); // eslint-disable-line react-hooks/exhaustive-deps

  const signOut = (session: SessionInfo) =>
    action.run(async () => {
      const end = () => api<void>(`/api/me/sessions/${session.id}`, { method: 'DELETE' });
      // This device: the same as "Sign out" (warns about unsent changes, removes the local data).
      if (!session.current) {
        await end();
        return load();
      }
      if (await signOutOfDevice(deviceSession, end)) meStore.signedOut();
    });

  return (
    <Section title="Devices">
      <ul className="divide-y divide-line" aria-label="Devices">
        {sessions.map((s) => (
          <li key={s.id} className="flex items-center gap-3 py-2" data-current={s.current || undefined}>
            <span className="min-w-0 flex-1">
              <span className="block truncate text-sm font-medium">
                {s.deviceName}
                {s.current && <span className="ml-2 text-xs text-ok">This device</span>}
              </span>
              <span className="block text-xs text-fg-muted">
                Last active {new Date(s.lastActiveAt).toLocaleString()}
              </span>
            </span>
            <Button onClick={() => void signOut(s)}>Sign out</Button>
          </li>
        ))}
      </ul>
      <ErrorText>{action.error}</ErrorText>
      {sessions.length > 1 && (
        <Button
          className="mt-3"
          onClick={() =>
            void action.run(async () => {
              await api('/api/me/sessions/revoke-others', { method: 'POST' });
              await load();
            })
          }
        >
          Sign out everywhere else
        </Button>
      )}
    </Section>
  );
}
