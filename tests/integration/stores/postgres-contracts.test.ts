import { describe } from 'vitest';
import { accountsContract } from '../../../sync-server/src/accounts/accounts.contract.ts';
import { attachmentsContract } from '../../../sync-server/src/attachments/attachments.contract.ts';
import { membershipStoreContract } from '../../../sync-server/src/conversations/membership-store.contract.ts';
import { pushSubscriptionStoreContract } from '../../../sync-server/src/push/subscription-store.contract.ts';
import { sessionStoreContract } from '../../../sync-server/src/sessions/session-store.contract.ts';
import { groupsContract } from '../../../sync-server/src/social/groups.contract.ts';
import { relationshipsContract } from '../../../sync-server/src/social/relationships.contract.ts';
import { PostgresDatabase } from '../../../sync-server/src/db/index.ts';
import { docStoreContract } from '../../../sync-server/src/sync/store/doc-store.contract.ts';
import { PostgresDocStore } from '../../../sync-server/src/sync/store/postgres-doc-store.ts';
import { freshDatabase } from '../../harness/databases.ts';
import { scratchPostgres } from '../../harness/postgres-stores.ts';

// The stores' contract suites, which `pnpm check` runs against SQLite, against the test run's
// PostgreSQL (harness/global-services.ts): one fresh migrated database per test.
describe('on PostgreSQL', () => {
  describe('sessions', () => sessionStoreContract(scratchPostgres));
  describe('accounts', () => accountsContract(scratchPostgres));
  describe('memberships', () => membershipStoreContract(scratchPostgres));
  describe('relationships', () => relationshipsContract(scratchPostgres));
  describe('groups', () => groupsContract(scratchPostgres));
  describe('push subscriptions', () => pushSubscriptionStoreContract(scratchPostgres));
  describe('attachment blobs', () => attachmentsContract(scratchPostgres));
  docStoreContract('PostgreSQL', async () => {
    const fresh = await freshDatabase();
    // Each store has its own pool on the same database, as each server process would.
    const pools = [PostgresDatabase.connect(fresh.url)];
    return {
      store: new PostgresDocStore(pools[0]!),
      another: () => {
        const pool = PostgresDatabase.connect(fresh.url);
        pools.push(pool);
        return new PostgresDocStore(pool);
      },
      async close() {
        await Promise.all(pools.map((pool) => pool.close()));
        await fresh.drop();
      },
    };
  });
});
