import { Hono } from 'hono';
import type { EventBus } from '../../events/bus.ts';
import type { AppEnv } from '../../http/env.ts';
import { pictureBodyLimit } from '../../http/picture-body-limit.ts';
import type { Accounts } from '../accounts.ts';
import type { Pictures } from '../media/pictures.ts';
import { requireUser } from '../session/context.ts';
import type { MeView } from './me-view.ts';

/** Upload, change and remove the profile picture. The body is the image file itself. */
export function pictureRoutes(deps: {
  accounts: Accounts;
  pictures: Pictures;
  bus: EventBus;
  meView: MeView;
}): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.put(
    '/me/picture',
    (c, next) => {
      requireUser(c);
      return next();
    },
    pictureBodyLimit(),
    async (c) => {
      const { user } = requireUser(c);
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      const record = await deps.pictures.ingest(user.id, bytes);
      const previous = (await deps.accounts.users.get(user.id))?.pictureMediaId ?? null;
      await deps.accounts.users.setPicture(user.id, record.id);
      if (previous) await deps.pictures.release(previous);
      deps.bus.publish({ type: 'user.changed', userId: user.id });
      return c.json(await deps.meView(user));
    },
  );

  routes.delete('/me/picture', async (c) => {
    const { user } = requireUser(c);
    const previous = (await deps.accounts.users.get(user.id))?.pictureMediaId ?? null;
    if (previous) {
      await deps.accounts.users.setPicture(user.id, null);
      await deps.pictures.release(previous);
      deps.bus.publish({ type: 'user.changed', userId: user.id });
    }
    return c.json(await deps.meView(user));
  });

  return routes;
}
