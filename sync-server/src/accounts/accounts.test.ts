import { scratchSqlite } from '../db/scratch-sqlite.ts';
import { accountsContract } from './accounts.contract.ts';

// The same suite runs against PostgreSQL in tests/integration/stores/.
accountsContract(scratchSqlite);
