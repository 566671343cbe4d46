import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { ATTACHMENT_ROUTES } from '@messenjo/shared';
import type { FileStore } from '@tus/file-store';
import { Metadata } from '@tus/server';
import { Hono } from 'hono';
import { requireUser } from '../accounts/session/context.ts';
import { AppError } from '../http/app-error.ts';
import type { AppEnv } from '../http/env.ts';
import { RateLimiter } from '../http/rate-limit.ts';
import type { Logger } from '../logger.ts';
import type { Attachments } from './attachments.ts';
import { blobEtag, ifRangeAllows, noneMatchHits, parseRange } from './byte-range.ts';
import { createTusServer } from './tus-uploads.ts';
import { inEnvelope } from './tus-responses.ts';

/** Uploads a person may start: a message's ten files with their thumbnails at once, then one a second. */
const UPLOAD_BURST = 40;
const UPLOADS_PER_SECOND = 1;

/**
 * Downloads a person may make: a timeline scrolled through a year of pictures at once (each a
 * thumbnail), then five a second. Per process, like every limiter here (docs/attachments.md).
 */
const DOWNLOAD_BURST = 200;
const DOWNLOADS_PER_SECOND = 5;

const UPLOADS_PREFIX = ATTACHMENT_ROUTES.uploads.replace(/^\/api/, '');
const BLOBS_PREFIX = ATTACHMENT_ROUTES.blobs.replace(/^\/api/, '');
const LIMITS_PATH = ATTACHMENT_ROUTES.limits.replace(/^\/api/, '');

function readLength(header: string | undefined): number {
  if (header === undefined || !/^\d{1,16}$/.test(header))
    throw new AppError(
      400,
      'validation_failed',
      'Upload-Length must give the file size in bytes (deferred lengths are not accepted)',
      'Upload-Length',
    );
  return Number(header);
}

function readMetadata(header: string | undefined): { conversation: string; blob: string } {
  let parsed: Record<string, string | null> = {};
  try {
    parsed = header ? Metadata.parse(header) : {};
  } catch {
    throw new AppError(400, 'validation_failed', 'Upload-Metadata is not tus metadata', 'Upload-Metadata');
  }
  const { conversation, blob } = parsed;
  if (!conversation || !blob)
    throw new AppError(
      400,
      'validation_failed',
      'Upload-Metadata must name the conversation and the blob (the SHA-256 of the encrypted file)',
      'Upload-Metadata',
    );
  return { conversation, blob };
}

/**
 * Attachment blobs over HTTP (docs/attachments.md, "Uploads and downloads"): tus uploads at
 * `/api/uploads` (signed in; a new upload is checked and reserved here, then handed to tus),
 * and `GET /api/blobs/<id>` for current members of a conversation the blob belongs to.
 */
export function attachmentRoutes(options: {
  attachments: Attachments;
  uploadFiles: FileStore;
  logger: Logger;
  now: () => number;
}): Hono<AppEnv> {
  const { attachments, logger } = options;
  const routes = new Hono<AppEnv>();
  const startLimit = new RateLimiter(UPLOAD_BURST, UPLOADS_PER_SECOND, options.now);
  const downloadLimit = new RateLimiter(DOWNLOAD_BURST, DOWNLOADS_PER_SECOND, options.now);
  // The id a creation request reserved, for tus's naming function (the same Request object).
  const reserved = new WeakMap<Request, string>();
  const tus = createTusServer({
    attachments,
    store: options.uploadFiles,
    uploadIdOf: (request) => reserved.get(request),
  });

  routes.post(UPLOADS_PREFIX, async (c) => {
    const { user } = requireUser(c);
    const length = readLength(c.req.header('upload-length'));
    const metadata = readMetadata(c.req.header('upload-metadata'));
    startLimit.take(user.id, 'uploads started');
    const uploadId = randomBytes(16).toString('hex');
    await attachments.beginUpload({
      uploadId,
      userId: user.id,
      conversationId: metadata.conversation,
      blobId: metadata.blob,
      length,
    });
    reserved.set(c.req.raw, uploadId);
    const response = await tus.handleWeb(c.req.raw);
    // Created (201), or created and finished at once; anything else reserved nothing.
    if (response.status >= 300) await attachments.dropUpload(uploadId);
    return inEnvelope(response, logger, c.get('requestId'));
  });

  // Hono routes HEAD to the GET handler (the raw request still says HEAD): a resuming device's
  // HEAD asks tus for the offset; a GET of an upload is no download and is refused.
  routes.on(['GET', 'PATCH', 'DELETE'], `${UPLOADS_PREFIX}/:id`, async (c) => {
    const { user } = requireUser(c);
    if (c.req.raw.method === 'GET')
      throw new AppError(405, 'method_not_allowed', `Download files from ${ATTACHMENT_ROUTES.blobs}/<id>`);
    const uploadId = c.req.param('id');
    await attachments.ownUpload(uploadId, user.id);
    const response = await tus.handleWeb(c.req.raw);
    if (c.req.method === 'DELETE' && response.status === 204) await attachments.dropUpload(uploadId);
    return inEnvelope(response, logger, c.get('requestId'));
  });

  routes.get(LIMITS_PATH, async (c) => {
    const { user } = requireUser(c);
    return c.json(await attachments.limitsFor(user.id));
  });

  routes.get(`${BLOBS_PREFIX}/:id`, async (c) => {
    const { user } = requireUser(c);
    // Counted before the blob is looked up: probing for blobs costs the same as fetching them.
    downloadLimit.take(user.id, 'downloads');
    const blobId = c.req.param('id');
    const { size } = await attachments.blobFor(user.id, blobId);
    const etag = blobEtag(blobId);
    const headers: Record<string, string> = {
      ETag: etag,
      'Accept-Ranges': 'bytes',
      // Content-addressed ciphertext: it never changes, but only this signed-in person may keep it.
      'Cache-Control': 'private, max-age=31536000, immutable',
    };
    if (noneMatchHits(c.req.header('if-none-match'), etag)) return c.body(null, 304, headers);
    const asked = ifRangeAllows(c.req.header('if-range'), etag)
      ? parseRange(c.req.header('range'), size)
      : ({ kind: 'whole' } as const);
    if (asked.kind === 'refused')
      return c.json(new AppError(416, 'range_not_satisfiable', asked.reason, 'Range').toBody(), 416, {
        ...headers,
        'Content-Range': `bytes */${size}`,
      });
    const range = asked.kind === 'range' ? asked.range : undefined;
    const length = range ? range.end - range.start + 1 : size;
    Object.assign(headers, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(length),
      'Content-Disposition': 'attachment',
      ...(range ? { 'Content-Range': `bytes ${range.start}-${range.end}/${size}` } : {}),
    });
    const status = range ? 206 : 200;
    // HEAD (routed here by Hono) answers the headers alone; no file is opened.
    if (c.req.raw.method === 'HEAD') return c.body(null, status, headers);
    const body = Readable.toWeb(attachments.read(blobId, range)) as unknown as ReadableStream;
    return new Response(body, { status, headers });
  });

  return routes;
}
