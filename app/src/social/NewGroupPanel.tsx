import { checkGroupName } from '@messenjo/shared';
import { useState } from 'react';
import { Avatar } from '../ui/Avatar.tsx';
import { Button } from '../ui/Button.tsx';
import { useAction } from '../ui/use-action.ts';
import { useFriends, useSocialActions } from './use-social.ts';

/** Create a group: a name and some friends (the title is the shell's pane header). */
export function NewGroupPanel(props: { onCreated: (id: string) => void }) {
  const friends = useFriends();
  const social = useSocialActions();
  const action = useAction();
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [picture, setPicture] = useState<File | null>(null);
  const nameCheck = checkGroupName(name);

  const toggle = (id: string) =>
    setChosen((previous) => {
      const next = new Set(previous);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const create = () =>
    void action.run(async () => {
      const group = await social.createGroup(name, [...chosen]);
      // The group exists either way; a refused picture is reported and can be set again later.
      try {
        if (picture) await social.setGroupPicture(group.id, picture);
      } finally {
        props.onCreated(group.id);
      }
    });

  return (
    <form
      className="mx-auto w-full max-w-xl px-4 pt-4 pb-6 md:px-6"
      onSubmit={(e) => {
        e.preventDefault();
        if (nameCheck.ok) create();
      }}
    >
      <label className="block text-sm">
        Group name
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={64}
          required
          className="mt-1 w-full rounded-xl border border-line bg-surface px-3 py-2 text-fg"
        />
      </label>
      {name !== '' && !nameCheck.ok && <p className="mt-1 text-sm text-fg-danger">{nameCheck.message}</p>}
      <label className="mt-4 block text-sm">
        Picture (optional)
        <input
          type="file"
          accept="image/jpeg,image/png,image/webp,image/gif,image/avif"
          onChange={(e) => setPicture(e.target.files?.[0] ?? null)}
          className="mt-1 block w-full text-sm text-fg-muted file:mr-3 file:rounded-lg file:border-0 file:bg-raised file:px-3 file:py-1.5 file:text-fg"
        />
      </label>
      <fieldset className="mt-4 min-w-0">
        <legend className="text-sm">Members (your friends)</legend>
        {friends.friends.length === 0 && (
          <p className="mt-2 text-sm text-fg-muted">Add friends first to invite them.</p>
        )}
        <ul className="mt-2 divide-y divide-line">
          {friends.friends.map((f) => (
            <li key={f.id}>
              <label className="flex cursor-pointer items-center gap-3 py-2">
                <input
                  type="checkbox"
                  className="h-4 w-4 shrink-0 accent-accent"
                  checked={chosen.has(f.id)}
                  onChange={() => toggle(f.id)}
                />
                <Avatar id={f.id} name={f.displayName || f.username} picture={f.picture} size={32} />
                <span className="min-w-0 flex-1 truncate">{f.displayName || f.username}</span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      {action.error && (
        <p role="alert" className="mt-2 text-sm text-fg-danger">
          {action.error}
        </p>
      )}
      <Button type="submit" variant="primary" className="mt-4" disabled={!nameCheck.ok || action.busy}>
        Create group
      </Button>
    </form>
  );
}
