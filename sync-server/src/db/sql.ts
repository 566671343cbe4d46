/**
 * The asynchronous storage boundary every store but the document store is written against: one
 * small port, two adapters (`sqlite-database.ts` on better-sqlite3, `postgres-database.ts` on
 * node-postgres). SQL is written once with `?` placeholders in the subset both engines share
 * (`INSERT … ON CONFLICT`, `RETURNING`, `IS DISTINCT FROM`); the few places where they differ
 * go through the helpers below. Why a port and not a query builder: ARCHITECTURE.md, "Storage
 * engines".
 */
export type SqlValue = string | number | bigint | boolean | null | Uint8Array | SqlArray;

/**
 * A PostgreSQL array parameter (`$1::text[]`, `$2::bytea[]`), sent by node-postgres as an array
 * literal: a batch's rows in one statement (`sync/store/postgres-append.ts`). SQLite has none.
 */
export type SqlArray = readonly (string | number | Uint8Array | null)[];

export type Dialect = 'sqlite' | 'postgres';

/** Something queries run on: the database itself or an open transaction. */
export interface Sql {
  readonly dialect: Dialect;
  /** Every row. */
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** The first row, or undefined. */
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** A statement without rows; `changes` is how many rows it inserted, updated or deleted. */
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  /**
   * Runs `work` in one transaction that behaves as if transactions ran one at a time: SQLite
   * runs them one at a time (BEGIN IMMEDIATE, queued); PostgreSQL runs them SERIALIZABLE and
   * runs `work` again when PostgreSQL aborts it for a conflict, so `work` must have no effect
   * outside the transaction it is handed. Inside a transaction this nests (a savepoint).
   * `readCommitted` (PostgreSQL only) is for work whose every write is correct at any
   * isolation, row-locked upserts and inserts: writers of one row then wait for each other
   * instead of aborting and running again (the document store's append, on its head rows).
   */
  transaction<T>(work: (tx: Sql) => Promise<T>, options?: TransactionOptions): Promise<T>;
}

export interface TransactionOptions {
  readCommitted?: boolean;
}

export interface Database extends Sql {
  /** Which engine, and where, for the start-up log line (never a password). */
  describe(): string;
  close(): Promise<void>;
}

/**
 * `column IN (…values)` for a list whose length varies, as one parameter (one statement
 * prepared for every length): a JSON array read by `json_each` on SQLite, an array on PostgreSQL.
 */
export function inList(
  sql: Sql,
  column: string,
  values: readonly string[],
): { clause: string; param: SqlValue } {
  return sql.dialect === 'postgres'
    ? { clause: `${column} = ANY(?::text[])`, param: postgresTextArray(values) }
    : { clause: `${column} IN (SELECT value FROM json_each(?))`, param: JSON.stringify(values) };
}

/** A text[] literal ({"a","b"}) for `?::text[]`: node-postgres sends parameters as text. */
export function postgresTextArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

/** A unique or primary key constraint refused the write (two requests raced for one name, one row). */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const code = error.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
