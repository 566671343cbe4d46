import { scratchSqlite } from '../db/scratch-sqlite.ts';
import { sessionStoreContract } from './session-store.contract.ts';

// The same suite runs against PostgreSQL in tests/integration/stores/.
sessionStoreContract(scratchSqlite);
