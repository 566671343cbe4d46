import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, runServerExpectingExit, startServer } from '../harness/server.ts';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'messenjo-lifecycle-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function oneLine(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

describe('start-up configuration', () => {
  it('stops with one line naming PORT when it is not a number', async () => {
    const result = await runServerExpectingExit({ PORT: 'eighty', DATA_DIR: path.join(scratch, 'a') });
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/PORT: "eighty" is not a number/);
  });

  it('stops with one line naming PORT when it is out of range', async () => {
    const result = await runServerExpectingExit({ PORT: '70000', DATA_DIR: path.join(scratch, 'b') });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/PORT: 70000 is out of range/);
  });

  it('stops with one line naming DATA_DIR when the folder cannot be written', async () => {
    // Root may write anywhere, so use a path below a regular file: no user can create that.
    const file = path.join(scratch, 'not-a-folder');
    writeFileSync(file, '');
    const result = await runServerExpectingExit({ PORT: '0', DATA_DIR: path.join(file, 'data') });
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/DATA_DIR: ".*not-a-folder\/data" is not a writable folder/);
  });

  it('stops with one line naming PUBLIC_URL when it is not an origin', async () => {
    const result = await runServerExpectingExit({
      PORT: '0',
      DATA_DIR: path.join(scratch, 'c'),
      PUBLIC_URL: 'chat.example.org',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/PUBLIC_URL: "chat.example.org" is not a URL/);
  });
});

describe('PUBLIC_URL and passkeys', () => {
  it('warns at start, in words, when PUBLIC_URL is an IP address (passkeys cannot work there)', async () => {
    const port = await freePort();
    const server = await startServer({
      env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` },
    });
    try {
      const warning = server.records().find((r) => r.level === 'warn' && r.passkeys !== undefined);
      expect(warning?.passkeys).toBe('ip_address');
      expect(warning?.msg).toContain(`PUBLIC_URL http://127.0.0.1:${port} cannot work with passkeys`);
      expect(warning?.msg).toContain('domain name');
      // A warning, not a refusal: the server runs (other sign-in methods work at an address).
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    } finally {
      await server.dispose();
    }
  });

  it('says nothing about passkeys when the server is reached at localhost', async () => {
    const server = await startServer();
    try {
      expect(server.records().some((r) => r.passkeys !== undefined)).toBe(false);
    } finally {
      await server.dispose();
    }
  });
});

describe('restarts and shutdown', () => {
  it('reuses the data folder on a second start without re-applying migrations', async () => {
    const dataDir = path.join(scratch, 'reuse');
    const first = await startServer({ dataDir });
    const firstApplied = first.records().find((r) => r.msg === 'database ready')
      ?.migrationsApplied as number[];
    expect(firstApplied.length).toBeGreaterThan(0);
    expect(await first.stop('SIGTERM')).toBe(0);

    const second = await startServer({ dataDir });
    const secondApplied = second.records().find((r) => r.msg === 'database ready')?.migrationsApplied;
    expect(secondApplied).toEqual([]);
    const ready = (await (await fetch(`${second.url}/readyz`)).json()) as {
      checks: { migrations: { applied: number } };
    };
    expect(ready.checks.migrations.applied).toBe(firstApplied.length);
    expect(await second.stop('SIGTERM')).toBe(0);
  });

  it('shuts down cleanly on SIGTERM and on SIGINT, with exit code 0', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const server = await startServer();
      const code = await server.stop(signal);
      expect(code).toBe(0);
      const messages = server.records().map((r) => r.msg);
      expect(messages).toContain('shutting down');
      expect(messages).toContain('stopped');
      await server.dispose();
    }
  });
});
