import { describe, expect, it } from 'vitest';
import { checkMessageEntry } from './entries.ts';
import { describeSystemEntry, isSystemMessage, systemMessage, SYSTEM_AUTHOR } from './system-entries.ts';

describe('system entries', () => {
  it('read as sentences with names resolved when shown', () => {
    const names: Record<string, string> = { u_a: 'Ann', u_b: 'Ben', u_c: 'Cat' };
    const nameOf = (id: string) => names[id] ?? 'someone';
    expect(describeSystemEntry({ kind: 'group_renamed', actorId: 'u_a', name: 'Trip' }, nameOf)).toBe(
      'Ann renamed the group to Trip',
    );
    expect(
      describeSystemEntry({ kind: 'members_added', actorId: 'u_a', userIds: ['u_b', 'u_c'] }, nameOf),
    ).toBe('Ann added Ben, Cat');
    expect(describeSystemEntry({ kind: 'member_removed', actorId: 'u_a', userId: 'u_b' }, nameOf)).toBe(
      'Ann removed Ben',
    );
  });

  it('are message entries by the system author that no device may send', () => {
    const entry = systemMessage({ kind: 'member_left', actorId: 'u_a' }, 5);
    expect(entry.author).toBe(SYSTEM_AUTHOR);
    expect(isSystemMessage(entry)).toBe(true);
    // The validator every client update goes through refuses the `system` field.
    expect(checkMessageEntry(entry)).toMatchObject({ ok: false });
  });
});
