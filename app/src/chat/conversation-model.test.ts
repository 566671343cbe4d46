import {
  appendMessage,
  segmentDocId,
  setReceipt,
  SYNC_LIMITS,
  userDocOf,
  type MessageEntry,
  PROTOCOL_VERSION,
} from '@messenjo/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ConversationSegments } from '../sync/conversation-segments.ts';
import { FakeSocket } from '../sync/socket/fake-socket.ts';
import { MemoryPersistence } from '../sync/core/persistence.ts';
import { SyncClient } from '../sync/sync-client.ts';
import { ConversationModel, type ChatState } from './conversation-model.ts';

const CONV = 'c_test';
const SEG0 = segmentDocId(CONV, 0);
const USER_DOC = 'user:u_me';

/** A model over a real sync client whose socket the test plays the server on. */
async function setup() {
  const sockets: FakeSocket[] = [];
  const client = new SyncClient({
    url: 'ws://test/sync',
    persistence: new MemoryPersistence(),
    createSocket: () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
  });
  client.start();
  const socket = sockets[0]!;
  socket.open();
  socket.deliver({ type: 'hello', protocolVersion: PROTOCOL_VERSION, userId: 'u_me' });
  const segments = new ConversationSegments(client, CONV);
  const model = new ConversationModel({
    sync: client,
    meId: 'u_me',
    segments,
    userDoc: () => client.open(USER_DOC),
  });
  await model.start();
  for (const docId of [SEG0, USER_DOC])
    socket.deliver({
      type: 'sync',
      docId,
      seq: 0,
      update: Y.encodeStateAsUpdate(new Y.Doc()),
      latestSegment: 0,
    });
  return { client, socket, model, segments };
}

/** The next state the model publishes that passes `ok`. */
function next(model: ConversationModel, ok: (s: ChatState) => boolean): Promise<ChatState> {
  return new Promise((resolve) => {
    if (ok(model.state.get())) return resolve(model.state.get());
    const dispose = model.state.subscribe(() => {
      if (!ok(model.state.get())) return;
      dispose();
      resolve(model.state.get());
    });
  });
}

/** Another member's message, as the server relays it: an update made on another Y.Doc. */
function remoteMessage(client: SyncClient, socket: FakeSocket, entry: MessageEntry): void {
  const other = new Y.Doc();
  Y.applyUpdate(other, Y.encodeStateAsUpdate(client.doc(SEG0)!));
  const before = Y.encodeStateVector(other);
  appendMessage(other, entry);
  socket.deliver({ type: 'update', docId: SEG0, seq: 0, update: Y.encodeStateAsUpdate(other, before) });
}

describe('conversation model', () => {
  it('shows a message sent here at once as pending, then sent when the server acks it', async () => {
    const { socket, model } = await setup();
    const id = await model.send('hello');
    const shown = await next(model, (s) => s.messages.length === 1);
    expect(shown.messages[0]).toMatchObject({ id, text: 'hello', author: 'u_me', pending: true });
    const update = socket.last('update').find((f) => f.docId === SEG0)!;
    socket.deliver({ type: 'ack', docId: SEG0, ref: update.ref, seq: 1 });
    const acked = await next(model, (s) => s.messages[0]?.pending === false);
    expect(acked.messages[0]?.text).toBe('hello');
    model.close();
  });

  it('re-renders when another member’s message arrives from the server', async () => {
    const { client, socket, model } = await setup();
    await next(model, (s) => s.ready);
    remoteMessage(client, socket, { id: 'mremote001', author: 'u_ann', text: 'hi from Ann', sentAt: 5 });
    const state = await next(model, (s) => s.messages.length === 1);
    expect(state.messages[0]).toMatchObject({ author: 'u_ann', text: 'hi from Ann', pending: false });
    model.close();
  });

  it('folds edits, deletions and reactions into the message', async () => {
    const { model } = await setup();
    await model.send('first');
    const [message] = (await next(model, (s) => s.messages.length === 1)).messages;
    model.edit(message!, 'first, edited');
    model.react(message!, '👍', true);
    const edited = await next(
      model,
      (s) => s.messages[0]?.edited === true && s.messages[0].reactions.length === 1,
    );
    expect(edited.messages[0]).toMatchObject({
      text: 'first, edited',
      reactions: [{ emoji: '👍', userIds: ['u_me'] }],
    });
    model.remove(edited.messages[0]!);
    const deleted = await next(model, (s) => s.messages[0]?.deleted === true);
    expect(deleted.messages[0]?.text).toBe('');
    model.close();
  });

  it('marks read: the private read position moves to the newest message, my receipt to the newest of theirs', async () => {
    const { client, socket, model } = await setup();
    remoteMessage(client, socket, { id: 'mremote002', author: 'u_ann', text: 'read me', sentAt: 5 });
    await next(model, (s) => s.messages.length === 1);
    model.markRead(true);
    const userDoc = client.doc(USER_DOC)!;
    expect(userDocOf(userDoc).readPositions.get(CONV)).toMatchObject({ segment: 0, messageId: 'mremote002' });
    expect(client.doc(SEG0)!.getMap('receipts').get('u_me')).toMatchObject({ messageId: 'mremote002' });
    const state = await next(model, (s) => s.readPosition?.messageId === 'mremote002');
    expect(state.readers.size).toBe(0);
    model.close();
  });

  it('writes no receipt in a read-only conversation', async () => {
    const { client, socket, model } = await setup();
    remoteMessage(client, socket, { id: 'mremote003', author: 'u_ann', text: 'x', sentAt: 5 });
    await next(model, (s) => s.messages.length === 1);
    model.markRead(false);
    expect(client.doc(SEG0)!.getMap('receipts').size).toBe(0);
    expect(userDocOf(client.doc(USER_DOC)!).readPositions.get(CONV)?.messageId).toBe('mremote003');
    model.close();
  });

  it('shows how far the others have read from their receipts', async () => {
    const { client, socket, model } = await setup();
    await model.send('did you see this?');
    const [mine] = (await next(model, (s) => s.messages.length === 1)).messages;
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(client.doc(SEG0)!));
    const before = Y.encodeStateVector(other);
    setReceipt(other, 'u_ann', mine!.id, 9);
    socket.deliver({ type: 'update', docId: SEG0, seq: 0, update: Y.encodeStateAsUpdate(other, before) });
    const state = await next(model, (s) => s.readers.size === 1);
    expect([...state.readers]).toEqual([['u_ann', 0]]);
    model.close();
  });

  it('saves a draft over the message limit cut at the limit (the server refuses a longer one)', async () => {
    const { client, model } = await setup();
    model.setDraft('x'.repeat(SYNC_LIMITS.MAX_MESSAGE_CHARS + 10));
    expect(userDocOf(client.doc(USER_DOC)!).drafts.get(CONV)).toBe('x'.repeat(SYNC_LIMITS.MAX_MESSAGE_CHARS));
    model.close();
  });

  it('keeps the draft in the user document, following changes from the user’s other devices', async () => {
    const { client, model } = await setup();
    model.setDraft('half a thought');
    expect(userDocOf(client.doc(USER_DOC)!).drafts.get(CONV)).toBe('half a thought');
    expect(model.draft.get()).toBe('half a thought');
    // The phone has the laptop's draft, then changes it.
    const elsewhere = new Y.Doc();
    Y.applyUpdate(elsewhere, Y.encodeStateAsUpdate(client.doc(USER_DOC)!));
    const before = Y.encodeStateVector(elsewhere);
    userDocOf(elsewhere).drafts.set(CONV, 'from my phone');
    Y.applyUpdate(client.doc(USER_DOC)!, Y.encodeStateAsUpdate(elsewhere, before));
    expect(model.draft.get()).toBe('from my phone');
    await model.send('sent');
    expect(model.draft.get()).toBe('');
    model.close();
  });
});

describe('conversation model, loading', () => {
  it('shows what storage holds even when a change elsewhere is read while the segment still loads', async () => {
    const persistence = new MemoryPersistence();
    const stored = new Y.Doc();
    stored.on('update', (u: Uint8Array) => void persistence.appendUpdate(SEG0, u));
    appendMessage(stored, { id: 'mstored001', author: 'u_ann', text: 'kept on the device', sentAt: 1 });
    const client = new SyncClient({
      url: 'ws://test/sync',
      persistence,
      createSocket: () => new FakeSocket(),
    });
    const segments = new ConversationSegments(client, CONV);
    const model = new ConversationModel({
      sync: client,
      meId: 'u_me',
      segments,
      userDoc: () => client.open(USER_DOC),
    });
    const started = model.start();
    // The connection status changes while the segment is loading: the model reads it half-loaded.
    client.start();
    await started;
    const state = await next(model, (s) => s.ready);
    expect(state.messages.map((m) => m.text)).toEqual(['kept on the device']);
    model.close();
  });
  it('decides where to open only once the read position has arrived too, not on the segment alone', async () => {
    const sockets: FakeSocket[] = [];
    const client = new SyncClient({
      url: 'ws://test/sync',
      persistence: new MemoryPersistence(),
      createSocket: () => {
        const socket = new FakeSocket();
        sockets.push(socket);
        return socket;
      },
    });
    client.start();
    const socket = sockets[0]!;
    socket.open();
    socket.deliver({ type: 'hello', protocolVersion: PROTOCOL_VERSION, userId: 'u_me' });
    const model = new ConversationModel({
      sync: client,
      meId: 'u_me',
      segments: new ConversationSegments(client, CONV),
      userDoc: () => client.open(USER_DOC),
    });
    await model.start();
    const server = new Y.Doc();
    appendMessage(server, { id: 'm1', author: 'u_ann', text: 'hi', sentAt: 1 });
    socket.deliver({
      type: 'sync',
      docId: SEG0,
      seq: 1,
      update: Y.encodeStateAsUpdate(server),
      latestSegment: 0,
    });
    const withMessage = await next(model, (s) => s.messages.length === 1);
    expect(withMessage.settled).toBe(false);
    expect(withMessage.readKnown).toBe(false);
    const user = new Y.Doc();
    userDocOf(user).readPositions.set(CONV, { segment: 0, messageId: 'm1', at: 2 });
    socket.deliver({
      type: 'sync',
      docId: USER_DOC,
      seq: 1,
      update: Y.encodeStateAsUpdate(user),
      latestSegment: 0,
    });
    const settled = await next(model, (s) => s.settled);
    expect(settled.readPosition?.messageId).toBe('m1');
    expect(settled.readKnown).toBe(true);
    model.close();
    await client.stop();
  });
  it('knows the read position before the server answers when the device holds a user document it synced before', async () => {
    const persistence = new MemoryPersistence();
    const segment = new Y.Doc();
    segment.on('update', (u: Uint8Array) => void persistence.appendUpdate(SEG0, u));
    appendMessage(segment, { id: 'm1', author: 'u_ann', text: 'read', sentAt: 1 });
    appendMessage(segment, { id: 'm2', author: 'u_ann', text: 'unread', sentAt: 2 });
    const user = new Y.Doc();
    user.on('update', (u: Uint8Array) => void persistence.appendUpdate(USER_DOC, u));
    userDocOf(user).readPositions.set(CONV, { segment: 0, messageId: 'm1', at: 3 });
    await persistence.setSeq(USER_DOC, 4);
    // Connecting, never answered: only the device's copies.
    const client = new SyncClient({
      url: 'ws://test/sync',
      persistence,
      createSocket: () => new FakeSocket(),
    });
    client.start();
    const model = new ConversationModel({
      sync: client,
      meId: 'u_me',
      segments: new ConversationSegments(client, CONV),
      userDoc: () => client.open(USER_DOC),
    });
    await model.start();
    const state = await next(model, (s) => s.ready && s.messages.length === 2);
    expect(state.settled).toBe(false);
    expect(state.readKnown).toBe(true);
    expect(state.readPosition?.messageId).toBe('m1');
    model.close();
    await client.stop();
  });
});
