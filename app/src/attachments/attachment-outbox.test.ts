import 'fake-indexeddb/auto';
import { ATTACHMENT_CIPHER, ATTACHMENT_LIMITS, type AttachmentEntry } from '@messenjo/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../lib/store.ts';
import { AttachmentOutbox, shareUploaded, type AttachmentOutboxOptions } from './attachment-outbox.ts';
import { PendingAttachmentStore, type PendingAttachmentMessage, type PendingBlob } from './pending-store.ts';
import { UploadRefusedError } from './upload-refused.ts';

const KEY = 'A'.repeat(43);
const blobId = (n: number): string => n.toString(16).padStart(64, '0');

function message(id: string, sentAt: number, sizes: number[]): PendingAttachmentMessage {
  const attachments: AttachmentEntry[] = sizes.map((size, i) => ({
    kind: 'file',
    cipher: ATTACHMENT_CIPHER,
    blob: blobId(sentAt * 10 + i),
    key: KEY,
    size,
    chunkBytes: ATTACHMENT_LIMITS.CHUNK_BYTES,
    type: 'application/pdf',
    name: `file-${i}.pdf`,
  }));
  return {
    id,
    conversationId: 'conv1',
    author: 'alice',
    text: 'a caption',
    sentAt,
    attachments,
    blobs: attachments.map((entry) => ({
      blob: entry.blob,
      ciphertext: new Blob([new Uint8Array(entry.size + 16)]),
      uploaded: false,
    })),
  };
}

let userN = 0;
const opened: PendingAttachmentStore[] = [];
const outboxes: AttachmentOutbox[] = [];
afterEach(() => {
  for (const outbox of outboxes.splice(0)) outbox.dispose();
  for (const store of opened.splice(0)) store.close();
});

async function setup(overrides: Partial<AttachmentOutboxOptions> & { online?: Store<boolean> } = {}) {
  const userId = `user${++userN}`;
  const store = await PendingAttachmentStore.open(userId);
  opened.push(store);
  const uploaded: string[] = [];
  const committed: PendingAttachmentMessage[] = [];
  const online = overrides.online ?? new Store(true);
  const outbox = new AttachmentOutbox({
    store,
    online,
    upload: (_message: PendingAttachmentMessage, blob: PendingBlob, onProgress) => {
      onProgress({ sent: blob.ciphertext.size, total: blob.ciphertext.size });
      uploaded.push(blob.blob);
      return Promise.resolve();
    },
    commit: (pending) => {
      committed.push(pending);
      return Promise.resolve();
    },
    retryDelayMs: 10,
    ...overrides,
  });
  outboxes.push(outbox);
  return { userId, store, outbox, uploaded, committed, online };
}

const settled = (outbox: AttachmentOutbox): Promise<void> =>
  new Promise((resolve) => {
    const check = (): void => {
      if (outbox.pending.get().length === 0) {
        stop();
        resolve();
      }
    };
    const stop = outbox.pending.subscribe(check);
    check();
  });

describe('the attachments outbox', () => {
  it('uploads every blob of a message, then writes it and forgets its bytes', async () => {
    const { outbox, store, uploaded, committed } = await setup();
    const sent = message('m1', 1, [10, 20]);
    await outbox.send(sent);
    await settled(outbox);
    expect(uploaded).toEqual(sent.blobs.map((blob) => blob.blob));
    expect(committed.map((m) => m.id)).toEqual(['m1']);
    expect(committed[0]?.blobs.every((blob) => blob.uploaded)).toBe(true);
    expect(await store.all()).toEqual([]);
  });

  it('keeps a message pending while offline and sends it when the network returns', async () => {
    const online = new Store(false);
    const { outbox, committed } = await setup({ online });
    await outbox.send(message('m1', 1, [10]));
    expect(outbox.pending.get().map((view) => [view.message.id, view.facts.state])).toEqual([
      ['m1', 'waiting'],
    ]);
    expect(committed).toEqual([]);
    online.set(true);
    await settled(outbox);
    expect(committed.map((m) => m.id)).toEqual(['m1']);
  });

  it('survives a reload: a new page continues with the blobs the server still lacks', async () => {
    const online = new Store(false);
    const first = await setup({ online });
    const sent = message('m1', 1, [10, 20]);
    await first.outbox.send(sent);
    await first.store.markUploaded('m1', sent.blobs[0]!.blob);
    first.outbox.dispose();

    const uploaded: string[] = [];
    const committed: string[] = [];
    const store = await PendingAttachmentStore.open(first.userId);
    opened.push(store);
    const again = new AttachmentOutbox({
      store,
      online: new Store(true),
      upload: (_m, blob) => {
        uploaded.push(blob.blob);
        return Promise.resolve();
      },
      commit: (pending) => {
        committed.push(pending.id);
        return Promise.resolve();
      },
    });
    outboxes.push(again);
    await again.start();
    await settled(again);
    expect(uploaded).toEqual([sent.blobs[1]!.blob]);
    expect(committed).toEqual(['m1']);
  });

  it('sends messages in the order they were written, and retries after a network failure', async () => {
    let failOnce = true;
    const order: string[] = [];
    const online = new Store(false);
    const { outbox, committed } = await setup({
      online,
      upload: (pending) => {
        if (pending.id === 'm1' && failOnce) {
          failOnce = false;
          return Promise.reject(new Error('network down'));
        }
        order.push(pending.id);
        return Promise.resolve();
      },
    });
    await outbox.send(message('m2', 2, [5]));
    await outbox.send(message('m1', 1, [5]));
    online.set(true);
    await settled(outbox);
    expect(failOnce).toBe(false);
    expect(committed.map((m) => m.id)).toEqual(['m1', 'm2']);
    expect(order[0]).toBe('m1');
  });

  it('marks a message the server refuses for good as failed, keeps it out of the queue, and lets it be discarded', async () => {
    const { outbox, store, committed } = await setup({
      upload: (pending) =>
        pending.id === 'big'
          ? Promise.reject(
              new UploadRefusedError(413, 'attachment_too_large', 'This file is too large: up to 100 MiB'),
            )
          : Promise.resolve(),
    });
    await outbox.send(message('big', 1, [10]));
    await outbox.send(message('ok', 2, [10]));
    await new Promise<void>((resolve) => {
      const stop = outbox.pending.subscribe(() => {
        if (
          outbox.pending
            .get()
            .map((view) => view.message.id)
            .join() === 'big'
        ) {
          stop();
          resolve();
        }
      });
    });
    expect(committed.map((m) => m.id)).toEqual(['ok']);
    expect(outbox.pending.get()[0]?.facts).toEqual({
      progress: 0,
      state: 'failed',
      problem: 'This file is too large: up to 100 MiB',
    });
    expect((await store.all())[0]?.failed).toBe('This file is too large: up to 100 MiB');
    await outbox.discard('big');
    expect(outbox.pending.get()).toEqual([]);
    expect(await store.all()).toEqual([]);
  });
});

describe('AttachmentOutbox.discard', () => {
  it('cancelled while uploading: the upload stops, nothing is written, and the server’s unfinished uploads are ended', async () => {
    const signals: AbortSignal[] = [];
    const terminated: string[] = [];
    const { outbox, store, committed } = await setup({
      upload: (_message, _blob, onProgress, signal) => {
        signals.push(signal);
        onProgress({ sent: 10, total: 100 });
        // Hangs like a slow network until aborted.
        return new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
        );
      },
      terminate: (_message, blob) => {
        terminated.push(blob.blob);
        return Promise.resolve();
      },
    });
    const pending = message('m', 1, [84, 84]);
    await outbox.send(pending);
    await expect.poll(() => outbox.pending.get()[0]?.facts.state).toBe('uploading');
    await outbox.discard('m');
    expect(signals[0]?.aborted).toBe(true);
    expect(outbox.pending.get()).toEqual([]);
    expect(await store.all()).toEqual([]);
    // Both blobs were unfinished: both uploads ended on the server.
    expect(terminated).toEqual(pending.blobs.map((blob) => blob.blob));
    // Nothing more happens: no retry, no commit.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(signals).toHaveLength(1);
    expect(committed).toEqual([]);
  });
  it('given up while its upload is being created: its upload is ended once the creation has answered, not before', async () => {
    const events: string[] = [];
    let answer = (): void => {};
    const { outbox, store } = await setup({
      upload: (_message, _blob, _onProgress, signal) =>
        // A creation under way: an abort waits for its answer (tus-upload.ts), which brings the URL.
        new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => {
            events.push('aborted');
            answer = () => {
              events.push('creation answered');
              reject(new DOMException('aborted', 'AbortError'));
            };
          }),
        ),
      terminate: () => {
        events.push('terminated');
        return Promise.resolve();
      },
    });
    await outbox.send(message('m', 1, [84]));
    await expect.poll(() => outbox.pending.get()[0]?.facts.state).toBe('uploading');
    const discarded = outbox.discard('m');
    // Gone from the screen at once; the server's upload is ended only after the answer.
    expect(outbox.pending.get()).toEqual([]);
    // Forgotten on the device; then a while for anything that would end it early (main's code did).
    await expect.poll(() => store.all()).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events).toEqual(['aborted']);
    answer();
    await discarded;
    expect(events).toEqual(['aborted', 'creation answered', 'terminated']);
  });
});

describe('a message shown while its files are prepared', () => {
  const preview = (m: PendingAttachmentMessage) => {
    const { blobs: _bytes, ...rest } = m;
    return { ...rest, attachments: rest.attachments.map((entry) => ({ ...entry, blob: '', key: '' })) };
  };

  it('shows at once as preparing, in the order sent, and is kept and sent when its files are sealed', async () => {
    const { outbox, store, committed } = await setup({ online: new Store(false) });
    await outbox.start();
    const earlier = message('m1', 1, [10]);
    const later = message('m2', 2, [20]);
    await outbox.send(later);
    outbox.showPreparing(preview(earlier));
    expect(outbox.pending.get().map((view) => [view.message.id, view.facts.state])).toEqual([
      ['m1', 'preparing'],
      ['m2', 'waiting'],
    ]);
    // Only shown: nothing of it is kept before its bytes are.
    expect((await store.all()).map((m) => m.id)).toEqual(['m2']);
    expect(await outbox.send(earlier)).toBe(true);
    expect(outbox.pending.get().map((view) => [view.message.id, view.facts.state])).toEqual([
      ['m1', 'waiting'],
      ['m2', 'waiting'],
    ]);
    expect(outbox.pending.get()[0]!.message.attachments[0]!.blob).toBe(earlier.blobs[0]!.blob);
    expect((await store.all()).map((m) => m.id)).toEqual(['m1', 'm2']);
    expect(committed).toEqual([]);
  });

  it('given up while prepared: gone at once, and its files sealed later are neither kept nor sent', async () => {
    const { outbox, store, uploaded, committed } = await setup();
    await outbox.start();
    const cancelled = message('m1', 1, [10]);
    outbox.showPreparing(preview(cancelled));
    await outbox.discard('m1');
    expect(outbox.pending.get()).toEqual([]);
    expect(await outbox.send(cancelled)).toBe(false);
    const next = message('m2', 2, [10]);
    await outbox.send(next);
    await settled(outbox);
    expect(await store.all()).toEqual([]);
    expect(uploaded).toEqual([next.blobs[0]!.blob]);
    expect(committed.map((m) => m.id)).toEqual(['m2']);
  });

  it('one that could not be prepared is shown no more', async () => {
    const { outbox } = await setup({ online: new Store(false) });
    await outbox.start();
    outbox.showPreparing(preview(message('m1', 1, [10])));
    expect(outbox.pending.get()).toHaveLength(1);
    outbox.dropPreparing('m1');
    expect(outbox.pending.get()).toEqual([]);
  });
});

describe('shareUploaded', () => {
  it('counts uploaded blobs by their entry and the one under way by its bytes sent', () => {
    const pending = message('m', 1, [84, 84]);
    expect(shareUploaded(pending, 0)).toBe(0);
    expect(shareUploaded(pending, 50)).toBe(0.25);
    const half = { ...pending, blobs: [{ ...pending.blobs[0]!, uploaded: true }, pending.blobs[1]!] };
    expect(shareUploaded(half, 0)).toBe(0.5);
    expect(shareUploaded(half, 100)).toBe(1);
  });
});
