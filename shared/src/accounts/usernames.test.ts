import { describe, expect, it } from 'vitest';
import { displayNameSchema, suggestUsername, usernameSchema } from './usernames.ts';

const usernameError = (name: string) => usernameSchema.safeParse(name).error?.issues[0]?.message;
const displayNameError = (name: string) => displayNameSchema.safeParse(name).error?.issues[0]?.message;

describe('username rules', () => {
  it('accepts 3–32 letters, digits, "_", "." and "-"', () => {
    for (const ok of ['abc', 'A.b-c_9', 'x'.repeat(32)])
      expect(usernameSchema.safeParse(ok).success).toBe(true);
  });
  it('names the rule each bad username breaks', () => {
    expect(usernameError('ab')).toBe('Username must be at least 3 characters');
    expect(usernameError('x'.repeat(33))).toBe('Username must be at most 32 characters');
    expect(usernameError('with space')).toMatch(/only letters, digits/);
    expect(usernameError('émile')).toMatch(/only letters, digits/);
    expect(usernameError('Admin')).toBe('This username is reserved');
    expect(usernameError('ROOT')).toBe('This username is reserved');
  });
  it('suggests a provider name only when it is valid', () => {
    expect(suggestUsername('octocat')).toBe('octocat');
    expect(suggestUsername('no spaces please')).toBeNull();
    expect(suggestUsername(undefined)).toBeNull();
  });
});

describe('display name rules', () => {
  it('trims and accepts any script up to 64 characters', () => {
    expect(displayNameSchema.parse('  Zoë 山田 🦊  ')).toBe('Zoë 山田 🦊');
    expect(displayNameSchema.safeParse('🦊'.repeat(64)).success).toBe(true);
  });
  it('refuses empty, too long and control characters', () => {
    expect(displayNameError('   ')).toBe('Display name must not be empty');
    expect(displayNameError('a'.repeat(65))).toBe('Display name must be at most 64 characters');
    expect(displayNameError('bad\u0007bell')).toBe('Display name must not contain control characters');
    expect(displayNameError('rtl\u202Eoverride')).toBe('Display name must not contain control characters');
  });
});
