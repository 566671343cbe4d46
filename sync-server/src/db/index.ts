export { openDatabase, type Db } from './open.ts';
export { migrate, appliedCount, appliedVersion, pendingMigrations, type MigrationResult } from './migrate.ts';
export { MIGRATIONS, type Migration } from './migrations/index.ts';
export { migratePostgres } from './migrate-postgres.ts';
export { POSTGRES_MIGRATIONS, type PostgresMigration } from './postgres-migrations.ts';
export { PostgresDatabase } from './postgres-database.ts';
export { SqliteDatabase } from './sqlite-database.ts';
export {
  inList,
  isUniqueViolation,
  postgresTextArray,
  type Database,
  type Dialect,
  type Sql,
  type SqlArray,
  type SqlValue,
} from './sql.ts';
export { openStorage, StorageError, type OpenedStorage } from './open-storage.ts';
export { copyToPostgres, type CopyReport, type CopyStep } from './sqlite-to-postgres.ts';
