import { displayNameSchema, usernameSchema, type MeResponse } from '@messenjo/shared';
import { useState, type ChangeEvent } from 'react';
import { api, apiUpload } from '../../api/client.ts';
import { Avatar } from '../../ui/Avatar.tsx';
import { Button } from '../../ui/Button.tsx';
import { useAction } from '../../ui/use-action.ts';
import { ErrorText } from '../Card.tsx';
import { meStore } from '../me-store.ts';
import { inputClass, Section } from './Section.tsx';

const uploadPicture = (file: File): Promise<MeResponse> => apiUpload<MeResponse>('/api/me/picture', file);

/** Username, display name and picture, checked with the server's own rules before sending. */
export function ProfileSection(props: { me: MeResponse }) {
  const { me } = props;
  const [username, setUsername] = useState(me.username ?? '');
  const [displayName, setDisplayName] = useState(me.displayName);
  const action = useAction();
  const usernameCheck = usernameSchema.safeParse(username);
  const displayNameCheck = displayNameSchema.safeParse(displayName);
  const localError = !usernameCheck.success
    ? usernameCheck.error.issues[0]?.message
    : !displayNameCheck.success
      ? displayNameCheck.error.issues[0]?.message
      : null;

  const save = () =>
    action.run(async () => {
      const saved = await api<MeResponse>('/api/me', {
        method: 'PATCH',
        body: {
          ...(username !== me.username ? { username } : {}),
          ...(displayName !== me.displayName ? { displayName } : {}),
        },
      });
      // The server's form (trimmed) becomes the field's value.
      setUsername(saved.username ?? '');
      setDisplayName(saved.displayName);
      meStore.update(saved);
    });
  const onFile = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (file) void action.run(async () => meStore.update(await uploadPicture(file)));
  };

  return (
    <Section title="Profile">
      <div className="flex items-center gap-4">
        <Avatar id={me.id} name={me.displayName || me.username || '?'} picture={me.picture} size={72} />
        <div className="flex flex-wrap gap-2">
          <label className="cursor-pointer rounded-lg bg-raised px-3 py-1.5 text-sm font-medium text-fg hover:bg-line has-focus-visible:outline-2 has-focus-visible:outline-focus">
            {me.picture ? 'Change picture' : 'Upload picture'}
            <input
              type="file"
              accept="image/jpeg,image/png,image/webp,image/gif,image/avif"
              className="sr-only"
              aria-label="Profile picture"
              onChange={onFile}
            />
          </label>
          {me.picture && (
            <Button
              onClick={() =>
                void action.run(async () =>
                  meStore.update(await api<MeResponse>('/api/me/picture', { method: 'DELETE' })),
                )
              }
            >
              Remove picture
            </Button>
          )}
        </div>
      </div>
      <form
        className="mt-4 grid gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label className="grid gap-1 text-sm text-fg-muted">
          Username
          <input className={inputClass} value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label className="grid gap-1 text-sm text-fg-muted">
          Display name
          <input
            className={inputClass}
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
          />
        </label>
        <ErrorText>{localError ?? action.error}</ErrorText>
        <div>
          <Button
            type="submit"
            variant="primary"
            disabled={
              action.busy ||
              localError !== null ||
              (username === me.username && displayName === me.displayName)
            }
          >
            Save profile
          </Button>
        </div>
      </form>
    </Section>
  );
}
