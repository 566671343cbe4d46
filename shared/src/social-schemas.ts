import { z } from 'zod';
import { GROUP_MAX_MEMBERS } from './social.ts';

/*
 * The social graph's request bodies, checked by the server with these schemas and by the app
 * before sending. A module of their own: the app's conversation screens use social.ts's rules and
 * types, and a zod schema built at the top of that module brought zod (82 KB of script) into their
 * first load (docs/benchmarks.md, Lighthouse).
 */

const userId = z.string().min(1).max(64);

export const friendRequestSchema = z.strictObject({ userId });
export const blockRequestSchema = z.strictObject({ userId });
export const createGroupSchema = z.strictObject({
  name: z.string({ error: 'The group name must be text' }),
  memberIds: z
    .array(userId)
    .max(GROUP_MAX_MEMBERS - 1)
    .default([]),
});
export const updateGroupSchema = z.strictObject({
  name: z.string({ error: 'The group name must be text' }).optional(),
  /**
   * When the person renamed, by their device's clock (ms since 1970), for a rename made offline and
   * sent later: the later rename wins whatever order renames reach the server. Absent: now.
   */
  renamedAt: z
    .number({ error: 'renamedAt must be a time in milliseconds' })
    .int({ error: 'renamedAt must be a time in milliseconds' })
    .positive({ error: 'renamedAt must be a time in milliseconds' })
    .optional(),
  addMembersPolicy: z.enum(['members', 'admins']).optional(),
});
export const addMembersSchema = z.strictObject({ userIds: z.array(userId).min(1).max(GROUP_MAX_MEMBERS) });
export const setRoleSchema = z.strictObject({ role: z.enum(['admin', 'member']) });
export const transferOwnershipSchema = z.strictObject({ userId });
