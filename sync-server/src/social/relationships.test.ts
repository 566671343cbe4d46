import { scratchSqlite } from '../db/scratch-sqlite.ts';
import { relationshipsContract } from './relationships.contract.ts';

// The same suite runs against PostgreSQL in tests/integration/stores/.
relationshipsContract(scratchSqlite);
