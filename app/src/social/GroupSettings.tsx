import { checkGroupName, type ConversationDetail } from '@messenjo/shared';
import { useState } from 'react';
import { Avatar } from '../ui/Avatar.tsx';
import { Button } from '../ui/Button.tsx';
import { useConfirm } from '../ui/ConfirmDialog.tsx';
import { useAction } from '../ui/use-action.ts';
import { useStore } from '../lib/use-store.ts';
import { useDeviceSession } from '../session/index.ts';
import { GroupMembers } from './GroupMembers.tsx';
import { PENDING_RENAME_TITLE, usePendingRename } from './pending-rename.tsx';
import { useFriends, useSocialActions } from './use-social.ts';

/** Rename, members, who may add, add friends, leave. */
export function GroupSettings(props: { detail: ConversationDetail; meId: string; onLeft: () => void }) {
  const { detail, meId } = props;
  const friends = useFriends();
  const social = useSocialActions();
  const action = useAction();
  const [dialog, confirm] = useConfirm();
  const session = useDeviceSession();
  const renamed = usePendingRename(detail.id);
  const refusedRename = useStore(session.renames.refused);
  const currentName = renamed?.name ?? detail.name;
  const [name, setName] = useState(currentName);
  const [toAdd, setToAdd] = useState('');
  const memberIds = new Set(detail.members.map((m) => m.id));
  const addable = friends.friends.filter((f) => !memberIds.has(f.id));
  const mayAdd = detail.addMembersPolicy === 'members' || detail.role !== 'member';
  const nameCheck = checkGroupName(name);

  if (detail.role === null) {
    return (
      <p className="p-4 text-sm text-fg-muted">
        You are no longer a member of this group. Its history stays readable.
      </p>
    );
  }
  return (
    <div className="space-y-6 p-4">
      <form
        className="flex flex-wrap gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          // Accepted offline too: it waits on this device and goes out on reconnect (pending-renames.ts).
          if (nameCheck.ok) session.renames.rename(detail.id, nameCheck.value);
        }}
      >
        <label className="min-w-0 flex-[1_1_12rem]">
          <span className="sr-only">Group name</span>
          <input
            aria-label="Group name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={64}
            className="w-full rounded-xl border border-line bg-surface px-3 py-1.5 text-fg"
          />
        </label>
        <Button type="submit" disabled={!nameCheck.ok || name.trim() === currentName}>
          Rename
        </Button>
        {renamed && (
          <p
            className="w-full text-sm text-fg-muted"
            title={PENDING_RENAME_TITLE}
            data-testid="rename-waiting"
          >
            The new name is on this device only: it goes out when the connection is back.
          </p>
        )}
        {refusedRename?.conversationId === detail.id && (
          <p role="alert" className="w-full text-sm text-fg-danger">
            “{refusedRename.name}” was not saved: {refusedRename.message}
          </p>
        )}
      </form>
      <div className="flex flex-wrap items-center gap-3">
        <Avatar id={detail.id} name={detail.name} picture={detail.picture} size={56} />
        <label className="cursor-pointer rounded-lg bg-raised px-3 py-1.5 text-sm font-medium text-fg hover:bg-line has-focus-visible:outline-2 has-focus-visible:outline-focus">
          {detail.picture ? 'Change picture' : 'Add a picture'}
          <input
            type="file"
            accept="image/jpeg,image/png,image/webp,image/gif,image/avif"
            aria-label="Group picture"
            className="sr-only"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void action.run(() => social.setGroupPicture(detail.id, file));
            }}
          />
        </label>
        {detail.picture && (
          <Button
            disabled={action.busy}
            onClick={() => void action.run(() => social.removeGroupPicture(detail.id))}
          >
            Remove picture
          </Button>
        )}
      </div>
      {action.error && (
        <p role="alert" className="text-sm text-fg-danger">
          {action.error}
        </p>
      )}
      <section>
        <h3 className="text-xs font-semibold tracking-wide text-fg-muted uppercase">
          Members ({detail.memberCount})
        </h3>
        <GroupMembers detail={detail} meId={meId} action={action} confirm={confirm} />
      </section>
      {mayAdd && addable.length > 0 && (
        <form
          className="flex gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            if (toAdd) void action.run(() => social.addMembers(detail.id, [toAdd])).then(() => setToAdd(''));
          }}
        >
          <select
            aria-label="Friend to add"
            value={toAdd}
            onChange={(e) => setToAdd(e.target.value)}
            className="min-w-0 flex-1 rounded-xl border border-line bg-surface px-3 py-1.5 text-fg"
          >
            <option value="">Add a friend…</option>
            {addable.map((f) => (
              <option key={f.id} value={f.id}>
                {f.displayName || f.username}
              </option>
            ))}
          </select>
          <Button type="submit" disabled={!toAdd || action.busy}>
            Add
          </Button>
        </form>
      )}
      {detail.role !== 'member' && (
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            className="h-4 w-4 shrink-0 accent-accent"
            checked={detail.addMembersPolicy === 'admins'}
            onChange={(e) =>
              void action.run(() => social.setAddPolicy(detail.id, e.target.checked ? 'admins' : 'members'))
            }
          />
          Only the owner and admins can add members
        </label>
      )}
      <Button
        variant="danger"
        disabled={action.busy}
        onClick={() =>
          void confirm({
            title: `Leave ${detail.name}?`,
            body:
              detail.role === 'owner'
                ? 'You stop receiving its messages and ownership passes to another member. The history stays readable.'
                : 'You stop receiving its messages; the history stays readable. To come back, someone in the group must add you again.',
            confirmLabel: 'Leave group',
          }).then(
            (yes) =>
              yes &&
              action.run(async () => {
                await social.leave(detail.id);
                props.onLeft();
              }),
          )
        }
      >
        Leave group
      </Button>
      {dialog}
    </div>
  );
}
