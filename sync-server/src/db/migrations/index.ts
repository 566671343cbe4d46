import { m0001Init } from './0001-init.ts';
import { m0002Identity } from './0002-identity.ts';
import { m0003Conversations } from './0003-conversations.ts';
import { m0010Accounts } from './0010-accounts.ts';
import { m0020DocumentStore } from './0020-document-store.ts';
import { m0021DocHeads } from './0021-doc-heads.ts';
import { m0022DocUpdateIds } from './0022-doc-update-ids.ts';
import { m0040Social } from './0040-social.ts';
import { m0041MembershipRemovedBy } from './0041-membership-removed-by.ts';
import { m0042GroupNameChangedAt } from './0042-group-name-changed-at.ts';
import { m0060Push } from './0060-push.ts';
import { m0070Attachments } from './0070-attachments.ts';
import type { Migration } from './migration.ts';

export type { Migration } from './migration.ts';

/**
 * Every migration in version order. Append only: a released migration never changes.
 * Number ranges per feature keep parallel work apart: core 1–9, accounts 10–19, sync 20–39, social 40–59, push 60–69, attachments 70–79.
 */
export const MIGRATIONS: readonly Migration[] = [
  m0001Init,
  m0002Identity,
  m0003Conversations,
  m0010Accounts,
  m0020DocumentStore,
  m0021DocHeads,
  m0022DocUpdateIds,
  m0040Social,
  m0041MembershipRemovedBy,
  m0042GroupNameChangedAt,
  m0060Push,
  m0070Attachments,
];
