import type { ConversationDetail } from '@messenjo/shared';
import { describe, expect, it } from 'vitest';
import { chatInfoOf, senderName } from './chat-info.ts';

const person = (id: string, name: string) => ({ id, username: name, displayName: name, picture: null });

const group = (over: Partial<ConversationDetail>): ConversationDetail => ({
  id: 'c_1',
  kind: 'group',
  name: 'Climbing',
  picture: null,
  peer: null,
  memberCount: 1,
  lastMessage: null,
  lastActivityAt: 0,
  canWrite: true,
  role: 'owner',
  addMembersPolicy: 'members',
  members: [{ ...person('u_ann', 'Ann'), role: 'owner', joinedAt: 0 }],
  ...over,
});

describe('chat info', () => {
  it('[NM2] names former members by their own name, and only unknown people "Former member"', () => {
    const info = chatInfoOf(group({ formerMembers: [{ ...person('u_ben', 'Ben'), leftAt: 5 }] }));
    expect(senderName(info, 'u_ben')).toBe('Ben');
    expect(senderName(info, 'u_ann')).toBe('Ann');
    expect(senderName(info, 'u_who')).toBe('Former member');
  });

  it('[NM2] tells a removed member who removed her, and a departed one that she left', () => {
    const removed = chatInfoOf(
      group({
        canWrite: false,
        role: null,
        membershipEnded: { at: 5, removedBy: 'u_ann' },
        formerMembers: [{ ...person('u_me', 'Me'), leftAt: 5 }],
      }),
    );
    expect(removed.readOnlyReason).toMatch(/^Ann removed you from this group\. The history stays readable/);
    const left = chatInfoOf(
      group({ canWrite: false, role: null, membershipEnded: { at: 5, removedBy: null } }),
    );
    expect(left.readOnlyReason).toMatch(/^You left this group\./);
    // A detail stored by an older app knows neither.
    expect(chatInfoOf(group({ canWrite: false, role: null })).readOnlyReason).toMatch(
      /^You left or were removed from this group\./,
    );
  });
});
