import { usernameSchema, type MeResponse } from '@messenjo/shared';
import { useState } from 'react';
import { api } from '../api/client.ts';
import { Button } from '../ui/Button.tsx';
import { Card, ErrorText } from './Card.tsx';
import { meStore } from './me-store.ts';

/** First sign-in: pick a username, pre-filled with the provider's when it is valid here. */
export function ChooseUsername(props: { me: MeResponse }) {
  const [username, setUsername] = useState(props.me.suggestedUsername ?? '');
  const [serverError, setServerError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const check = usernameSchema.safeParse(username);
  // The same rules as the server, shown while typing (not before the first character).
  const localError = username === '' || check.success ? null : (check.error.issues[0]?.message ?? null);

  const submit = async () => {
    if (!check.success) return;
    setBusy(true);
    setServerError(null);
    try {
      meStore.update(await api<MeResponse>('/api/me', { method: 'PATCH', body: { username } }));
    } catch (e) {
      setServerError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title="Choose a username" subtitle="People find you by it. You can change it later.">
      <form
        className="mt-6 flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label className="text-sm text-fg-muted" htmlFor="username">
          Username
        </label>
        <input
          id="username"
          name="username"
          autoComplete="username"
          autoFocus
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          aria-invalid={localError !== null}
          className="rounded-lg border border-line bg-canvas px-3 py-2 text-fg"
        />
        <p className="text-xs text-fg-muted">3–32 letters, digits, “_”, “.” or “-”.</p>
        <ErrorText>{localError ?? serverError}</ErrorText>
        <Button type="submit" variant="primary" className="py-2.5" disabled={busy || !check.success}>
          Continue
        </Button>
        <Button className="py-2" onClick={() => void meStore.signOut()}>
          Sign out
        </Button>
      </form>
    </Card>
  );
}
