import type { Migration } from './migration.ts';

/**
 * Who ended a membership: the member who removed someone (NULL when they left on their own, or
 * when the row ended before this column existed). The removed member's device says "Ann removed
 * you" from it, since she can no longer read the group's own line about it (LA1).
 */
export const m0041MembershipRemovedBy: Migration = {
  version: 41,
  name: 'membership-removed-by',
  up(db) {
    db.exec(`ALTER TABLE memberships ADD COLUMN removed_by TEXT REFERENCES users(id) ON DELETE SET NULL;`);
  },
};
