import { scratchSqlite } from '../db/scratch-sqlite.ts';
import { membershipStoreContract } from './membership-store.contract.ts';

// The same suite runs against PostgreSQL in tests/integration/stores/.
membershipStoreContract(scratchSqlite);
