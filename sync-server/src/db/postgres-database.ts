import pg from 'pg';
import { DomainError } from '../domain-error.ts';
import type { Database, Sql, SqlValue, TransactionOptions } from './sql.ts';

type Params = readonly SqlValue[];

/** SQLSTATEs after which PostgreSQL asks for the transaction to be run again. */
const RETRYABLE = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);
/** Enough for a burst of conflicting social actions on one pair or group; each retry waits a little longer. */
const MAX_ATTEMPTS = 12;

/** Our SQL with `?` placeholders (SQLite's) as `$1, $2, …`; `?` inside a quoted literal stays. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  let quoted = false;
  let out = '';
  for (const ch of sql) {
    if (ch === "'") quoted = !quoted;
    out += ch === '?' && !quoted ? `$${++n}` : ch;
  }
  return out;
}

/**
 * Values as node-postgres should read them: `bigint` columns (milliseconds, counts) as numbers —
 * every one we store is far below 2^53 — and `COUNT(*)` too.
 */
const INT8_OID = 20;
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
    if (oid === INT8_OID && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format) as (value: string) => unknown;
  },
};

/**
 * The port over a node-postgres pool. Statements are prepared once per connection (named by
 * their text), so a session check is one round trip. Transactions run SERIALIZABLE: every
 * outcome is one that running them one at a time could have had, which is what the stores were
 * written against on SQLite (two people requesting each other become friends once; the last
 * way into an account is never removed by two removals at once). PostgreSQL aborts one of two
 * conflicting transactions; it is run again here, after a short random pause.
 */
export class PostgresDatabase implements Database {
  readonly dialect = 'postgres' as const;
  private readonly names = new Map<string, { text: string; name: string }>();

  constructor(
    readonly pool: pg.Pool,
    private readonly description = 'postgres',
  ) {}

  static connect(url: string, options: { max?: number } = {}): PostgresDatabase {
    // A PostgreSQL that does not answer fails a request within seconds (a clear error), never hangs it.
    const pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 10,
      types,
      connectionTimeoutMillis: 5000,
    });
    // An idle connection that breaks (PostgreSQL restarted) must not crash the process: the next
    // query gets a new one.
    pool.on('error', () => undefined);
    return new PostgresDatabase(pool, `postgres (${describePostgresUrl(url)})`);
  }

  describe(): string {
    return this.description;
  }

  all<T>(sql: string, params: Params = []): Promise<T[]> {
    return rowsOf<T>(this.pool, this.statement(sql), params).catch(unavailable);
  }

  async get<T>(sql: string, params: Params = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async run(sql: string, params: Params = []): Promise<{ changes: number }> {
    const result = await this.pool.query({ ...this.statement(sql), values: [...params] }).catch(unavailable);
    return { changes: result.rowCount ?? 0 };
  }

  async transaction<T>(work: (tx: Sql) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const begin = `BEGIN ISOLATION LEVEL ${options.readCommitted ? 'READ COMMITTED' : 'SERIALIZABLE'}`;
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect().catch(unavailable);
      let broken = false;
      try {
        await client.query(begin);
        const result = await work(this.over(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) return unavailable(error);
      } finally {
        client.release(broken);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  /** The transaction's connection as a `Sql`. */
  private over(client: pg.PoolClient): Sql {
    let savepoints = 0;
    const tx: Sql = {
      dialect: 'postgres',
      all: <T>(sql: string, params: Params = []) => rowsOf<T>(client, this.statement(sql), params),
      get: async <T>(sql: string, params: Params = []) =>
        (await rowsOf<T>(client, this.statement(sql), params))[0],
      run: async (sql: string, params: Params = []) => {
        const result = await client.query({ ...this.statement(sql), values: [...params] });
        return { changes: result.rowCount ?? 0 };
      },
      transaction: async <T>(work: (inner: Sql) => Promise<T>): Promise<T> => {
        const name = `sp${++savepoints}`;
        await client.query(`SAVEPOINT ${name}`);
        try {
          const result = await work(tx);
          await client.query(`RELEASE SAVEPOINT ${name}`);
          return result;
        } catch (error) {
          await client.query(`ROLLBACK TO SAVEPOINT ${name}`);
          throw error;
        }
      },
    };
    return tx;
  }

  private statement(sql: string): { text: string; name: string } {
    let statement = this.names.get(sql);
    if (!statement) {
      statement = { text: numberPlaceholders(sql), name: `q${this.names.size}` };
      this.names.set(sql, statement);
    }
    return statement;
  }
}

async function rowsOf<T>(
  on: pg.Pool | pg.PoolClient,
  statement: { text: string; name: string },
  params: Params,
): Promise<T[]> {
  const result = await on.query({ ...statement, values: [...params] });
  return result.rows as T[];
}

/** user@host:port/database of a postgres:// URL: what the logs may say (never the password). */
export function describePostgresUrl(url: string): string {
  const parsed = new URL(url);
  const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : '';
  return `${user}${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
}

/** Node's socket errors and PostgreSQL's "connection" and "shutting down" SQLSTATEs. */
const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'EPIPE',
]);

/**
 * Rethrows an error; one that says PostgreSQL cannot be reached as `storage_unavailable` (503),
 * so clients read "try again shortly", not a server bug (nothing was changed).
 */
function unavailable(error: unknown): never {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const message = error instanceof Error ? error.message : '';
  const down =
    CONNECTION_ERRORS.has(code) ||
    code.startsWith('08') ||
    ['57P01', '57P02', '57P03'].includes(code) ||
    /timeout exceeded when trying to connect|Connection terminated/.test(message);
  if (down) throw new DomainError('storage_unavailable', 'The database does not answer: try again shortly');
  throw error;
}

function isRetryable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && RETRYABLE.has(String(error.code));
}
