import type pg from 'pg';
import type { Db } from './open.ts';

/**
 * Copies a SQLite deployment's rows into a migrated, empty PostgreSQL database, in one
 * transaction (all or nothing), every column as it is. The tables go in an order that keeps
 * every foreign key satisfied; `users.picture_media_id` and `media.owner_id` point at each
 * other, so users go in without their picture first and get it once the media rows are in.
 */
export interface CopyReport {
  /** Rows copied per table. */
  rows: Record<string, number>;
}

/**
 * Tables a later PostgreSQL schema lays out differently from SQLite's (a partitioned update log)
 * are copied by their own step: each runs in the same transaction, after every table below.
 */
export interface CopyStep {
  name: string;
  /** The SQLite tables it copies. */
  tables: readonly string[];
  copy(sqlite: Db, tx: pg.PoolClient): Promise<Record<string, number>>;
}

/** In foreign-key order. */
const TABLES = [
  'users',
  'sessions',
  'push_subscriptions',
  'media',
  'conversations',
  'memberships',
  'passkey_credentials',
  'oauth_identities',
  'auth_flows',
  'invites',
  'friend_requests',
  'friendships',
  'blocks',
  'blobs',
  'blob_uploads',
  'blob_refs',
  'uploads',
  // The document store's (no foreign keys).
  'doc_log',
  'doc_heads',
  'doc_update_ids',
  'doc_snapshots',
  'doc_clients',
  'conversation_segments',
] as const;

/** The server's own bookkeeping: PostgreSQL has its own (`server_meta.created_at` travels). */
const NOT_COPIED = new Set(['schema_migrations', 'server_meta']);

const BATCH_ROWS = 500;

/**
 * A table a later migration added that nothing copies would be lost without a word: refused
 * before anything is written, naming the table.
 */
function refuseUncopiedTables(sqlite: Db, steps: readonly CopyStep[]): void {
  const claimed = new Set<string>([...TABLES, ...steps.flatMap((step) => step.tables)]);
  const tables = sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .all() as { name: string }[];
  const uncopied = tables.map((t) => t.name).filter((name) => !claimed.has(name) && !NOT_COPIED.has(name));
  if (uncopied.length > 0) {
    throw new Error(`no copy is known for table ${uncopied.join(', ')} (db/sqlite-to-postgres.ts)`);
  }
}

export async function copyToPostgres(
  sqlite: Db,
  pool: pg.Pool,
  steps: readonly CopyStep[] = [],
): Promise<CopyReport> {
  refuseUncopiedTables(sqlite, steps);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const existing = await client.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM users');
    if ((existing.rows[0]?.n ?? 0) > 0) {
      throw new Error('the PostgreSQL database already has users: copy into a new, empty database only');
    }
    const rows: Record<string, number> = {};
    // The server's own creation time travels with it.
    const created = sqlite.prepare("SELECT value FROM server_meta WHERE key = 'created_at'").get() as
      { value: string } | undefined;
    if (created)
      await client.query("UPDATE server_meta SET value = $1 WHERE key = 'created_at'", [created.value]);
    for (const table of TABLES) rows[table] = await copyTable(sqlite, client, table);
    const pictures = sqlite
      .prepare('SELECT id, picture_media_id FROM users WHERE picture_media_id IS NOT NULL')
      .all() as { id: string; picture_media_id: string }[];
    for (const { id, picture_media_id } of pictures)
      await client.query('UPDATE users SET picture_media_id = $1 WHERE id = $2', [picture_media_id, id]);
    for (const step of steps) Object.assign(rows, await step.copy(sqlite, client));
    await client.query('COMMIT');
    return { rows };
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

async function copyTable(sqlite: Db, client: pg.PoolClient, table: string): Promise<number> {
  const target = await client.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
    [table],
  );
  const source = new Set(
    (sqlite.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map(
      (c) => c.name,
    ),
  );
  // Every column both have (a PostgreSQL-only one such as conversations.head_seq keeps its default).
  const columns = target.rows.map((r) => r.column_name).filter((c) => source.has(c));
  const missing = [...source].filter((c) => !columns.includes(c));
  if (missing.length > 0) throw new Error(`${table}: PostgreSQL has no column ${missing.join(', ')}`);
  // In primary-key order (the document store's tables have no rowid).
  const key = (
    sqlite.prepare('SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk').all(table) as {
      name: string;
    }[]
  ).map((c) => c.name);
  const select = sqlite.prepare(
    `SELECT ${columns.map((c) => (table === 'users' && c === 'picture_media_id' ? 'NULL AS picture_media_id' : c)).join(', ')} FROM ${table} ORDER BY ${key.length > 0 ? key.join(', ') : 'rowid'}`,
  );
  let copied = 0;
  let batch: unknown[][] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const values = batch
      .map((_, r) => `(${columns.map((__, c) => `$${r * columns.length + c + 1}`).join(', ')})`)
      .join(', ');
    await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}`, batch.flat());
    copied += batch.length;
    batch = [];
  };
  for (const row of select.iterate() as IterableIterator<Record<string, unknown>>) {
    batch.push(columns.map((c) => row[c]));
    if (batch.length >= BATCH_ROWS) await flush();
  }
  await flush();
  return copied;
}
