import type { ConversationDetail, ConversationMember } from '@messenjo/shared';
import { Avatar } from '../ui/Avatar.tsx';
import { Button } from '../ui/Button.tsx';
import type { useAction } from '../ui/use-action.ts';
import { useSocialActions } from './use-social.ts';

const ROLE_LABEL = { owner: 'Owner', admin: 'Admin', member: '' } as const;

/** The member list with the actions the viewer's role allows on each member. */
export function GroupMembers(props: {
  detail: ConversationDetail;
  meId: string;
  action: ReturnType<typeof useAction>;
}) {
  const { detail, meId, action } = props;
  const social = useSocialActions();
  const myRole = detail.role;
  const canRemove = (m: ConversationMember) =>
    m.id !== meId && (myRole === 'owner' || (myRole === 'admin' && m.role === 'member'));
  return (
    <ul aria-label="Members" className="mt-2 divide-y divide-neutral-800">
      {detail.members.map((m) => (
        <li key={m.id} className="flex items-center gap-3 py-2" data-member-id={m.id}>
          <Avatar id={m.id} name={m.displayName || m.username} picture={m.picture} size={32} />
          <span className="min-w-0 flex-1 truncate">
            {m.displayName || m.username}
            {m.id === meId && <span className="text-neutral-400"> (you)</span>}
          </span>
          {ROLE_LABEL[m.role] && <span className="text-xs text-neutral-400">{ROLE_LABEL[m.role]}</span>}
          {myRole === 'owner' && m.id !== meId && (
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
                onClick={() => void action.run(() => social.transferOwnership(detail.id, m.id))}
              >
                Make owner
              </Button>
            </>
          )}
          {canRemove(m) && (
            <Button
              variant="danger"
              disabled={action.busy}
              onClick={() => void action.run(() => social.removeMember(detail.id, m.id))}
            >
              Remove
            </Button>
          )}
        </li>
      ))}
    </ul>
  );
}
