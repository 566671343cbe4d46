import { passkeyOriginAdvice, type ProvidersResponse } from '@messenjo/shared';
import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import { fetchServerStatus, type ServerStatus } from '../lib/server-status.ts';
import { useStore } from '../lib/use-store.ts';
import { expiredAccount } from '../session/index.ts';
import { Button } from '../ui/Button.tsx';
import { ConnectionBadge } from '../ui/ConnectionBadge.tsx';
import { Card, ErrorText } from './Card.tsx';
import { ExpiredNotice } from './ExpiredNotice.tsx';
import { meStore } from './me-store.ts';
import { pagePasskeyProblem, passkeyErrorMessage, signInWithPasskey, signUpWithPasskey } from './passkeys.ts';

/** The sign-in page: passkeys always, plus only the providers this server enabled. */
export function SignInPage(props: { notice?: string | undefined }) {
  const params = new URLSearchParams(window.location.search);
  const invite = params.get('invite') ?? undefined;
  const [error, setError] = useState<string | null>(params.get('error'));
  const [providers, setProviders] = useState<ProvidersResponse | null>(null);
  const [status, setStatus] = useState<ServerStatus>({ state: 'checking' });
  const [busy, setBusy] = useState(false);
  // Reached by an IP address or over plain http: the browser would refuse every passkey with "invalid domain".
  const [originProblem] = useState(pagePasskeyProblem);
  // A session that expired here left its data for that person's next sign-in (SE1).
  const expired = useStore(expiredAccount);

  useEffect(() => {
    const controller = new AbortController();
    void fetchServerStatus(controller.signal).then((next) => !controller.signal.aborted && setStatus(next));
    api<ProvidersResponse>('/api/auth/providers').then(setProviders, () => setProviders(null));
    return () => controller.abort();
  }, []);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(passkeyErrorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const inviteOnly = providers?.registration === 'invite-only';
  const startUrl = (id: string) =>
    `/api/auth/${id}/start${invite ? `?invite=${encodeURIComponent(invite)}` : ''}`;

  return (
    <Card title="Messenjo" subtitle="Your conversations, on every device, even offline.">
      <div className="mt-6 flex items-center justify-between">
        <ConnectionBadge status={status} />
        {status.state === 'online' && <span className="text-xs text-fg-muted">server v{status.version}</span>}
      </div>
      {expired ? (
        <ExpiredNotice account={expired} />
      ) : (
        props.notice && (
          <p
            role="status"
            className="mt-4 rounded-lg bg-raised px-3 py-2 text-sm text-fg"
            data-testid="signed-out-notice"
          >
            {props.notice}
          </p>
        )
      )}
      <ErrorText>{error}</ErrorText>
      {originProblem && (
        <p
          className="mt-4 rounded-lg border border-line bg-raised px-3 py-2 text-sm text-fg"
          data-testid="passkey-origin-problem"
        >
          {passkeyOriginAdvice(originProblem)}
        </p>
      )}
      <div className="mt-6 flex flex-col gap-3">
        {expired && (
          <Button
            variant="primary"
            className="py-2.5"
            disabled={busy || originProblem !== null}
            onClick={() => void run(async () => meStore.signedIn(await signInWithPasskey()))}
          >
            {expired.name ? `Sign in as ${expired.name}` : 'Sign in again'}
          </Button>
        )}
        <Button
          variant={expired ? 'secondary' : 'primary'}
          className="py-2.5"
          disabled={busy || originProblem !== null}
          onClick={() => void run(async () => meStore.signedIn(await signInWithPasskey()))}
        >
          {expired ? 'Sign in with another account' : 'Sign in with a passkey'}
        </Button>
        <Button
          className="py-2.5"
          disabled={busy || originProblem !== null}
          onClick={() =>
            void run(async () =>
              meStore.signedIn(await signUpWithPasskey(invite ? { inviteCode: invite } : {})),
            )
          }
        >
          Create an account with a passkey
        </Button>
        {providers?.providers.map((p) => (
          <a
            key={p.id}
            href={startUrl(p.id)}
            className="rounded-lg bg-raised px-3 py-2.5 text-center text-sm font-medium text-fg hover:bg-line"
          >
            Continue with {p.name}
          </a>
        ))}
      </div>
      {expired && (
        <p className="mt-4 text-sm text-fg-muted" data-testid="other-account-wipes">
          Signing in with another account first removes {expired.name || 'the previous account'}'s
          conversations and unsent messages from this device.
        </p>
      )}
      {inviteOnly && !invite && (
        <p className="mt-4 text-sm text-fg-muted">
          This server is invite-only: new accounts need an invite link from its admin.
        </p>
      )}
    </Card>
  );
}
