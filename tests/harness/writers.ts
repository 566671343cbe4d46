import { appendMessage, newMessageId, segmentDocId, type MessageEntry } from '@messenjo/shared';
import { afterAll, afterEach } from 'vitest';
import * as Y from 'yjs';
import type { SyncClient } from '../../app/src/sync/index.ts';
import { signIn, type TestAccount } from './accounts.ts';
import { eventually, nodeDevice, RawPeer } from './sync.ts';

/**
 * Someone else's device writing into a conversation while a test watches another device: in
 * Node, through the real sync socket of the real server, with the account's own session.
 */

/** A conversation's first segment open on a Node device, synced: write into `doc`, then `untilStored`. */
export interface SegmentOnDevice {
  client: SyncClient;
  docId: string;
  doc: Y.Doc;
  /** Every change made to `doc` so far is acknowledged by the server (stored). */
  untilStored(what: string): Promise<void>;
}

export interface NodeDevices {
  /** A new device of `account` (the app's real sync client, a session of its own), started. */
  session(account: Pick<TestAccount, 'authenticator'>, userAgent?: string): Promise<SyncClient>;
  /** A new device of `account` with the first segment of `conversationId` open and synced. */
  segment(account: TestAccount, conversationId: string): Promise<SegmentOnDevice>;
}

/** Node devices for a file's tests, stopped after each test (`'each'`, the default) or after the file. */
export function useNodeDevices(
  url: () => string,
  { closeAfter = 'each' }: { closeAfter?: 'each' | 'all' } = {},
): NodeDevices {
  const clients: SyncClient[] = [];
  const stop = async (): Promise<void> => {
    for (const client of clients.splice(0)) await client.stop();
  };
  if (closeAfter === 'each') afterEach(stop);
  else afterAll(stop);

  async function session(
    account: Pick<TestAccount, 'authenticator'>,
    userAgent?: string,
  ): Promise<SyncClient> {
    const { cookie } = await signIn(url(), account, userAgent ? { userAgent } : {});
    const client = nodeDevice(url(), cookie);
    clients.push(client);
    client.start();
    return client;
  }

  return {
    session,
    async segment(account, conversationId) {
      const client = await session(account);
      const docId = segmentDocId(conversationId, 0);
      const doc = await client.open(docId);
      const who = account.username ?? account.userId;
      await eventually(() => client.docState(docId) === 'synced', `${who} has the segment`);
      return {
        client,
        docId,
        doc,
        untilStored: (what) => eventually(() => client.pending(docId) === 0, what),
      };
    },
  };
}

/**
 * A bare protocol peer of `account` that writes messages into a conversation's first segment,
 * each sent as one update and waited for until the server acknowledges (stores) it. The caller
 * closes `peer`. `clientId`: its Yjs client id (which of concurrent inserts at one place YATA
 * orders first), random unless given.
 */
export async function rawMessageWriter(
  url: string,
  account: Pick<TestAccount, 'cookie' | 'userId'>,
  conversationId: string,
  { clientId }: { clientId?: number } = {},
): Promise<{ peer: RawPeer; say(text: string): Promise<void> }> {
  const peer = await RawPeer.connect(url, account.cookie);
  const docId = segmentDocId(conversationId, 0);
  peer.send({ type: 'subscribe', docs: [{ docId, seq: 0, stateVector: new Uint8Array([0]) }] });
  const doc = new Y.Doc();
  if (clientId !== undefined) doc.clientID = clientId;
  Y.applyUpdate(doc, (await peer.next('sync', (f) => f.docId === docId)).update);
  let ref = 0;
  return {
    peer,
    async say(text: string): Promise<void> {
      const entry: MessageEntry = { id: newMessageId(), author: account.userId, text, sentAt: Date.now() };
      let update: Uint8Array | undefined;
      doc.once('update', (u: Uint8Array) => (update = u));
      appendMessage(doc, entry);
      const sent = ++ref;
      peer.send({ type: 'update', docId, ref: sent, update: update! });
      await peer.next('ack', (f) => f.docId === docId && f.ref === sent);
    },
  };
}
