import type { InviteInfo, MeResponse } from '@messenjo/shared';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { Button } from '../../ui/Button.tsx';
import { useConfirm } from '../../ui/ConfirmDialog.tsx';
import { useAction } from '../../ui/use-action.ts';
import { ErrorText } from '../Card.tsx';
import { useDeviceSession } from '../../session/index.ts';
import { Section } from './Section.tsx';

/** Admins make invite links (for invite-only servers). */
export function InvitesSection(props: { me: MeResponse }) {
  const [invite, setInvite] = useState<InviteInfo | null>(null);
  const action = useAction();
  if (!props.me.isAdmin) return null;
  return (
    <Section title="Invites">
      <Button
        onClick={() =>
          void action.run(async () =>
            setInvite(await api<InviteInfo>('/api/admin/invites', { method: 'POST' })),
          )
        }
      >
        Create an invite link
      </Button>
      {invite && (
        <input
          readOnly
          aria-label="Invite link"
          value={invite.url}
          className="mt-3 w-full rounded-lg border border-line bg-canvas px-3 py-1.5 text-sm text-fg"
        />
      )}
      <ErrorText>{action.error}</ErrorText>
    </Section>
  );
}

/** Deleting the account, behind a confirmation. */
export function DeleteAccountSection() {
  const action = useAction();
  const session = useDeviceSession();
  const [dialog, confirm] = useConfirm();
  const deleteAccount = async () => {
    const yes = await confirm({
      title: 'Delete your account?',
      body: 'This cannot be undone. You are signed out on every device.',
      confirmLabel: 'Delete my account for good',
    });
    if (!yes) return;
    await action.run(async () => {
      await api('/api/me', { method: 'DELETE' });
      // Like a deletion seen from another device: the local data goes, the sign-in page says why.
      await session.endedByServer('user_deleted');
    });
  };
  return (
    <Section title="Delete account">
      <p className="text-sm text-fg-muted">
        Your sign-in methods, devices, picture and profile are removed. Your messages stay for the others,
        shown as “deleted user”.
      </p>
      <Button variant="danger" className="mt-3" disabled={action.busy} onClick={() => void deleteAccount()}>
        Delete account…
      </Button>
      <ErrorText>{action.error}</ErrorText>
      {dialog}
    </Section>
  );
}
