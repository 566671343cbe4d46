import { describe, expect, it } from 'vitest';
import { displayNameSchema } from './accounts/usernames.ts';
import { checkName } from './names.ts';
import { checkGroupName } from './social.ts';

const displayNameError = (name: string) => displayNameSchema.safeParse(name).error?.issues[0]?.message;
const groupNameError = (name: unknown) => {
  const checked = checkGroupName(name);
  return checked.ok ? undefined : checked.message;
};

describe('one text rule for every name', () => {
  it('[NM1] refuses bidirectional overrides, isolates and separators in display and group names alike', () => {
    for (const bad of [
      '\u202egnp.exe',
      'a\u202ab',
      'a\u2066b\u2069',
      'line\u2028break',
      'bell\u0007',
      'c1\u0085',
    ]) {
      expect(groupNameError(bad)).toBe('The group name must not contain control characters');
      expect(displayNameError(bad)).toBe('Display name must not contain control characters');
    }
  });

  it('[NM1] normalises to NFC and trims, and counts code points, for both kinds of name', () => {
    const decomposed = '  Zoe\u0301 山田 🦊 ';
    expect(checkGroupName(decomposed)).toEqual({ ok: true, value: 'Zoé 山田 🦊' });
    expect(displayNameSchema.parse(decomposed)).toBe('Zoé 山田 🦊');
    expect(checkName('🦊'.repeat(64), 'Name', 64).ok).toBe(true);
    expect(groupNameError('🦊'.repeat(65))).toBe('The group name must be at most 64 characters');
    expect(groupNameError(' \t ')).toBe('The group name must not be empty');
    expect(groupNameError(42)).toBe('The group name must be text');
  });
});
