import type { Context } from 'hono';
import { Hono } from 'hono';
import type { Pictures } from '../accounts/media/pictures.ts';
import { requireUsername } from '../accounts/session/context.ts';
import type { AppEnv } from '../http/env.ts';
import { pictureBodyLimit } from '../http/picture-body-limit.ts';
import type { Social } from './index.ts';

/**
 * Group pictures through the same pipeline as profile pictures (type by content, size and
 * megapixel limits, square WebP without metadata, content-hashed URLs). Membership is checked
 * before the body is read, so a stranger cannot make the server decode anything.
 */
export function groupPictureRoutes(social: Social, pictures: Pictures): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  const member = async (c: Context<AppEnv>): Promise<{ userId: string; groupId: string }> => {
    const userId = requireUsername(c).user.id;
    const groupId = c.req.param('id') ?? '';
    await social.groups.assertCanEdit(userId, groupId);
    return { userId, groupId };
  };

  routes.put(
    '/groups/:id/picture',
    async (c, next) => {
      await member(c);
      await next();
    },
    pictureBodyLimit(),
    async (c) => {
      const { userId, groupId } = await member(c);
      const record = await pictures.ingest(userId, new Uint8Array(await c.req.arrayBuffer()));
      let previous: string | null;
      try {
        previous = await social.groups.setPicture(userId, groupId, record.id);
      } catch (error) {
        // The group changed while the picture was decoded (left, ended): keep nothing of it.
        await pictures.release(record.id);
        throw error;
      }
      if (previous) await pictures.release(previous);
      return c.json(await social.conversations.detail(userId, groupId));
    },
  );

  routes.delete('/groups/:id/picture', async (c) => {
    const { userId, groupId } = await member(c);
    const previous = await social.groups.setPicture(userId, groupId, null);
    if (previous) await pictures.release(previous);
    return c.json(await social.conversations.detail(userId, groupId));
  });

  return routes;
}
