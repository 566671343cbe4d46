export { openDatabase, type Db } from './open.ts';
export { migrate, appliedCount, appliedVersion, type MigrationResult } from './migrate.ts';
export { MIGRATIONS, type Migration } from './migrations/index.ts';
