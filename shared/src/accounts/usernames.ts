import { z } from 'zod';
import { checkName } from '../names.ts';

/** Names nobody may take: they would impersonate the server, its operators or a role. */
export const RESERVED_USERNAMES: ReadonlySet<string> = new Set([
  'admin',
  'administrator',
  'root',
  'system',
  'support',
  'help',
  'messenjo',
  'moderator',
  'mod',
  'staff',
  'security',
  'official',
  'owner',
  'server',
  'api',
  'sync',
  'null',
  'undefined',
  'anonymous',
  'everyone',
  'me',
  'deleted',
  'deleted-user',
  'deleted_user',
]);

export const USERNAME_MIN = 3;
export const USERNAME_MAX = 32;
export const DISPLAY_NAME_MAX = 64;

/** The case-insensitive key that makes usernames unique (`Alice` and `alice` collide). */
export function usernameKey(username: string): string {
  return username.toLowerCase();
}

/**
 * A username: 3–32 of ASCII letters, digits, `_`, `.`, `-`; not a reserved name. Each rule has
 * its own message so the person learns which one they broke. Uniqueness is the server's check.
 */
export const usernameSchema = z
  .string({ error: 'Username must be text' })
  .min(USERNAME_MIN, { error: `Username must be at least ${USERNAME_MIN} characters` })
  .max(USERNAME_MAX, { error: `Username must be at most ${USERNAME_MAX} characters` })
  .regex(/^[A-Za-z0-9_.-]+$/, {
    error: 'Username may contain only letters, digits, "_", "." and "-"',
  })
  .refine((name) => !RESERVED_USERNAMES.has(usernameKey(name)), {
    error: 'This username is reserved',
  });

/** A display name: any script, NFC, trimmed, 1–64 characters (code points), no control characters (NM1). */
export const displayNameSchema = z.string({ error: 'Display name must be text' }).transform((raw, ctx) => {
  const checked = checkName(raw, 'Display name', DISPLAY_NAME_MAX);
  if (checked.ok) return checked.value;
  ctx.addIssue({ code: 'custom', message: checked.message });
  return z.NEVER;
});

/** A provider's suggestion (GitHub login, OIDC preferred_username) when it happens to be valid. */
export function suggestUsername(candidate: string | null | undefined): string | null {
  if (!candidate) return null;
  return usernameSchema.safeParse(candidate).success ? candidate : null;
}
