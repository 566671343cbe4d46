import {
  appendMessage,
  CLOSE_CODES,
  isSystemMessage,
  segmentDocId,
  segmentOf,
  setReceipt,
  type ConversationListEntry,
  type MessageEntry,
} from '@messenjo/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MemoryPersistence } from '../../../app/src/sync/index.ts';
import { authedFetch, signIn, signUp, type TestAccount } from '../../harness/accounts.ts';
import { useServer } from '../../harness/fixtures.ts';
import { makeFriends, ok } from '../../harness/social.ts';
import { eventually, nodeDevice, RawPeer } from '../../harness/sync.ts';

/**
 * The social graph live on every device, through the real built server: changes reach the
 * sync sockets of every affected user at once, groups record their changes in the
 * conversation, and read-only conversations refuse writes.
 */
describe('social changes live on the sync socket', () => {
  const server = useServer('social-live');
  const url = () => server().url;
  let n = 0;
  const message = (author: string, text: string): MessageEntry => ({
    id: `live${++n}xxxxxx`,
    author,
    text,
    sentAt: 1,
  });

  async function subscribe(peer: RawPeer, docId: string): Promise<Y.Doc> {
    peer.send({ type: 'subscribe', docs: [{ docId, seq: 0, stateVector: new Uint8Array([0]) }] });
    const doc = new Y.Doc();
    Y.applyUpdate(doc, (await peer.next('sync', (f) => f.docId === docId)).update);
    return doc;
  }

  function send(peer: RawPeer, doc: Y.Doc, docId: string, ref: number, entry: MessageEntry): void {
    let update: Uint8Array | undefined;
    doc.once('update', (u: Uint8Array) => (update = u));
    appendMessage(doc, entry);
    peer.send({ type: 'update', docId, ref, update: update! });
  }

  const listOf = async (account: { cookie: string }) =>
    (
      await ok<{ conversations: ConversationListEntry[] }>(
        authedFetch(url(), account, '/api/conversations'),
        'list',
      )
    ).conversations;

  it('[EV1] a request and its acceptance reach both users and every device of theirs', async () => {
    const alice = await signUp(url());
    const bob = await signUp(url());
    const bobPhone = await signIn(url(), bob);
    const sockets = await Promise.all([alice, bob, bobPhone].map((a) => RawPeer.connect(url(), a.cookie)));
    await ok(
      authedFetch(url(), alice, '/api/friends/requests', {
        method: 'POST',
        body: JSON.stringify({ userId: bob.userId }),
      }),
      'request',
    );
    for (const socket of sockets) {
      expect(await socket.next('event', (f) => f.event.type === 'relationship.changed', 1000)).toBeTruthy();
    }
    const { conversationId } = await ok<{ conversationId: string }>(
      authedFetch(url(), bobPhone, `/api/friends/requests/${alice.userId}/accept`, { method: 'POST' }),
      'accept',
    );
    for (const socket of sockets) {
      const added = await socket.next('event', (f) => f.event.type === 'membership.changed', 1000);
      expect(added.event).toEqual({ type: 'membership.changed', conversationId, change: 'added' });
    }
    for (const socket of sockets) socket.close();
  });

  it('[SYS1] group changes are written into the conversation for every member to read', async () => {
    const owner = await signUp(url());
    const ann = await signUp(url());
    await makeFriends(url(), owner, ann);
    const group = await ok<{ id: string }>(
      authedFetch(url(), owner, '/api/groups', {
        method: 'POST',
        body: JSON.stringify({ name: 'Band', memberIds: [ann.userId] }),
      }),
      'create',
    );
    const docId = segmentDocId(group.id, 0);
    const annSocket = await RawPeer.connect(url(), ann.cookie);
    const annDoc = await subscribe(annSocket, docId);
    await ok(
      authedFetch(url(), owner, `/api/groups/${group.id}`, {
        method: 'PATCH',
        body: JSON.stringify({ name: 'The Band' }),
      }),
      'rename',
    );
    const live = await annSocket.next('update', (f) => f.docId === docId, 2000);
    Y.applyUpdate(annDoc, live.update);
    const system = segmentOf(annDoc)
      .messages.toArray()
      .filter(isSystemMessage)
      .map((m) => m.system);
    expect(system).toEqual([
      { kind: 'group_created', actorId: owner.userId, name: 'Band' },
      { kind: 'members_added', actorId: owner.userId, userIds: [ann.userId] },
      { kind: 'group_renamed', actorId: owner.userId, name: 'The Band' },
    ]);
    const changed = await annSocket.next('event', (f) => f.event.type === 'conversation.changed', 3000);
    expect(changed.event).toEqual({ type: 'conversation.changed', conversationId: group.id });
    // The list reads the line with names, never raw ids.
    const me = await ok<{ displayName: string }>(authedFetch(url(), owner, '/api/me'), 'me');
    const listed = (await listOf(ann)).find((c) => c.id === group.id);
    expect(listed?.lastMessage?.preview).toBe(`${me.displayName} renamed the group to The Band`);
    annSocket.close();
  });

  it('[RC1] a receipt may name a system line the moment it is written (the document still in memory)', async () => {
    const owner = await signUp(url());
    const ann = await signUp(url());
    await makeFriends(url(), owner, ann);
    const group = await ok<{ id: string }>(
      authedFetch(url(), owner, '/api/groups', {
        method: 'POST',
        body: JSON.stringify({ name: 'Choir', memberIds: [ann.userId] }),
      }),
      'create',
    );
    const docId = segmentDocId(group.id, 0);
    const annSocket = await RawPeer.connect(url(), ann.cookie);
    const annDoc = await subscribe(annSocket, docId);
    await ok(
      authedFetch(url(), owner, `/api/groups/${group.id}`, {
        method: 'PATCH',
        body: JSON.stringify({ name: 'The Choir' }),
      }),
      'rename',
    );
    Y.applyUpdate(annDoc, (await annSocket.next('update', (f) => f.docId === docId, 2000)).update);
    const renamed = segmentOf(annDoc).messages.toArray().at(-1)!;
    expect(isSystemMessage(renamed)).toBe(true);
    let update: Uint8Array | undefined;
    annDoc.once('update', (u: Uint8Array) => (update = u));
    setReceipt(annDoc, ann.userId, renamed.id, Date.now());
    annSocket.send({ type: 'update', docId, ref: 1, update: update! });
    expect(await annSocket.next('ack', (f) => f.docId === docId && f.ref === 1, 2000)).toBeTruthy();
    annSocket.close();
  });

  it("[EV1] messages keep the list's last message and order current, and members hear of it", async () => {
    const alice = await signUp(url());
    const bob = await signUp(url());
    const first = await makeFriends(url(), alice, bob);
    const carol = await signUp(url());
    const second = await makeFriends(url(), alice, carol);
    expect((await listOf(alice)).map((c) => c.id)).toEqual([second, first]);
    const aliceSocket = await RawPeer.connect(url(), alice.cookie);
    const bobSocket = await RawPeer.connect(url(), bob.cookie);
    const docId = segmentDocId(first, 0);
    const doc = await subscribe(aliceSocket, docId);
    send(aliceSocket, doc, docId, 1, message(alice.userId, 'See you\nat   eight'));
    await aliceSocket.next('ack', (f) => f.ref === 1);
    const heard = await bobSocket.next('event', (f) => f.event.type === 'conversation.changed', 3000);
    expect(heard.event).toEqual({ type: 'conversation.changed', conversationId: first, cause: 'messages' });
    const list = await listOf(bob);
    expect(list[0]).toMatchObject({
      id: first,
      lastMessage: { preview: 'See you at eight', senderId: alice.userId },
    });
    expect((await listOf(alice)).map((c) => c.id)).toEqual([first, second]);
    aliceSocket.close();
    bobSocket.close();
  });

  it('[LA3] a direct conversation between people who are no longer friends refuses writes, storing nothing', async () => {
    const alice = await signUp(url());
    const bob = await signUp(url());
    const conversationId = await makeFriends(url(), alice, bob);
    const docId = segmentDocId(conversationId, 0);
    const bobSocket = await RawPeer.connect(url(), bob.cookie);
    const doc = await subscribe(bobSocket, docId);
    send(bobSocket, doc, docId, 1, message(bob.userId, 'still friends'));
    await bobSocket.next('ack', (f) => f.ref === 1);
    expect((await authedFetch(url(), alice, `/api/friends/${bob.userId}`, { method: 'DELETE' })).status).toBe(
      204,
    );
    send(bobSocket, doc, docId, 2, message(bob.userId, 'are we?'));
    const rejected = await bobSocket.next('rejected');
    expect(rejected).toEqual({ type: 'rejected', docId, ref: 2, code: CLOSE_CODES.update_not_writable.code });
    expect(await bobSocket.waitClosed()).toBe(CLOSE_CODES.update_not_writable.code);
    // Alice's fresh copy holds only what was sent while they were friends.
    const aliceSocket = await RawPeer.connect(url(), alice.cookie);
    const stored = await subscribe(aliceSocket, docId);
    expect(
      segmentOf(stored)
        .messages.toArray()
        .map((m) => m.text),
    ).toEqual(['still friends']);
    aliceSocket.close();
  });

  it('[LA3] a member removed while offline finds their queued messages refused, and their device is told why', async () => {
    const owner = await signUp(url());
    const bob: TestAccount = await signUp(url());
    await makeFriends(url(), owner, bob);
    const group = await ok<{ id: string }>(
      authedFetch(url(), owner, '/api/groups', {
        method: 'POST',
        body: JSON.stringify({ name: 'Club', memberIds: [bob.userId] }),
      }),
      'create',
    );
    const docId = segmentDocId(group.id, 0);
    const storage = new MemoryPersistence();
    // Bob's device syncs the group once, then goes offline.
    const online = nodeDevice(url(), bob.cookie, storage);
    online.start();
    const synced = await online.open(docId);
    await eventually(() => segmentOf(synced).messages.length === 2, 'the group history arrived');
    await online.stop();
    // Offline, Bob writes; meanwhile the owner removes him.
    const offline = nodeDevice(url(), bob.cookie, storage);
    const refusals: string[] = [];
    offline.onRefused((doc, reason) => refusals.push(`${doc} ${reason}`));
    const local = await offline.open(docId);
    appendMessage(local, message(bob.userId, 'written on the train'));
    await eventually(() => offline.pending(docId) === 1, 'the message waits to go out');
    await ok(
      authedFetch(url(), owner, `/api/groups/${group.id}/members/${bob.userId}`, { method: 'DELETE' }),
      'remove',
    );
    offline.start();
    await eventually(() => refusals.length > 0, 'the device was told its messages cannot go out');
    expect(refusals).toEqual([`${docId} not_member`]);
    // He still reads what he had, and the list tells him the group is read-only for him.
    expect(segmentOf(local).messages.length).toBeGreaterThanOrEqual(2);
    expect((await listOf(bob)).find((c) => c.id === group.id)).toMatchObject({ canWrite: false, role: null });
    // Nothing of his reached the others.
    const ownerSocket = await RawPeer.connect(url(), owner.cookie);
    const stored = await subscribe(ownerSocket, docId);
    expect(
      segmentOf(stored)
        .messages.toArray()
        .map((m) => m.text),
    ).not.toContain('written on the train');
    ownerSocket.close();
    await offline.stop();
  });
});
