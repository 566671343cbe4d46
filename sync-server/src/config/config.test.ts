import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.ts';
import { loadConfig } from './config.ts';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'messenjo-config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const defaults = { staticDir: '/srv/app' };
const env = (vars: Record<string, string>) => ({ DATA_DIR: path.join(scratch, 'data'), ...vars });

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('needs no variables at all', () => {
    const config = loadConfig(env({}), defaults);
    expect(config.port).toBe(8080);
    expect(config.host).toBe('0.0.0.0');
    expect(config.publicUrl).toBeUndefined();
    expect(config.logLevel).toBe('info');
    expect(config.staticDir).toBe('/srv/app');
    expect(config.commitDrainTimeoutMs).toBe(10_000);
    expect(config.sessionLifetimeMs).toBe(30 * 24 * 60 * 60 * 1000);
  });

  it('reads every variable', () => {
    const config = loadConfig(
      env({
        PORT: '3000',
        HOST: '127.0.0.1',
        PUBLIC_URL: 'https://chat.example.org',
        LOG_LEVEL: 'DEBUG',
        COMMIT_DRAIN_TIMEOUT_MS: '2500',
        SESSION_LIFETIME_SECONDS: '5',
      }),
      defaults,
    );
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      logLevel: 'debug',
      commitDrainTimeoutMs: 2500,
      sessionLifetimeMs: 5000,
    });
    expect(config.publicUrl?.origin).toBe('https://chat.example.org');
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT', /not a number/],
    [{ PORT: '-1' }, 'PORT', /not a number/],
    [{ PORT: '65536' }, 'PORT', /out of range/],
    [{ PUBLIC_URL: 'example.org' }, 'PUBLIC_URL', /not a URL/],
    [{ PUBLIC_URL: 'ftp://example.org' }, 'PUBLIC_URL', /http/],
    [{ PUBLIC_URL: 'https://example.org/chat' }, 'PUBLIC_URL', /without a path/],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /not one of/],
    [{ SHUTDOWN_TIMEOUT_MS: '0' }, 'SHUTDOWN_TIMEOUT_MS', /positive integer/],
    [{ COMMIT_DRAIN_TIMEOUT_MS: 'soon' }, 'COMMIT_DRAIN_TIMEOUT_MS', /positive integer/],
    [{ SESSION_LIFETIME_SECONDS: '0' }, 'SESSION_LIFETIME_SECONDS', /positive integer/],
    [{ REDIS_URL: 'redis://cache:6379' }, 'REDIS_URL', /needs DATABASE_URL/],
  ])('refuses %j naming %s', (vars, variable, pattern) => {
    const error = errorOf(() => loadConfig(env(vars), defaults));
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(pattern);
    expect(error.message.startsWith(`${variable}: `)).toBe(true);
  });

  it('refuses a data folder that cannot be created', () => {
    const file = path.join(scratch, 'plain-file');
    writeFileSync(file, '');
    const error = errorOf(() => loadConfig({ DATA_DIR: path.join(file, 'sub') }, defaults));
    expect(error.variable).toBe('DATA_DIR');
    expect(error.message).toMatch(/not a writable folder \(ENOTDIR\)/);
  });
});
