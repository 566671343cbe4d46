import type { MeResponse } from '@messenjo/shared';
import type { Accounts } from '../accounts.ts';
import type { MediaStore } from '../media/media-store.ts';
import type { User } from '../users.ts';

/** Renders `GET /api/me` for a user (profile, picture URLs, linked methods). */
export type MeView = (user: User) => Promise<MeResponse>;

export function createMeView(accounts: Accounts, media: MediaStore): MeView {
  return async (user) => {
    const fresh = (await accounts.users.get(user.id)) ?? user;
    return accounts.me(fresh, await media.urls(fresh.pictureMediaId));
  };
}
