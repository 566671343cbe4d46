import { scratchSqlite } from '../db/scratch-sqlite.ts';
import { attachmentsContract } from './attachments.contract.ts';

// The same suite runs against PostgreSQL in tests/integration/stores/.
attachmentsContract(scratchSqlite);
