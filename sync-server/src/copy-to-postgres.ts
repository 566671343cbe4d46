import path from 'node:path';
import { ConfigError, loadConfig } from './config/index.ts';
import {
  MIGRATIONS,
  migrate,
  migratePostgres,
  openDatabase,
  copyToPostgres,
  POSTGRES_MIGRATIONS,
  PostgresDatabase,
} from './db/index.ts';

/**
 * `pnpm copy-to-postgres` (built: `node sync-server/dist/copy-to-postgres.js`): copies the
 * SQLite deployment in DATA_DIR into the empty PostgreSQL database at DATABASE_URL, so a server
 * that grows past one process keeps everything it had. Stop the server first. Pictures stay
 * files in DATA_DIR/media (shared by the processes, see README), and so, until the PostgreSQL
 * document store lands, do the documents in DATA_DIR/messenjo.sqlite.
 */
function fail(message: string): never {
  process.stderr.write(`messenjo copy-to-postgres: ${message}\n`);
  process.exit(1);
}

async function run(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env, { staticDir: '.' });
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  if (config.database.engine !== 'postgres')
    fail('DATABASE_URL: set it to the PostgreSQL database to copy into');
  const file = path.join(config.dataDir, 'messenjo.sqlite');
  const sqlite = openDatabase(file);
  // The copy reads the newest SQLite schema (an older deployment is migrated first, as a start would).
  migrate(sqlite, MIGRATIONS);
  const target = PostgresDatabase.connect(config.database.url, { max: 1 });
  try {
    await migratePostgres(target.pool, POSTGRES_MIGRATIONS);
    const { rows } = await copyToPostgres(sqlite, target.pool);
    process.stdout.write(`${JSON.stringify({ copied: rows, from: file, to: target.describe() })}\n`);
  } catch (error) {
    fail(`${target.describe()}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await target.close();
    sqlite.close();
  }
}

void run();
