import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { ATTACHMENT_LIMITS, ATTACHMENT_ROUTES, blobPath, encryptedSize } from '@messenjo/shared';
import { sha256Hex, tusMetadata } from '../../harness/uploads.ts';
import { startPeerProcess } from '../targets/peer-process.ts';
import { processCpuMs } from '../stats.ts';
import type { Measurement, Workload } from './types.ts';

/**
 * W13 (docs/workloads.md): a 50 MB file through our built server on loopback, against the raw
 * disk of the same data folder in the same round. The upload is the requests the app's
 * tus-js-client makes (it sets no chunk size, so: a creation POST, then one PATCH with every
 * byte; the server hashes the file on the last byte and moves it into place); the downloads are
 * a whole GET and a GET of the second half with `Range` (a resumed download). The disk is a
 * write of the same bytes with an fsync, and a read of them back (from the page cache, as the
 * server's reads of a blob it has just stored are).
 */

const MB = 1_000_000;
/** The plaintext of a 50 MB file; the server sees its ciphertext (16 bytes more per MiB). */
const FILE_BYTES = 50 * MB;
/** What the disk is written and read in: the size of a read stream's buffers, and fsync once at the end. */
const DISK_CHUNK = 1024 * 1024;

/** Writes `bytes` to a new file and fsyncs it: what the disk gives any server. */
function diskWrite(file: string, bytes: Uint8Array): number {
  const started = performance.now();
  const fd = openSync(file, 'w');
  try {
    for (let at = 0; at < bytes.length; at += DISK_CHUNK)
      writeSync(fd, bytes, at, Math.min(DISK_CHUNK, bytes.length - at));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return performance.now() - started;
}

function diskRead(file: string, length: number): number {
  const buffer = Buffer.allocUnsafe(DISK_CHUNK);
  const started = performance.now();
  const fd = openSync(file, 'r');
  try {
    let read = 0;
    while (read < length) {
      const n = readSync(fd, buffer, 0, DISK_CHUNK, read);
      if (n === 0) throw new Error(`the disk file ended at ${read} of ${length} bytes`);
      read += n;
    }
  } finally {
    closeSync(fd);
  }
  return performance.now() - started;
}

interface Timed {
  ms: number;
  /** CPU of the server process over the request, in ms. */
  serverCpuMs: number;
  /** CPU of this process (the client) over the request, in ms. */
  clientCpuMs: number;
}

/** Times one request to its last byte, with the CPU the server and the client spent on it. */
async function timed(serverCpuMs: () => number | undefined, run: () => Promise<unknown>): Promise<Timed> {
  const server = serverCpuMs() ?? NaN;
  const client = process.cpuUsage();
  const started = performance.now();
  await run();
  const ms = performance.now() - started;
  const used = process.cpuUsage(client);
  return { ms, serverCpuMs: (serverCpuMs() ?? NaN) - server, clientCpuMs: (used.user + used.system) / 1000 };
}

/**
 * One HTTP request with node:http, the body written in 1 MiB pieces and the answer's body counted,
 * not kept. Not fetch: undici's web streams cost the client more CPU per MB than the servers
 * (measured: ~17 ms per MB downloaded), and the client shares the 2 cores with the server.
 */
function request(
  url: string,
  options: { method: string; headers?: Record<string, string>; body?: Uint8Array },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method, headers: options.headers }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
    const body = options.body;
    if (!body) return void req.end();
    let at = 0;
    const write = (): void => {
      while (at < body.length) {
        const piece = body.subarray(at, Math.min(body.length, at + DISK_CHUNK));
        at += piece.length;
        if (!req.write(piece)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

async function expectAnswer(
  answer: ReturnType<typeof request>,
  expected: { status: number; bytes?: number },
  what: string,
): Promise<Awaited<ReturnType<typeof request>>> {
  const got = await answer;
  if (got.status !== expected.status) throw new Error(`${what} answered ${got.status}`);
  if (expected.bytes !== undefined && got.bytes !== expected.bytes)
    throw new Error(`${what}: ${got.bytes} of ${expected.bytes} bytes`);
  return got;
}

/** One round's three transfers through one server: upload, whole GET, GET of the second half. */
interface Transfers {
  upload: Timed;
  get: Timed;
  range: Timed;
}

async function throughOurs(
  url: string,
  cookie: string,
  conversation: string,
  bytes: Uint8Array,
  blob: string,
  serverCpuMs: () => number | undefined,
): Promise<Transfers> {
  const headers = { origin: url, cookie };
  const tus = { ...headers, 'tus-resumable': '1.0.0' };
  const upload = await timed(serverCpuMs, async () => {
    const created = await expectAnswer(
      request(`${url}${ATTACHMENT_ROUTES.uploads}`, {
        method: 'POST',
        headers: {
          ...tus,
          'upload-length': String(bytes.length),
          'upload-metadata': tusMetadata({ conversation, blob }),
        },
      }),
      { status: 201 },
      'upload creation',
    );
    await expectAnswer(
      request(`${url}${String(created.headers.location)}`, {
        method: 'PATCH',
        headers: {
          ...tus,
          'upload-offset': '0',
          'content-type': 'application/offset+octet-stream',
          'content-length': String(bytes.length),
        },
        body: bytes,
      }),
      { status: 204 },
      'upload',
    );
  });
  const get = await timed(serverCpuMs, () =>
    expectAnswer(
      request(`${url}${blobPath(blob)}`, { method: 'GET', headers }),
      { status: 200, bytes: bytes.length },
      'GET',
    ),
  );
  const half = Math.floor(bytes.length / 2);
  const range = await timed(serverCpuMs, () =>
    expectAnswer(
      request(`${url}${blobPath(blob)}`, { method: 'GET', headers: { ...headers, range: `bytes=${half}-` } }),
      { status: 206, bytes: bytes.length - half },
      'GET with Range',
    ),
  );
  return { upload, get, range };
}

/** The same transfers through the floor (servers/file-floor.mjs): node:http and the disk, nothing else. */
async function throughFloor(
  url: string,
  bytes: Uint8Array,
  serverCpuMs: () => number | undefined,
): Promise<Transfers> {
  const file = `${url}/w13-floor-file`;
  const upload = await timed(serverCpuMs, () =>
    expectAnswer(
      request(file, { method: 'PUT', headers: { 'content-length': String(bytes.length) }, body: bytes }),
      { status: 204 },
      'floor upload',
    ),
  );
  const get = await timed(serverCpuMs, () =>
    expectAnswer(request(file, { method: 'GET' }), { status: 200, bytes: bytes.length }, 'floor GET'),
  );
  const half = Math.floor(bytes.length / 2);
  const range = await timed(serverCpuMs, () =>
    expectAnswer(
      request(file, { method: 'GET', headers: { range: `bytes=${half}-` } }),
      { status: 206, bytes: bytes.length - half },
      'floor GET with Range',
    ),
  );
  return { upload, get, range };
}

export const w13AttachmentThroughput: Workload = {
  id: 'W13',
  title: 'a 50 MB attachment through the server on loopback, against the disk',
  rounds: 3,
  oursOnly: true,
  async run(target, { scale, progress }) {
    const app = target?.app;
    const dataDir = target?.dataDir;
    if (!target || !app || !dataDir) return [];
    // At the quick size a 5 MB file, so CI stays quick; the docs' figures are of 50 MB.
    const plain = scale >= 1 ? FILE_BYTES : Math.max(1, Math.round(FILE_BYTES * scale * 2));
    const size = encryptedSize(plain, ATTACHMENT_LIMITS.CHUNK_BYTES);
    const mb = `${Math.round(plain / MB)} MB`;
    const { device, docIds } = await target.createUserConversations(1);
    const conversation = docIds[0]!.split(':')[1]!;
    // Random bytes: what AES-GCM output is to the server and the disk (nothing to compress).
    const bytes = new Uint8Array(randomBytes(size));
    const blob = sha256Hex(bytes);

    progress(`${mb}: disk write + fsync, read`);
    const diskFile = path.join(dataDir, 'w13-disk-baseline');
    const diskWriteMs = diskWrite(diskFile, bytes);
    const diskReadMs = diskRead(diskFile, size);
    rmSync(diskFile);

    progress(`${mb}: through our server`);
    const ours = await throughOurs(app.url, app.cookie(device), conversation, bytes, blob, () =>
      target.serverCpuMs(),
    );

    progress(`${mb}: through the floor (node:http)`);
    const floor = await startPeerProcess('file-floor.mjs', () => ({ FILE_FLOOR_DIR: dataDir }));
    let bare: Transfers;
    try {
      bare = await throughFloor(`http://127.0.0.1:${floor.port}`, bytes, () =>
        processCpuMs(floor.process.pid),
      );
    } finally {
      await floor.dispose();
      rmSync(path.join(dataDir, 'w13-floor-file'), { force: true });
    }

    const megabytes = size / MB;
    const half = (size - Math.floor(size / 2)) / MB;
    const writeRate = megabytes / (diskWriteMs / 1000);
    const readRate = megabytes / (diskReadMs / 1000);
    const rows: Measurement[] = [
      { metric: `disk: write + fsync of ${mb}, in the data folder`, value: writeRate, unit: 'MB/s' },
      { metric: 'disk: read of the same file (page cache)', value: readRate, unit: 'MB/s' },
    ];
    for (const [who, t] of [
      ['ours', ours],
      ['floor', bare],
    ] as const) {
      const name = who === 'ours' ? 'ours' : 'floor (node:http)';
      rows.push(
        {
          metric: `${name}: upload${who === 'ours' ? ' (tus: POST + one PATCH, hash checked)' : ' (PUT + fsync)'}`,
          value: megabytes / (t.upload.ms / 1000),
          unit: 'MB/s',
        },
        { metric: `${name}: GET`, value: megabytes / (t.get.ms / 1000), unit: 'MB/s' },
        { metric: `${name}: GET with Range, second half`, value: half / (t.range.ms / 1000), unit: 'MB/s' },
        { metric: `${name}: server CPU per MB, upload`, value: t.upload.serverCpuMs / megabytes, unit: 'ms' },
        { metric: `${name}: server CPU per MB, GET`, value: t.get.serverCpuMs / megabytes, unit: 'ms' },
        { metric: `${name}: client CPU per MB, upload`, value: t.upload.clientCpuMs / megabytes, unit: 'ms' },
        { metric: `${name}: client CPU per MB, GET`, value: t.get.clientCpuMs / megabytes, unit: 'ms' },
      );
    }
    rows.push(
      {
        metric: 'ours: upload ÷ disk write',
        value: megabytes / (ours.upload.ms / 1000) / writeRate,
        unit: '×',
      },
      { metric: 'ours: GET ÷ disk read', value: megabytes / (ours.get.ms / 1000) / readRate, unit: '×' },
      { metric: 'ours: GET ÷ floor GET', value: bare.get.ms / ours.get.ms, unit: '×' },
      { metric: 'ours: upload ÷ floor upload', value: bare.upload.ms / ours.upload.ms, unit: '×' },
    );
    return rows;
  },
};
