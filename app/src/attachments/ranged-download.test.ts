import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DownloadBrokenError, downloadRanged } from './ranged-download.ts';

/**
 * Against a local stand-in for the blob route speaking its documented Range semantics
 * (docs/attachments.md, "Uploads and downloads"): one range `bytes=<first>-` answered 206 with
 * `Content-Range`, `If-Range` with another tag answered with the whole blob. It can cut a body
 * after some bytes (the socket destroyed mid-answer, as a dropped network does) and counts what
 * it sent.
 */
interface StandIn {
  url: string;
  /** Each request: its Range and If-Range, and the body bytes written before it ended or was cut. */
  requests: { range?: string; ifRange?: string; sent: number }[];
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const ETAG = '"blob-tag"';

async function standIn(
  blob: Buffer,
  behave: (request: number, headers: IncomingHttpHeaders) => { cutAfter?: number; ignoreRange?: boolean },
): Promise<StandIn> {
  const requests: StandIn['requests'] = [];
  const server = createServer((req, res) => {
    const record = {
      range: req.headers.range,
      ifRange: req.headers['if-range'] as string | undefined,
      sent: 0,
    };
    requests.push(record);
    const plan = behave(requests.length - 1, req.headers);
    const asked = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const ranged = asked && !plan.ignoreRange && req.headers['if-range'] === ETAG;
    const start = ranged ? Number(asked[1]) : 0;
    const body = blob.subarray(start);
    res.writeHead(ranged ? 206 : 200, {
      'Content-Length': String(body.length),
      ETag: ETAG,
      ...(ranged && { 'Content-Range': `bytes ${start}-${blob.length - 1}/${blob.length}` }),
    });
    if (plan.cutAfter === undefined) {
      record.sent = body.length;
      res.end(body);
      return;
    }
    const piece = body.subarray(0, plan.cutAfter);
    record.sent = piece.length;
    // Written, then the connection dropped before the rest: the client sees a body that breaks.
    res.write(piece, () => setImmediate(() => res.socket?.destroy()));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/blob`, requests };
}

const options = (totalBytes: number) => ({ totalBytes, etag: ETAG, stallMs: 10_000, fruitlessTries: 3 });
const bytesOf = async (blob: Blob) => Buffer.from(await blob.arrayBuffer());

describe('a download by ranges', () => {
  it('[BL1] a body cut in the middle resumes from the bytes it has: the server sends each byte once', async () => {
    const blob = randomBytes(3 * 1024 * 1024 + 48);
    const half = 1_600_000;
    const server = await standIn(blob, (n) => (n === 0 ? { cutAfter: half } : {}));
    const shares: number[] = [];
    const got = await downloadRanged(server.url, {
      ...options(blob.length),
      onProgress: (share) => shares.push(share),
    });
    expect((await bytesOf(got)).equals(blob)).toBe(true);
    expect(server.requests).toEqual([
      { range: undefined, ifRange: undefined, sent: half },
      { range: `bytes=${half}-`, ifRange: ETAG, sent: blob.length - half },
    ]);
    expect(shares.at(-1)).toBe(1);
  });

  it('[BL1] resumes from what an earlier attempt received, and starts again when the server sends the whole blob', async () => {
    const blob = randomBytes(200_000);
    const resumed = await standIn(blob, () => ({}));
    const got = await downloadRanged(resumed.url, {
      ...options(blob.length),
      received: new Blob([blob.subarray(0, 150_000)]),
    });
    expect((await bytesOf(got)).equals(blob)).toBe(true);
    expect(resumed.requests).toEqual([{ range: 'bytes=150000-', ifRange: ETAG, sent: 50_000 }]);

    // A server that answers a range with the whole blob (200): the held bytes are dropped, not doubled.
    const whole = await standIn(blob, () => ({ ignoreRange: true }));
    const again = await downloadRanged(whole.url, {
      ...options(blob.length),
      received: new Blob([blob.subarray(0, 150_000)]),
    });
    expect((await bytesOf(again)).equals(blob)).toBe(true);
    expect(whole.requests.map((r) => r.sent)).toEqual([blob.length]);
  });

  it('gives up when the breaks bring nothing more, handing back what came to resume from later', async () => {
    const blob = randomBytes(100_000);
    const server = await standIn(blob, (n) => ({ cutAfter: n === 0 ? 30_000 : 0 }));
    const failure = await downloadRanged(server.url, options(blob.length)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DownloadBrokenError);
    const received = (failure as DownloadBrokenError).received;
    expect((await bytesOf(received)).equals(blob.subarray(0, 30_000))).toBe(true);
    expect((failure as DownloadBrokenError).status).toBeUndefined();
    expect(server.requests.length).toBe(4); // the first, then three tries that brought nothing

    // Later (the network is back) only the rest is asked for.
    const later = await standIn(blob, () => ({}));
    const got = await downloadRanged(later.url, { ...options(blob.length), received });
    expect((await bytesOf(got)).equals(blob)).toBe(true);
    expect(later.requests).toEqual([{ range: 'bytes=30000-', ifRange: ETAG, sent: 70_000 }]);
  });

  it('hands what arrives to `keep` in consecutive pieces, the rest when the body breaks, and says when kept bytes are stale', async () => {
    const blob = randomBytes(100_000);
    const server = await standIn(blob, (n) => ({ cutAfter: n === 0 ? 45_000 : 0 }));
    const pieces: { offset: number; bytes: Buffer }[] = [];
    const keep = async (offset: number, piece: Blob) => {
      pieces.push({ offset, bytes: await bytesOf(piece) });
    };
    const failure = await downloadRanged(server.url, {
      ...options(blob.length),
      keep,
      pieceBytes: 20_000,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DownloadBrokenError);
    // Consecutive from byte 0, together exactly what came: what a reload resumes from.
    let next = 0;
    for (const piece of pieces) {
      expect(piece.offset).toBe(next);
      next += piece.bytes.length;
    }
    expect(next).toBe(45_000);
    expect(Buffer.concat(pieces.map((piece) => piece.bytes)).equals(blob.subarray(0, 45_000))).toBe(true);
    expect(pieces.slice(0, -1).every((piece) => piece.bytes.length >= 20_000)).toBe(true);

    // The server answers the range with the whole blob: what was kept is stale, and pieces start at 0 again.
    const whole = await standIn(blob, () => ({ ignoreRange: true }));
    let restarts = 0;
    pieces.length = 0;
    const got = await downloadRanged(whole.url, {
      ...options(blob.length),
      received: new Blob([blob.subarray(0, 45_000)]),
      keep,
      restart: () => {
        restarts++;
        return Promise.resolve();
      },
      pieceBytes: 20_000,
    });
    expect((await bytesOf(got)).equals(blob)).toBe(true);
    expect(restarts).toBe(1);
    expect(pieces[0]?.offset).toBe(0);
  });

  it('a refusal keeps what came; a blob longer than the entry says is refused, not kept', async () => {
    const blob = randomBytes(10_000);
    const gone = createServer((_req, res) => res.writeHead(404).end());
    servers.push(gone);
    await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(gone.address() as AddressInfo).port}/blob`;
    const refused = await downloadRanged(url, {
      ...options(blob.length),
      received: new Blob([blob.subarray(0, 10)]),
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DownloadBrokenError);
    expect((refused as DownloadBrokenError).status).toBe(404);
    expect((refused as DownloadBrokenError).received.size).toBe(10);

    const longer = await standIn(blob, () => ({}));
    const tooLong = await downloadRanged(longer.url, options(blob.length - 1)).catch(
      (error: unknown) => error,
    );
    expect(tooLong).toBeInstanceOf(DownloadBrokenError);
    expect((tooLong as Error).message).toContain('more than');
    expect((tooLong as DownloadBrokenError).received.size).toBe(0);
  });
});
