import type { Statement } from 'better-sqlite3';
import type { Db } from './open.ts';
import type { Database, Sql, SqlValue } from './sql.ts';

type Params = readonly SqlValue[];

/** SQLite stores no booleans: a boolean parameter is 0 or 1, as the schema's INTEGER columns hold it. */
function bind(params: Params): unknown[] {
  return params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));
}

/**
 * The port over better-sqlite3. A query runs synchronously and its promise is already settled,
 * so the hot paths (a session per request, memberships per subscribe) cost a prepared
 * statement plus a resolved promise.
 *
 * One connection serves every caller, so a transaction must own it: a transaction holds a lock
 * from BEGIN IMMEDIATE to COMMIT and every statement or transaction of another caller that
 * arrives meanwhile waits for it (otherwise it would run inside the open transaction, reading
 * what is not committed and rolled back with it). IMMEDIATE because the commit worker writes
 * the same file from its own connection (see open.ts).
 */
export class SqliteDatabase implements Database {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, Statement>();
  /** Settles when the open transaction ends; undefined when none is open. */
  private lock: Promise<void> | undefined;
  private savepoints = 0;

  constructor(
    /** The better-sqlite3 connection (the document store uses it directly). */
    readonly raw: Db,
  ) {}

  describe(): string {
    return `sqlite (${this.raw.memory ? 'in memory' : this.raw.name})`;
  }

  all<T>(sql: string, params: Params = []): Promise<T[]> {
    if (this.lock) return this.afterLock(() => this.all<T>(sql, params));
    return settle(() => this.prepare(sql).all(...bind(params)) as T[]);
  }

  get<T>(sql: string, params: Params = []): Promise<T | undefined> {
    if (this.lock) return this.afterLock(() => this.get<T>(sql, params));
    return settle(() => this.prepare(sql).get(...bind(params)) as T | undefined);
  }

  run(sql: string, params: Params = []): Promise<{ changes: number }> {
    if (this.lock) return this.afterLock(() => this.run(sql, params));
    return settle(() => ({ changes: this.prepare(sql).run(...bind(params)).changes }));
  }

  async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    while (this.lock) await this.lock;
    let release!: () => void;
    this.lock = new Promise((resolve) => (release = resolve));
    try {
      this.raw.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this.inTransaction);
        this.raw.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.raw.inTransaction) this.raw.exec('ROLLBACK');
        throw error;
      }
    } finally {
      this.lock = undefined;
      release();
    }
  }

  async close(): Promise<void> {
    while (this.lock) await this.lock;
    this.raw.close();
  }

  /** What a transaction's work is handed: the same connection, past the lock it holds. */
  private readonly inTransaction: Sql = {
    dialect: 'sqlite',
    all: <T>(sql: string, params: Params = []) => settle(() => this.prepare(sql).all(...bind(params)) as T[]),
    get: <T>(sql: string, params: Params = []) =>
      settle(() => this.prepare(sql).get(...bind(params)) as T | undefined),
    run: (sql: string, params: Params = []) =>
      settle(() => ({ changes: this.prepare(sql).run(...bind(params)).changes })),
    transaction: async <T>(work: (tx: Sql) => Promise<T>): Promise<T> => {
      const name = `sp${++this.savepoints}`;
      this.raw.exec(`SAVEPOINT ${name}`);
      try {
        const result = await work(this.inTransaction);
        this.raw.exec(`RELEASE ${name}`);
        return result;
      } catch (error) {
        this.raw.exec(`ROLLBACK TO ${name}`);
        this.raw.exec(`RELEASE ${name}`);
        throw error;
      }
    },
  };

  private async afterLock<T>(run: () => Promise<T>): Promise<T> {
    while (this.lock) await this.lock;
    return run();
  }

  private prepare(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.raw.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/** A synchronous result as a settled promise (a thrown error as a rejected one). */
function settle<T>(run: () => T): Promise<T> {
  try {
    return Promise.resolve(run());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
