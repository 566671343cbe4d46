import type { Migration } from './migration.ts';

/**
 * When the group's current name was given, by the renaming device's clock (capped at the server's
 * time): a rename queued on a device while offline and sent later loses to a rename made after it
 * (the later rename wins, whatever order they reach the server). NULL: never renamed since created.
 */
export const m0042GroupNameChangedAt: Migration = {
  version: 42,
  name: 'group-name-changed-at',
  up(db) {
    db.exec(`ALTER TABLE conversations ADD COLUMN name_changed_at INTEGER;`);
  },
};
