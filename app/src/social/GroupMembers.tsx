import type { ConversationDetail, ConversationMember } from '@messenjo/shared';
import { Avatar } from '../ui/Avatar.tsx';
import { Button } from '../ui/Button.tsx';
import type { ConfirmRequest } from '../ui/ConfirmDialog.tsx';
import type { useAction } from '../ui/use-action.ts';
import { useSocialActions } from './use-social.ts';

const ROLE_LABEL = { owner: 'Owner', admin: 'Admin', member: '' } as const;

const nameOf = (m: ConversationMember): string => m.displayName || m.username;

/**
 * The member list with the actions the viewer's role allows on each member. Removing a member
 * and handing over ownership are asked first; on a narrow screen the buttons wrap below the name.
 */
export function GroupMembers(props: {
  detail: ConversationDetail;
  meId: string;
  action: ReturnType<typeof useAction>;
  confirm: (request: ConfirmRequest) => Promise<boolean>;
}) {
  const { detail, meId, action, confirm } = props;
  const social = useSocialActions();
  const myRole = detail.role;
  const canRemove = (m: ConversationMember) =>
    m.id !== meId && (myRole === 'owner' || (myRole === 'admin' && m.role === 'member'));
  const runIfConfirmed = (request: ConfirmRequest, run: () => Promise<unknown>) =>
    void confirm(request).then((yes) => yes && action.run(run));

  return (
    <ul aria-label="Members" className="mt-2 divide-y divide-line">
      {detail.members.map((m) => (
        <li key={m.id} className="flex flex-wrap items-center gap-x-3 gap-y-2 py-2" data-member-id={m.id}>
          <span className="flex min-w-0 flex-[1_1_12rem] items-center gap-3">
            <Avatar id={m.id} name={nameOf(m)} picture={m.picture} size={32} />
            <span className="min-w-0 flex-1 truncate">
              {nameOf(m)}
              {m.id === meId && <span className="text-fg-muted"> (you)</span>}
            </span>
            {ROLE_LABEL[m.role] && (
              <span className="shrink-0 text-xs text-fg-muted">{ROLE_LABEL[m.role]}</span>
            )}
          </span>
          {(myRole === 'owner' || canRemove(m)) && m.id !== meId && (
            <span className="ml-auto flex flex-wrap justify-end gap-2">
              {myRole === 'owner' && (
                <>
                  <Button
                    disabled={action.busy}
                    onClick={() =>
                      void action.run(() =>
                        social.setRole(detail.id, m.id, m.role === 'admin' ? 'member' : 'admin'),
                      )
                    }
                  >
                    {m.role === 'admin' ? 'Remove admin' : 'Make admin'}
                  </Button>
                  <Button
                    disabled={action.busy}
                    onClick={() =>
                      runIfConfirmed(
                        {
                          title: `Make ${nameOf(m)} the owner?`,
                          body: 'There is one owner: you become an admin, and only the new owner can give ownership back.',
                          confirmLabel: 'Make owner',
                        },
                        () => social.transferOwnership(detail.id, m.id),
                      )
                    }
                  >
                    Make owner
                  </Button>
                </>
              )}
              {canRemove(m) && (
                <Button
                  variant="danger"
                  disabled={action.busy}
                  onClick={() =>
                    runIfConfirmed(
                      {
                        title: `Remove ${nameOf(m)} from ${detail.name}?`,
                        body: 'They stop receiving its messages; what they already saw stays readable for them.',
                        confirmLabel: 'Remove',
                      },
                      () => social.removeMember(detail.id, m.id),
                    )
                  }
                >
                  Remove
                </Button>
              )}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
