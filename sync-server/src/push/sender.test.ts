import { setMuted, userDocId, type PushMessagePayload } from '@messenjo/shared';
import * as Y from 'yjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate, openDatabase, type Db } from '../db/index.ts';
import { scratchSqlite } from '../db/scratch-sqlite.ts';
import { silentLogger } from '../logger.ts';
import { InProcessPresence } from '../presence.ts';
import { createTestWorld, type TestWorld } from '../social/test-world.ts';
import { SqliteDocStore } from '../sync/store/sqlite-doc-store.ts';
import { MuteDirectory } from './mutes.ts';
import { topicOf } from './payload.ts';
import type { PushOutcome, PushRequestOptions, PushTransport } from './push-transport.ts';
import { MESSAGE_TTL_SECONDS, PushSender } from './sender.ts';
import { SqlPushSubscriptionStore, type StoredPushSubscription } from './subscription-store.ts';

/**
 * Who gets a push after a commit. The push service is the one part replaced (by a recorder
 * answering what a test wants): tests/integration/push/ sends for real to a local stand-in.
 */
class RecordingTransport implements PushTransport {
  readonly sent: { endpoint: string; payload: PushMessagePayload; options: PushRequestOptions }[] = [];
  answer: (endpoint: string) => PushOutcome = () => ({ status: 201 });

  send(
    subscription: StoredPushSubscription,
    payload: string,
    options: PushRequestOptions,
  ): Promise<PushOutcome> {
    this.sent.push({
      endpoint: subscription.endpoint,
      payload: JSON.parse(payload) as PushMessagePayload,
      options,
    });
    return Promise.resolve(this.answer(subscription.endpoint));
  }
}

let w: TestWorld;
let store: SqlPushSubscriptionStore;
let docsDb: Db;
let docs: SqliteDocStore;
let presence: InProcessPresence;
let transport: RecordingTransport;
let sender: PushSender;
let ann: string, ben: string, cat: string;
let group: string;

async function befriend(a: string, b: string): Promise<void> {
  await w.social.relationships.sendRequest(a, b);
  await w.social.relationships.accept(b, a);
}

/** A device session of `userId` with a push subscription (endpoints name the device). */
async function device(userId: string, name: string): Promise<string> {
  const sessionId = `s_${name}`;
  await w.db.run(
    'INSERT INTO sessions (id, user_id, created_at, expires_at, last_active_at, user_agent) VALUES (?, ?, 0, ?, 0, ?)',
    [sessionId, userId, Date.now() + 86_400_000, 'test'],
  );
  await store.put({
    sessionId,
    userId,
    endpoint: `https://push.example/${name}`,
    p256dh: 'key',
    auth: 'secret',
    createdAt: 1,
  });
  return sessionId;
}

function committed(senderId: string, preview: string, conversationId = group): void {
  sender.messagesCommitted({ conversationId, preview, senderId, at: 5_000, count: 1 });
}

async function mute(userId: string, conversationId: string): Promise<void> {
  const doc = new Y.Doc();
  setMuted(doc, conversationId, true);
  await docs.appendBatch([
    {
      docId: userDocId(userId),
      data: Y.encodeStateAsUpdate(doc),
      userId,
      newClients: [doc.clientID],
    },
  ]);
}

const endpoints = (): string[] => transport.sent.map((s) => s.endpoint).sort();

beforeEach(async () => {
  // The subscriptions' SQL runs on PostgreSQL too (subscription-store.contract.ts); the sender's
  // decisions are the same on either engine, so they are tested here on SQLite.
  w = await createTestWorld(scratchSqlite);
  store = new SqlPushSubscriptionStore(w.db);
  // The documents (mutes live in the user document) in their own SQLite file, as on PostgreSQL.
  docsDb = openDatabase(':memory:');
  migrate(docsDb, MIGRATIONS);
  docs = new SqliteDocStore(docsDb);
  presence = new InProcessPresence();
  transport = new RecordingTransport();
  ann = await w.addUser('ann');
  ben = await w.addUser('ben');
  cat = await w.addUser('cat');
  await befriend(ann, ben);
  await befriend(ann, cat);
  group = (await w.social.groups.create(ann, { name: 'Climbing', memberIds: [ben, cat] })).conversationId;
  sender = new PushSender({
    store,
    transport,
    presence,
    mutes: new MuteDirectory(docs),
    audience: {
      memberIdsOf: (ids) => w.social.conversations.memberIdsOf(ids),
      kindAndName: (id) => w.social.conversations.kindAndName(id),
      nameOf: async (id) => (await w.social.users.summaries([id])).get(id)?.displayName ?? 'Someone',
    },
    logger: silentLogger,
    publicUrl: () => new URL('https://chat.example.org'),
    now: () => Date.now(),
  });
});

afterEach(async () => {
  await sender.close();
  await docs.close();
  docsDb.close();
  await w.close();
});

describe('PushSender', () => {
  it("pushes a group message to the other members' devices, never to the sender's own", async () => {
    await device(ann, 'ann-phone');
    await device(ben, 'ben-phone');
    await device(ben, 'ben-laptop');
    await device(cat, 'cat-phone');
    committed(ann, 'Who is in for Saturday?');
    await sender.idle();
    expect(endpoints()).toEqual([
      'https://push.example/ben-laptop',
      'https://push.example/ben-phone',
      'https://push.example/cat-phone',
    ]);
    const { payload, options } = transport.sent[0]!;
    expect(payload).toEqual({
      v: 1,
      kind: 'message',
      title: 'Climbing',
      body: 'Ann: Who is in for Saturday?',
      tag: `conversation:${group}`,
      url: `/c/${group}`,
      conversationId: group,
      at: 5_000,
    });
    expect(options).toEqual({ ttlSeconds: MESSAGE_TTL_SECONDS, urgency: 'normal', topic: topicOf(group) });
  });

  it('skips device sessions with a sync socket open: they receive the message live', async () => {
    const phone = await device(ben, 'ben-phone');
    await device(ben, 'ben-laptop');
    presence.joined(phone);
    committed(ann, 'hi');
    await sender.idle();
    expect(endpoints()).toEqual(['https://push.example/ben-laptop']);
    presence.left(phone);
    committed(ann, 'again');
    await sender.idle();
    expect(endpoints()).toContain('https://push.example/ben-phone');
  });

  it('sends nothing to a user whose user document mutes the conversation, and again once unmuted', async () => {
    await device(ben, 'ben-phone');
    await device(cat, 'cat-phone');
    await mute(ben, group);
    committed(ann, 'hi');
    await sender.idle();
    expect(endpoints()).toEqual(['https://push.example/cat-phone']);

    // Unmuting deletes the key: a later state of Ben's document without it.
    const stored = await docs.load(userDocId(ben));
    const bens = new Y.Doc();
    for (const entry of stored.log) Y.applyUpdate(bens, entry.data);
    const before = Y.encodeStateVector(bens);
    setMuted(bens, group, false);
    await docs.appendBatch([
      {
        docId: userDocId(ben),
        data: Y.encodeStateAsUpdate(bens, before),
        userId: ben,
        newClients: [bens.clientID],
      },
    ]);
    transport.sent.length = 0;
    committed(ann, 'now?');
    await sender.idle();
    expect(endpoints()).toEqual(['https://push.example/ben-phone', 'https://push.example/cat-phone']);
  });

  it('names a direct conversation by its sender and marks it urgent', async () => {
    await device(ben, 'ben-phone');
    const direct = (await w.social.relationships.list(ann)).friends.find((f) => f.id === ben)!.conversationId;
    committed(ann, 'lunch?', direct);
    await sender.idle();
    expect(transport.sent[0]!.payload).toMatchObject({ title: 'Ann', body: 'lunch?', url: `/c/${direct}` });
    expect(transport.sent[0]!.options.urgency).toBe('high');
  });

  it('a commit naming several conversations pushes each to its own members', async () => {
    await device(ben, 'ben-phone');
    await device(cat, 'cat-phone');
    const direct = (await w.social.relationships.list(ann)).friends.find((f) => f.id === ben)!.conversationId;
    // One batch's list columns, recorded in one turn (their members are looked up together).
    committed(ann, 'to the group');
    committed(ann, 'to ben alone', direct);
    await sender.idle();
    const got = transport.sent.map((s) => `${s.endpoint} ${s.payload.body}`).sort();
    expect(got).toEqual([
      'https://push.example/ben-phone Ann: to the group',
      'https://push.example/ben-phone to ben alone',
      'https://push.example/cat-phone Ann: to the group',
    ]);
  });

  it('drops a subscription the push service answers 404 or 410 for, and keeps the others', async () => {
    await device(ben, 'ben-phone');
    await device(cat, 'cat-phone');
    transport.answer = (endpoint) => ({ status: endpoint.endsWith('ben-phone') ? 410 : 201 });
    committed(ann, 'hi');
    await sender.idle();
    expect(await store.forSession('s_ben-phone')).toBeUndefined();
    expect(await store.forSession('s_cat-phone')).toBeDefined();
  });

  it('pushes nothing for server lines, and a burst of one conversation collapses to its newest message', async () => {
    await device(ben, 'ben-phone');
    committed('system', 'Ann renamed the group');
    await sender.idle();
    expect(transport.sent).toEqual([]);
    for (let i = 1; i <= 5; i++) committed(ann, `message ${i}`);
    await sender.idle();
    // The first went out at once; the four behind it collapsed into the newest.
    expect(transport.sent.map((s) => s.payload.body)).toEqual(['Ann: message 1', 'Ann: message 5']);
  });

  it('a session that ended has no subscription any more (sign-out, revocation, account deletion)', async () => {
    await device(ben, 'ben-phone');
    await w.db.run('DELETE FROM sessions WHERE id = ?', ['s_ben-phone']);
    expect(await store.forSession('s_ben-phone')).toBeUndefined();
  });

  it('the test notification goes to this device alone and reports a gone subscription', async () => {
    const phone = await device(ben, 'ben-phone');
    await device(ben, 'ben-laptop');
    presence.joined(phone);
    await sender.sendTest(phone);
    expect(endpoints()).toEqual(['https://push.example/ben-phone']);
    expect(transport.sent[0]!.payload).toMatchObject({ kind: 'test', url: '/settings' });
    transport.answer = () => ({ status: 410 });
    await expect(sender.sendTest(phone)).rejects.toMatchObject({ code: 'push_subscription_gone' });
    await expect(sender.sendTest(phone)).rejects.toMatchObject({ code: 'push_not_subscribed' });
  });
});
