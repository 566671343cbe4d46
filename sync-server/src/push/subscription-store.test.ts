import { scratchSqlite } from '../db/scratch-sqlite.ts';
import { pushSubscriptionStoreContract } from './subscription-store.contract.ts';

// The same suite runs against PostgreSQL in tests/integration/stores/.
pushSubscriptionStoreContract(scratchSqlite);
