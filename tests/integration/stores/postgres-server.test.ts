import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type {
  ConversationDetail,
  ConversationListEntry,
  FriendsResponse,
  MeResponse,
  PushSubscriptionResponse,
  SendRequestResponse,
} from '@messenjo/shared';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  migratePostgres,
  openDatabase,
  POSTGRES_MIGRATIONS,
  PostgresDatabase,
} from '../../../sync-server/src/db/index.ts';
import { authedFetch, signUp, type TestAccount } from '../../harness/accounts.ts';
import { emptyDatabase, freshDatabase } from '../../harness/databases.ts';
import { INTEGRATION_TEST_TIMEOUT_MS } from '../../harness/patience.ts';
import { startPostgres } from '../../harness/services.ts';
import { REPO_DIR } from '../../harness/paths.ts';
import { runServerExpectingExit, startServer, type RunningServer } from '../../harness/server.ts';
import { makeFriends, ok, sendRequest } from '../../harness/social.ts';
import { tempDataDir } from '../../harness/sync.ts';

const run = promisify(execFile);
const servers: RunningServer[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const server of servers) await server.dispose();
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A URL with a password the server must never print (trust authentication lets any through). */
function withPassword(url: string): string {
  const u = new URL(url);
  u.password = 'sup3r-secret';
  return u.href;
}

async function serverOn(databaseUrl: string, dataDir?: string): Promise<RunningServer> {
  const server = await startServer({ env: { DATABASE_URL: databaseUrl }, ...(dataDir ? { dataDir } : {}) });
  servers.push(server);
  return server;
}

/**
 * The tests below run several processes one after the other (servers that start and stop, a
 * PostgreSQL, the copy command), each within the harness's own bounds: a timeout of one
 * integration test each would be reached on a loaded machine before any bound says what hung.
 */
const SEVERAL_PROCESSES_MS = 3 * INTEGRATION_TEST_TIMEOUT_MS;

describe('the server on PostgreSQL', () => {
  it('says which engines it uses, never the password, and /readyz checks PostgreSQL', async () => {
    const db = await freshDatabase();
    cleanups.push(db.drop);
    const server = await serverOn(withPassword(db.url));
    const line = server.records().find((r) => r.msg === 'database ready');
    expect(line?.database).toMatch(new RegExp(`^postgres \\(messenjo@127\\.0\\.0\\.1:\\d+/${db.name}\\)$`));
    expect(line?.documents).toMatch(/^sqlite \(/);
    expect(server.log()).not.toContain('sup3r-secret');
    const ready = (await (await fetch(`${server.url}/readyz`)).json()) as {
      checks: { database: string; migrations: { applied: number; expected: number } };
    };
    expect(ready.checks.database).toBe('ok');
    expect(ready.checks.migrations.applied).toBe(ready.checks.migrations.expected);
  });

  it('makes two people who request each other at once friends once, with one conversation', async () => {
    const db = await freshDatabase();
    cleanups.push(db.drop);
    const server = await serverOn(db.url);
    const people: TestAccount[] = [];
    for (let i = 0; i < 4; i++) people.push(await signUp(server.url));
    const [a, b, c, d] = people as [TestAccount, TestAccount, TestAccount, TestAccount];
    const answers = await Promise.all(
      [
        [a, b],
        [b, a],
        [c, d],
        [d, c],
        [a, b],
      ].map(([from, to]) => sendRequest(server.url, from!, to!)),
    );
    for (const answer of answers) expect([200, 409]).toContain(answer.status);
    for (const [x, y] of [
      [a, b],
      [c, d],
    ] as const) {
      const friends = await ok<FriendsResponse>(authedFetch(server.url, x, '/api/friends'), 'friends');
      expect(friends.friends.map((f) => f.id)).toEqual([y.userId]);
      expect(friends.incoming).toEqual([]);
      expect(friends.outgoing).toEqual([]);
    }
    const direct = new pg.Client({ connectionString: db.url });
    await direct.connect();
    const { rows } = await direct.query<{ n: number }>(
      "SELECT COUNT(*)::int AS n FROM conversations WHERE kind = 'direct'",
    );
    await direct.end();
    expect(rows[0]?.n).toBe(2);
    const body = (await answers[0]!.json()) as SendRequestResponse | { error: { code: string } };
    if ('error' in body) expect(body.error.code).toBe('already_friends');
  });

  it(
    'refuses a bad DATABASE_URL or an unreachable PostgreSQL at start, in one line without the password',
    async () => {
      const data = tempDataDir('messenjo-pg-config-');
      cleanups.push(data.remove);
      const bad = await runServerExpectingExit({
        PORT: '0',
        DATA_DIR: data.dir,
        DATABASE_URL: 'mysql://u:pw@h/db',
      });
      expect(bad.code).toBe(1);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(bad.stderr).toMatch(/DATABASE_URL: .*must start with postgres:\/\//);
      expect(bad.stderr).not.toContain(':pw@');
      const nowhere = await runServerExpectingExit({
        PORT: '0',
        DATA_DIR: data.dir,
        // A port nothing listens on (the discard service is not run here).
        DATABASE_URL: 'postgres://messenjo:sup3r-secret@127.0.0.1:9/messenjo',
      });
      expect(nowhere.code).toBe(1);
      expect(nowhere.stderr.trim().split('\n')).toHaveLength(1);
      expect(nowhere.stderr).toMatch(
        /^messenjo: cannot start: DATABASE_URL: postgres \(messenjo@127\.0\.0\.1:9\/messenjo\)/,
      );
      expect(nowhere.stderr).not.toContain('sup3r-secret');
      const badRedis = await runServerExpectingExit({
        PORT: '0',
        DATA_DIR: data.dir,
        REDIS_URL: 'http://cache',
      });
      expect(badRedis.code).toBe(1);
      expect(badRedis.stderr).toMatch(/REDIS_URL: .*must start with redis:\/\/ or rediss:\/\//);
    },
    SEVERAL_PROCESSES_MS,
  );
});

describe('PostgreSQL down', () => {
  it(
    'refuses requests with storage_unavailable (503) and /readyz says not ready; nothing is half-written',
    async () => {
      // A cluster of its own: the run's shared one must stay up.
      const cluster = await startPostgres();
      cleanups.push(() => cluster.stop());
      const database = PostgresDatabase.connect(cluster.url, { max: 1 });
      await migratePostgres(database.pool, POSTGRES_MIGRATIONS);
      await database.close();
      const server = await serverOn(cluster.url);
      const ann = await signUp(server.url);
      await cluster.stop();
      const me = await authedFetch(server.url, ann, '/api/me');
      expect(me.status).toBe(503);
      expect(((await me.json()) as { error: { code: string } }).error.code).toBe('storage_unavailable');
      const group = await authedFetch(server.url, ann, '/api/groups', {
        method: 'POST',
        body: JSON.stringify({ name: 'Lost', memberIds: [] }),
      });
      expect(group.status).toBe(503);
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { checks: { database: string } }).checks.database).toBe('failed');
    },
    SEVERAL_PROCESSES_MS,
  );
});

describe('copy-to-postgres', () => {
  it(
    'moves a populated SQLite deployment into PostgreSQL with every row intact; the server goes on there',
    async () => {
      const data = tempDataDir('messenjo-copy-');
      cleanups.push(data.remove);
      const sqliteServer = await startServer({ dataDir: data.dir });
      servers.push(sqliteServer);
      const url = sqliteServer.url;
      const ann = await signUp(url, { username: 'ann_copy' });
      const ben = await signUp(url, { username: 'ben_copy' });
      const cat = await signUp(url, { username: 'cat_copy' });
      await makeFriends(url, ann, ben);
      await makeFriends(url, ann, cat);
      await ok(
        authedFetch(url, ann, '/api/blocks', {
          method: 'POST',
          body: JSON.stringify({ userId: cat.userId }),
        }),
        'block',
      );
      const group = await ok<{ id: string }>(
        authedFetch(url, ann, '/api/groups', {
          method: 'POST',
          body: JSON.stringify({ name: 'Copied', memberIds: [ben.userId] }),
        }),
        'group',
      );
      await ok(
        authedFetch(url, ann, `/api/groups/${group.id}`, {
          method: 'PATCH',
          body: JSON.stringify({ name: 'Copied!' }),
        }),
        'rename',
      );
      await ok(authedFetch(url, ann, '/api/admin/invites', { method: 'POST' }), 'invite');
      // Ben is removed (the membership keeps who removed him); Ann's device has a push subscription.
      await ok(
        authedFetch(url, ann, `/api/groups/${group.id}/members/${ben.userId}`, { method: 'DELETE' }),
        'remove',
      );
      await ok(
        authedFetch(url, ann, '/api/push/subscription', {
          method: 'PUT',
          body: JSON.stringify({
            endpoint: 'https://fcm.googleapis.com/fcm/send/ann-phone',
            keys: {
              p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString('base64url'),
              auth: Buffer.alloc(16, 9).toString('base64url'),
            },
          }),
        }),
        'push subscription',
      );
      const views = async (base: string, who: TestAccount) => ({
        me: await ok<MeResponse>(authedFetch(base, who, '/api/me'), 'me'),
        friends: await ok<FriendsResponse>(authedFetch(base, who, '/api/friends'), 'friends'),
        conversations: (
          await ok<{ conversations: ConversationListEntry[] }>(
            authedFetch(base, who, '/api/conversations'),
            'list',
          )
        ).conversations,
      });
      // The group's system lines are committed before the list is read.
      await expect
        .poll(
          async () =>
            (await views(url, ann)).conversations.find((c) => c.id === group.id)?.lastMessage?.preview,
        )
        .toMatch(/removed/);
      const before = await Promise.all([ann, ben, cat].map((who) => views(url, who)));
      expect(await sqliteServer.stop('SIGTERM')).toBe(0);

      const target = await emptyDatabase();
      cleanups.push(target.drop);
      const copied = await run(
        process.execPath,
        [path.join(REPO_DIR, 'sync-server/dist/copy-to-postgres.js')],
        {
          env: { ...process.env, DATA_DIR: data.dir, DATABASE_URL: withPassword(target.url) },
        },
      );
      const report = JSON.parse(copied.stdout) as { copied: Record<string, number> };
      expect(report.copied).toMatchObject({
        users: 3,
        friendships: 1,
        blocks: 1,
        invites: 1,
        memberships: 6,
        push_subscriptions: 1,
      });
      expect(copied.stdout + copied.stderr).not.toContain('sup3r-secret');

      // Every row of every table, as SQLite had it.
      const sqlite = openDatabase(path.join(data.dir, 'messenjo.sqlite'));
      // Read as the server reads (bigint as numbers).
      const client = PostgresDatabase.connect(target.url, { max: 1 });
      try {
        for (const table of Object.keys(report.copied)) {
          const columns = (
            sqlite.prepare('SELECT name FROM pragma_table_info(?)').all(table) as { name: string }[]
          ).map((c) => c.name);
          const list = columns.join(', ');
          const fromSqlite = sqlite.prepare(`SELECT ${list} FROM ${table}`).all();
          const fromPostgres = await client.all(`SELECT ${list} FROM ${table}`);
          expect(sorted(fromPostgres), table).toEqual(sorted(fromSqlite));
        }
      } finally {
        sqlite.close();
        await client.close();
      }
      // A second copy into the same database is refused: nothing is overwritten.
      const again = await run(
        process.execPath,
        [path.join(REPO_DIR, 'sync-server/dist/copy-to-postgres.js')],
        {
          env: { ...process.env, DATA_DIR: data.dir, DATABASE_URL: target.url },
        },
      ).catch((error: { code: number; stderr: string }) => error);
      expect(again).toMatchObject({ code: 1 });
      expect((again as { stderr: string }).stderr).toMatch(/already has users/);

      // The same people, sessions (their cookies still sign them in), friends, lists and pictures.
      const pgServer = await serverOn(target.url, data.dir);
      const after = await Promise.all([ann, ben, cat].map((who) => views(pgServer.url, who)));
      expect(after).toEqual(before);
      const detail = async (base: string) =>
        ok<ConversationDetail>(authedFetch(base, ben, `/api/conversations/${group.id}`), 'detail');
      expect((await detail(pgServer.url)).membershipEnded).toMatchObject({ removedBy: ann.userId });
      expect(
        await ok<PushSubscriptionResponse>(authedFetch(pgServer.url, ann, '/api/push/subscription'), 'push'),
      ).toMatchObject({ subscription: { endpoint: 'https://fcm.googleapis.com/fcm/send/ann-phone' } });
    },
    SEVERAL_PROCESSES_MS,
  );
});

function sorted(rows: unknown[]): Record<string, unknown>[] {
  return rows.map(normalize).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
}

/** Rows compared as values: bytes as hex, numbers as numbers (SQLite integers, PostgreSQL bigint). */
function normalize(row: unknown): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row as Record<string, unknown>).map(([k, v]) => [
      k,
      v instanceof Uint8Array ? Buffer.from(v).toString('hex') : typeof v === 'bigint' ? Number(v) : v,
    ]),
  );
}
