import {
  addMembersSchema,
  blockRequestSchema,
  createGroupSchema,
  friendRequestSchema,
  setRoleSchema,
  transferOwnershipSchema,
  updateGroupSchema,
} from '@messenjo/shared';
import { Hono } from 'hono';
import { requireUsername } from '../accounts/session/context.ts';
import type { AppEnv } from '../http/env.ts';
import { RateLimiter } from '../http/rate-limit.ts';
import { readJson } from '../http/validate.ts';
import type { Social } from './index.ts';

/** Searches a person may make: a burst of 20, then one every two seconds, so the user list cannot be scraped. */
const SEARCH_BURST = 20;
const SEARCH_PER_SECOND = 0.5;

/**
 * The social API: people search, friends and requests, blocks, groups and the conversation
 * list. Every route needs a signed-in user who has chosen a username; every refusal names its
 * reason (`not_friends`, `blocked`, `not_a_member`, `not_allowed_for_role`, …).
 */
export function socialRoutes(social: Social, now: () => number): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  const searchLimit = new RateLimiter(SEARCH_BURST, SEARCH_PER_SECOND, now);
  const me = (c: Parameters<typeof requireUsername>[0]) => requireUsername(c).user.id;

  routes.get('/users/search', async (c) => {
    const user = me(c);
    searchLimit.take(user, 'searches');
    return c.json({ results: await social.search.search(user, c.req.query('q')) });
  });

  routes.get('/friends', async (c) => c.json(await social.relationships.list(me(c))));
  routes.post('/friends/requests', async (c) => {
    const user = me(c);
    const { userId } = await readJson(c, friendRequestSchema);
    return c.json(await social.relationships.sendRequest(user, userId));
  });
  routes.post('/friends/requests/:userId/accept', async (c) =>
    c.json(await social.relationships.accept(me(c), c.req.param('userId'))),
  );
  routes.post('/friends/requests/:userId/decline', async (c) => {
    await social.relationships.decline(me(c), c.req.param('userId'));
    return c.body(null, 204);
  });
  routes.delete('/friends/requests/:userId', async (c) => {
    await social.relationships.cancel(me(c), c.req.param('userId'));
    return c.body(null, 204);
  });
  routes.delete('/friends/:userId', async (c) => {
    await social.relationships.removeFriend(me(c), c.req.param('userId'));
    return c.body(null, 204);
  });

  routes.post('/blocks', async (c) => {
    const user = me(c);
    const { userId } = await readJson(c, blockRequestSchema);
    await social.relationships.block(user, userId);
    return c.body(null, 204);
  });
  routes.delete('/blocks/:userId', async (c) => {
    await social.relationships.unblock(me(c), c.req.param('userId'));
    return c.body(null, 204);
  });

  routes.get('/conversations', async (c) =>
    c.json({ conversations: await social.conversations.list(me(c)) }),
  );
  routes.get('/conversations/:id', async (c) =>
    c.json(await social.conversations.detail(me(c), c.req.param('id'))),
  );

  routes.post('/groups', async (c) => {
    const user = me(c);
    const body = await readJson(c, createGroupSchema);
    const { conversationId } = await social.groups.create(user, body);
    return c.json(await social.conversations.detail(user, conversationId), 201);
  });
  routes.patch('/groups/:id', async (c) => {
    const user = me(c);
    const id = c.req.param('id');
    const body = await readJson(c, updateGroupSchema);
    if (body.name !== undefined) await social.groups.rename(user, id, body.name, body.renamedAt);
    if (body.addMembersPolicy !== undefined)
      await social.groups.setAddMembersPolicy(user, id, body.addMembersPolicy);
    return c.json(await social.conversations.detail(user, id));
  });
  routes.post('/groups/:id/members', async (c) => {
    const user = me(c);
    const id = c.req.param('id');
    const { userIds } = await readJson(c, addMembersSchema);
    await social.groups.addMembers(user, id, userIds);
    return c.json(await social.conversations.detail(user, id));
  });
  routes.delete('/groups/:id/members/:userId', async (c) => {
    const user = me(c);
    const id = c.req.param('id');
    await social.groups.removeMember(user, id, c.req.param('userId'));
    return c.json(await social.conversations.detail(user, id));
  });
  routes.patch('/groups/:id/members/:userId', async (c) => {
    const user = me(c);
    const id = c.req.param('id');
    const { role } = await readJson(c, setRoleSchema);
    await social.groups.setRole(user, id, c.req.param('userId'), role);
    return c.json(await social.conversations.detail(user, id));
  });
  routes.post('/groups/:id/owner', async (c) => {
    const user = me(c);
    const id = c.req.param('id');
    const { userId } = await readJson(c, transferOwnershipSchema);
    await social.groups.transferOwnership(user, id, userId);
    return c.json(await social.conversations.detail(user, id));
  });
  routes.post('/groups/:id/leave', async (c) => {
    await social.groups.leave(me(c), c.req.param('id'));
    return c.body(null, 204);
  });

  return routes;
}
