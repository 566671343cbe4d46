import { ConfigError } from './config-error.ts';

/** Which engine holds everything durable: SQLite in DATA_DIR (the default) or PostgreSQL. */
export type DatabaseConfig = { engine: 'sqlite' } | { engine: 'postgres'; url: string };

/** A URL as it may appear in a log or an error: the password replaced. */
export function withoutPassword(url: URL): string {
  if (url.password === '') return url.href;
  const shown = new URL(url.href);
  shown.password = '***';
  return shown.href;
}

function parse(variable: string, raw: string, example: string): URL {
  try {
    return new URL(raw);
  } catch {
    // Never echo the value: it may hold a password.
    throw new ConfigError(variable, `is not a URL; use one such as ${example}`);
  }
}

/** DATABASE_URL: absent means SQLite; otherwise a postgres:// URL naming a host and a database. */
export function readDatabaseConfig(env: NodeJS.ProcessEnv): DatabaseConfig {
  const raw = env.DATABASE_URL?.trim();
  if (raw === undefined || raw === '') return { engine: 'sqlite' };
  const example = 'postgres://messenjo:secret@db.example.org:5432/messenjo';
  const url = parse('DATABASE_URL', raw, example);
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(
      'DATABASE_URL',
      `"${withoutPassword(url)}" must start with postgres:// (leave it unset for SQLite in DATA_DIR)`,
    );
  }
  if (url.hostname === '') throw new ConfigError('DATABASE_URL', `"${withoutPassword(url)}" names no host`);
  if (url.pathname.length <= 1)
    throw new ConfigError('DATABASE_URL', `"${withoutPassword(url)}" names no database (…/messenjo)`);
  return { engine: 'postgres', url: url.href };
}

/** REDIS_URL: absent means the in-process bus (one process); otherwise redis:// or rediss://. */
export function readRedisUrl(env: NodeJS.ProcessEnv): URL | undefined {
  const raw = env.REDIS_URL?.trim();
  if (raw === undefined || raw === '') return undefined;
  const url = parse('REDIS_URL', raw, 'redis://redis.example.org:6379');
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new ConfigError('REDIS_URL', `"${withoutPassword(url)}" must start with redis:// or rediss://`);
  if (url.hostname === '') throw new ConfigError('REDIS_URL', `"${withoutPassword(url)}" names no host`);
  return url;
}
