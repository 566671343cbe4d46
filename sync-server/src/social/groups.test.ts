import { scratchSqlite } from '../db/scratch-sqlite.ts';
import { groupsContract } from './groups.contract.ts';

// The same suite runs against PostgreSQL in tests/integration/stores/.
groupsContract(scratchSqlite);
