import path from 'node:path';
import { appendMessage, CLOSE_GOING_AWAY, newMessageId, segmentDocId, segmentOf } from '@messenjo/shared';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { SyncClient, type WebSocketLike } from '../../../app/src/sync/index.ts';
import { startServer, type RunningServer } from '../../harness/server.ts';
import { eventually, Seeder, syncUrl, tempDataDir } from '../../harness/sync.ts';

/**
 * The real built server is SIGKILLed in the middle of a burst from many devices (the app's
 * real sync client over real sockets); after a restart on the same data folder, every update
 * that had been acked is there, nothing is duplicated, and every device converges.
 */
const data = tempDataDir('messenjo-kill-');
let server: RunningServer | undefined;
afterAll(async () => {
  await server?.dispose();
  data.remove();
});

/** Message ids inside a Yjs update (what the ack of that update confirms). */
function messageIds(update: Uint8Array): string[] {
  return Y.decodeUpdate(update).structs.flatMap((struct) =>
    struct instanceof Y.Item && struct.content instanceof Y.ContentAny
      ? (struct.content.arr as { id?: unknown }[]).flatMap((v) => (typeof v?.id === 'string' ? [v.id] : []))
      : [],
  );
}

describe('durability', () => {
  it('[UP3] after SIGKILL mid-burst and a restart, every acked message is stored once and all devices converge; [SD1] a graceful stop closes with 1001 and loses nothing', async () => {
    const seed = Seeder.open(path.join(data.dir, 'messenjo.sqlite'));
    const url = new URL('http://localhost');
    const users = [];
    for (const name of ['ann', 'ben', 'cat', 'dan']) users.push(await seed.user(name, url));
    const conv = await seed.group(
      'burst',
      users.map((u, i) => ({ userId: u.userId, role: i === 0 ? 'owner' : 'member' })),
    );
    const cookies: { userId: string; cookie: string }[] = [];
    for (const u of users) {
      cookies.push({ userId: u.userId, cookie: u.cookie });
      cookies.push({ userId: u.userId, cookie: (await seed.device(u.userId, url)).cookie });
      cookies.push({ userId: u.userId, cookie: (await seed.device(u.userId, url)).cookie });
    }
    await seed.close();
    const docId = segmentDocId(conv, 0);
    server = await startServer({ dataDir: data.dir });
    /** Every socket the devices opened, with its close code once closed. */
    const sockets = new Map<WebSocket, number | undefined>();
    const acked = new Set<string>();
    const devices = cookies.map(({ userId, cookie }) => {
      const client = new SyncClient({
        url: 'unused',
        reconnectDelay: (attempt) => Math.min(50 * 2 ** attempt, 500),
        createSocket: () => {
          const ws = new WebSocket(syncUrl(server!.url), {
            headers: { Cookie: cookie, Origin: server!.url },
          });
          sockets.set(ws, undefined);
          ws.on('close', (code) => sockets.set(ws, code));
          ws.on('error', () => {});
          return ws as unknown as WebSocketLike;
        },
      });
      client.onAck((_docId, update) => messageIds(update).forEach((id) => acked.add(id)));
      client.start();
      return { userId, client };
    });
    await Promise.all(devices.map((d) => d.client.open(docId)));
    await eventually(
      () => devices.every((d) => d.client.status.get() === 'online'),
      'every device is online',
    );

    // The burst: 12 devices each write every 20 ms (staying within one segment's 1,000 messages); the server dies in the middle of it.
    // The 20 ms is the workload's pace (people typing fast), not a wait for anything: every
    // step of the test after it waits on a condition (acks counted, statuses, replicas).
    let sending = true;
    const writers = devices.map(async ({ userId, client }) => {
      while (sending) {
        const doc = client.doc(docId)!;
        appendMessage(doc, { id: newMessageId(), author: userId, text: 'burst', sentAt: Date.now() });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
    await eventually(() => acked.size >= 200, 'a few hundred messages are acked', 20_000);
    expect(await server.stop('SIGKILL')).toBe('SIGKILL');
    sending = false;
    await Promise.all(writers);
    const ackedBeforeKill = new Set(acked);
    expect(devices.some((d) => d.client.pending() > 0)).toBe(true);

    server = await startServer({ dataDir: data.dir });
    await eventually(
      () => devices.every((d) => d.client.status.get() === 'online' && d.client.pending() === 0),
      'every device is back online with nothing pending',
      30_000,
    );
    const replicas = devices.map((d) =>
      segmentOf(d.client.doc(docId)!)
        .messages.toArray()
        .map((m) => m.id),
    );
    await eventually(
      () => devices.every((d) => segmentOf(d.client.doc(docId)!).messages.length === replicas[0]!.length),
      'every device has every message',
    );
    const first = segmentOf(devices[0]!.client.doc(docId)!)
      .messages.toArray()
      .map((m) => m.id);
    for (const d of devices)
      expect(
        segmentOf(d.client.doc(docId)!)
          .messages.toArray()
          .map((m) => m.id),
      ).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
    for (const id of ackedBeforeKill) expect(first).toContain(id);

    // [SD1] a graceful stop flushes and closes every socket with 1001; nothing acked is lost.
    const open = [...sockets].filter(([, code]) => code === undefined).map(([ws]) => ws);
    expect(open).toHaveLength(devices.length);
    expect(await server.stop('SIGTERM')).toBe(0);
    await eventually(() => open.every((ws) => sockets.get(ws) !== undefined), 'every socket heard the close');
    expect(open.map((ws) => sockets.get(ws))).toEqual(open.map(() => CLOSE_GOING_AWAY));
    for (const d of devices) await d.client.stop();
    server = await startServer({ dataDir: data.dir });
    const check = new SyncClient({
      url: 'unused',
      createSocket: () =>
        new WebSocket(syncUrl(server!.url), {
          headers: { Cookie: cookies[0]!.cookie, Origin: server!.url },
        }) as unknown as WebSocketLike,
    });
    check.start();
    await check.open(docId);
    await eventually(() => check.status.get() === 'online', 'a fresh device is online');
    expect(
      segmentOf(check.doc(docId)!)
        .messages.toArray()
        .map((m) => m.id),
    ).toEqual(first);
    await check.stop();
  }, 90_000);
});
