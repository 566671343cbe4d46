import 'fake-indexeddb/auto';
import {
  appendMessage,
  deleteMessage,
  editMessage,
  markRead,
  segmentDocId,
  userDocId,
  type ConversationListEntry,
  type FriendsResponse,
  type MessageEntry,
  PROTOCOL_VERSION,
} from '@messenjo/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { ApiError } from '../api/client.ts';
import { FakeSocket } from '../sync/socket/fake-socket.ts';
import { MemoryPersistence, SyncClient } from '../sync/index.ts';
import { DeviceSession } from './device-session.ts';
import { forgetPendingRenames } from './pending-renames.ts';
import { deleteLocalData, LocalDb, localDbName } from './local-index/local-db.ts';

const ME = 'u_me';
const ANN = 'u_ann';
const CONV = 'c_direct';
const SEG = segmentDocId(CONV, 0);

const entry: ConversationListEntry = {
  id: CONV,
  kind: 'direct',
  name: 'Ann',
  picture: null,
  peer: { id: ANN, username: 'ann', displayName: 'Ann', picture: null },
  memberCount: 2,
  lastMessage: null,
  lastActivityAt: 1_000,
  canWrite: true,
  role: null,
  addMembersPolicy: 'members',
};
const friends: FriendsResponse = { friends: [], incoming: [], outgoing: [], blocked: [] };

let n = 0;
const message = (author: string, text: string): MessageEntry => ({
  id: `m${String(++n).padStart(10, '0')}`,
  author,
  text,
  sentAt: 2_000 + n,
});

/** The server's copy of the segment, so updates to deliver are real Yjs updates. */
function serverSegment(): { doc: Y.Doc; append: (m: MessageEntry) => Uint8Array } {
  const doc = new Y.Doc();
  return {
    doc,
    append(m) {
      let update: Uint8Array = new Uint8Array();
      const grab = (u: Uint8Array): void => {
        update = u;
      };
      doc.on('update', grab);
      appendMessage(doc, m);
      doc.off('update', grab);
      return update;
    },
  };
}

/** The update a change to `doc` makes. */
function change(doc: Y.Doc, edit: (d: Y.Doc) => void): Uint8Array {
  let update: Uint8Array = new Uint8Array();
  const grab = (u: Uint8Array): void => {
    update = u;
  };
  doc.on('update', grab);
  edit(doc);
  doc.off('update', grab);
  return update;
}

const sessions: DeviceSession[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.dispose();
});

function device(
  fetchJson: (path: string) => Promise<unknown>,
  persistence: MemoryPersistence = new MemoryPersistence(),
  onSignedOut?: (ended?: string) => void,
) {
  const sockets: FakeSocket[] = [];
  const client = new SyncClient({
    url: 'ws://test/sync',
    persistence,
    createSocket: () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
  });
  const fetched: string[] = [];
  const db = new LocalDb(ME);
  const session = new DeviceSession(ME, {
    client,
    db,
    ...(onSignedOut ? { onSignedOut } : {}),
    fetchJson: <T>(path: string) => {
      fetched.push(path);
      return fetchJson(path) as Promise<T>;
    },
  });
  sessions.push(session);
  return { client, session, sockets, fetched, db };
}

const answers = (path: string): Promise<unknown> =>
  Promise.resolve(path === '/api/conversations' ? { conversations: [entry] } : friends);

describe('DeviceSession', () => {
  it('fills the index from the server, then a new start paints from the device while offline', async () => {
    const first = device(answers);
    await first.session.start();
    await vi.waitFor(() => expect(first.session.conversations.get().map((r) => r.name)).toEqual(['Ann']));
    await first.session.dispose();

    const offline = device(() => Promise.reject(new Error('offline')));
    await offline.session.start();
    expect(offline.session.listReady.get()).toBe(true);
    expect(offline.session.conversations.get().map((r) => r.name)).toEqual(['Ann']);
    expect(offline.session.profiles.get().get(ANN)?.displayName).toBe('Ann');
    await offline.session.dispose();
    await deleteLocalData(ME);
  });

  it("a message arriving in the segment updates the row's preview and unread count with no request; reading clears it", async () => {
    const { client, session, sockets, fetched, db } = device(answers);
    // What notifications and search hook into: messages as they arrive, and the index's writes.
    const added: string[] = [];
    const indexedTexts: string[] = [];
    session.onMessagesAdded((conversationId, messages) =>
      added.push(...messages.map((m) => `${conversationId} ${m.text}`)),
    );
    session.onMessagesIndexed((_docId, put) => indexedTexts.push(...put.map((m) => m.text)));
    client.start();
    await session.start();
    const socket = sockets[0]!;
    socket.open();
    socket.deliver({ type: 'hello', protocolVersion: PROTOCOL_VERSION, userId: ME });
    await vi.waitFor(() => expect(client.isOpen(SEG)).toBe(true));
    const server = serverSegment();
    const hello = message(ANN, 'hello');
    socket.deliver({ type: 'sync', docId: SEG, seq: 1, update: server.append(hello), latestSegment: 0 });
    await vi.waitFor(() => expect(session.conversations.get()[0]?.local?.unread).toBe(1));
    const requests = fetched.length;

    // The next message: the row follows before the next task, and nothing is fetched.
    const later = message(ANN, 'are you   there?');
    socket.deliver({ type: 'update', docId: SEG, seq: 2, update: server.append(later) });
    socket.deliver({
      type: 'event',
      event: { type: 'conversation.changed', conversationId: CONV, cause: 'messages' },
    });
    await Promise.resolve();
    const row = session.conversations.get()[0]!;
    expect(row.local).toMatchObject({ unread: 2, lastMessage: { authorId: ANN, preview: 'are you there?' } });
    expect(session.unreadTotal.get()).toBe(2);
    expect(fetched.length).toBe(requests);
    expect(added).toEqual([`${CONV} hello`, `${CONV} are you   there?`]);
    // Put again is harmless (a message may be indexed on arrival and by the catch-up of a segment).
    await vi.waitFor(() => expect(new Set(indexedTexts)).toEqual(new Set(['hello', 'are you   there?'])));

    // Read on another device: the user document brings the read position, the badge goes.
    const user = await (await session.parts()).userDoc();
    expect(client.isOpen(userDocId(ME))).toBe(true);
    markRead(user, CONV, { segment: 0, messageId: later.id, at: later.sentAt }, () => true);
    await Promise.resolve();
    expect(session.conversations.get()[0]?.local?.unread).toBe(0);
    expect(session.unreadTotal.get()).toBe(0);

    // A social change still asks the server.
    socket.deliver({ type: 'event', event: { type: 'conversation.changed', conversationId: CONV } });
    expect(fetched.length).toBeGreaterThan(requests);

    // A message written here counts as activity at once and is marked pending until acked.
    const parts = await session.parts();
    const segments = parts.conversation(CONV);
    expect(segments).toBe(parts.conversation(CONV));
    await segments.send(ME, 'on my way');
    await Promise.resolve();
    expect(session.conversations.get()[0]?.local).toMatchObject({
      pending: 1,
      lastMessage: { authorId: ME, preview: 'on my way' },
    });
    expect(session.unsentMessages.get()).toBe(1);

    // The open pane marks what the person saw as read.
    socket.deliver({ type: 'update', docId: SEG, seq: 3, update: server.append(message(ANN, 'ok')) });
    await Promise.resolve();
    expect(session.conversations.get()[0]?.local?.unread).toBe(1);
    const seen = server.doc.getArray<MessageEntry>('messages').toArray().at(-1)!;
    markRead(user, CONV, { segment: 0, messageId: seen.id, at: seen.sentAt }, () => true);
    await Promise.resolve();
    expect(session.conversations.get()[0]?.local?.unread).toBe(0);

    // Every message is in the device's search index; a deletion removes it, an edit rewrites it.
    const indexed = async (): Promise<string[]> =>
      (await db.messages.where('conversationId').equals(CONV).toArray()).map((m) => m.text).sort();
    await vi.waitFor(async () =>
      expect(await indexed()).toEqual(['are you   there?', 'hello', 'ok', 'on my way']),
    );
    const remove = (d: Y.Doc): void => deleteMessage(d, hello.id, ANN, 5);
    socket.deliver({ type: 'update', docId: SEG, seq: 4, update: change(server.doc, remove) });
    await vi.waitFor(async () => expect(await indexed()).toEqual(['are you   there?', 'ok', 'on my way']));
    const ok = server.doc
      .getArray<MessageEntry>('messages')
      .toArray()
      .find((m) => m.text === 'ok')!;
    const rewrite = (d: Y.Doc): void => editMessage(d, ok.id, 'okay', 6);
    socket.deliver({ type: 'update', docId: SEG, seq: 5, update: change(server.doc, rewrite) });
    await vi.waitFor(async () => expect(await indexed()).toEqual(['are you   there?', 'okay', 'on my way']));
  });

  it('counts unread messages exactly when the read position lies in a segment older than the open one (from the message index)', async () => {
    await deleteLocalData(ME);
    // An earlier run indexed segments 0 and 1 while they were open; now only segment 2 opens.
    const seed = new LocalDb(ME);
    const rows = [
      [0, [message(ANN, 'a0'), message(ANN, 'a1')]],
      [1, [message(ANN, 'b0'), message(ME, 'b1'), message(ANN, 'b2')]],
    ] as const;
    await seed.messages.bulkPut(
      rows.flatMap(([segment, list]) => list.map((m, pos) => ({ ...m, conversationId: CONV, segment, pos }))),
    );
    seed.close();
    const { client, session, sockets } = device(answers);
    client.start();
    await session.start();
    const socket = sockets[0]!;
    socket.open();
    socket.deliver({ type: 'hello', protocolVersion: PROTOCOL_VERSION, userId: ME });
    await vi.waitFor(() => expect(client.isOpen(SEG)).toBe(true));
    const empty = Y.encodeStateAsUpdate(new Y.Doc());
    socket.deliver({ type: 'sync', docId: SEG, seq: 0, update: empty, latestSegment: 2 });
    const newest = segmentDocId(CONV, 2);
    await vi.waitFor(() => expect(client.isOpen(newest)).toBe(true));
    const server = serverSegment();
    socket.deliver({
      type: 'sync',
      docId: newest,
      seq: 1,
      update: server.append(message(ANN, 'c0')),
      latestSegment: 2,
    });
    const user = await (await session.parts()).userDoc();
    const a0 = rows[0][1][0];
    markRead(user, CONV, { segment: 0, messageId: a0.id, at: a0.sentAt }, () => true);
    // a1, b0, b2 from the index, c0 from the open segment.
    await vi.waitFor(() => expect(session.conversations.get()[0]?.local?.unread).toBe(4));
    await session.dispose();
    await deleteLocalData(ME);
  });

  it('paints the list from the index before opening any document, then fills the rows in a few list updates', async () => {
    await deleteLocalData(ME);
    const count = 20;
    const persistence = new MemoryPersistence();
    const ids = Array.from({ length: count }, (_, i) => `c_many${String(i).padStart(2, '0')}`);
    const db = new LocalDb(ME);
    await db.conversations.bulkPut(
      ids.map((id, i) => ({ ...entry, id, name: `Friend ${i}`, lastActivityAt: 1_000 + i, local: null })),
    );
    db.close();
    for (const id of ids) {
      const doc = new Y.Doc();
      appendMessage(doc, message(ANN, `hi from ${id}`));
      await persistence.appendUpdate(segmentDocId(id, 0), Y.encodeStateAsUpdate(doc));
    }

    const { client, session } = device(() => Promise.reject(new Error('offline')), persistence);
    let published = 0;
    session.conversations.subscribe(() => published++);
    await session.start();
    // The list is there from the index; no conversation's segment has been decoded yet.
    expect(session.conversations.get()).toHaveLength(count);
    expect(ids.filter((id) => client.isOpen(segmentDocId(id, 0)))).toEqual([]);
    const before = published;

    await vi.waitFor(() =>
      expect(
        session.conversations
          .get()
          .filter((r) => r.local?.lastMessage)
          .map((r) => r.id),
      ).toHaveLength(count),
    );
    const row = session.conversations.get().find((r) => r.id === ids[3]);
    expect(row?.local).toMatchObject({ unread: 1, lastMessage: { preview: `hi from ${ids[3]}` } });
    // One list update per batch of conversations, not one per conversation.
    expect(published - before).toBeLessThan(count / 2);
    await session.dispose();
    await deleteLocalData(ME);
  });

  it('counts a group rename waiting to be sent as unsent, beside the documents’ changes', () => {
    const { session } = device(answers);
    const heard = vi.fn();
    const stop = session.unsent.subscribe(heard);
    expect(session.unsent.get()).toBe(0);
    // Offline (never started): the rename waits.
    session.renames.rename('c_group', 'Trip to Lisbon');
    expect(session.unsent.get()).toBe(1);
    session.pendingTotal.set(2);
    expect(session.unsent.get()).toBe(3);
    expect(heard).toHaveBeenCalledTimes(2);
    stop();
    forgetPendingRenames(ME);
  });

  it('removes the user’s data from the device on sign-out', async () => {
    const { session } = device(answers);
    await session.start();
    const look = new LocalDb(ME);
    await vi.waitFor(async () => expect(await look.conversations.count()).toBe(1));
    look.close();
    await session.dispose();
    await deleteLocalData(ME);
    const names = (await indexedDB.databases()).map((d) => d.name);
    expect(names).not.toContain(localDbName(ME));
  });

  it('a session revoked by the server (socket closed session_revoked) removes the user’s data, then reports why', async () => {
    const ended: (string | undefined)[] = [];
    const { client, session, sockets } = device(answers, new MemoryPersistence(), (why) => ended.push(why));
    client.start();
    await session.start();
    const look = new LocalDb(ME);
    await vi.waitFor(async () => expect(await look.conversations.count()).toBe(1));
    look.close();
    sockets[0]!.drop(4003);
    await vi.waitFor(() => expect(ended).toEqual(['session_revoked']));
    const names = (await indexedDB.databases()).map((d) => d.name);
    expect(names).not.toContain(localDbName(ME));
  });

  it('an HTTP 401 on the session’s requests is treated the same way', async () => {
    const ended: (string | undefined)[] = [];
    const { session } = device(
      () => Promise.reject(new ApiError(401, 'unauthenticated', 'Sign in to continue')),
      new MemoryPersistence(),
      (why) => ended.push(why),
    );
    await session.start();
    await vi.waitFor(() => expect(ended).toEqual(['unauthenticated']));
    expect((await indexedDB.databases()).map((d) => d.name)).not.toContain(localDbName(ME));
  });
});
