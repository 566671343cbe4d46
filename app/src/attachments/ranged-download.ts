/**
 * A blob's ciphertext brought down so that a broken connection costs only what had not arrived
 * yet (docs/attachments.md, "Downloads that resume"): when the body breaks, the bytes received
 * so far are kept and the rest is asked for with `Range: bytes=<received>-` and
 * `If-Range: "<blob id>"` (RFC 9110), so the answer is either the rest of this very blob (206) or,
 * should the server not know that tag, the whole of it again (200). The bytes are kept exactly as
 * they came: the stream is in order up to the break, and decryption checks every 1 MiB chunk's
 * tag at the end (file-cipher.ts), so a wrong byte anywhere still fails to open.
 */

/** The download stopped before the end: `received` is what came, to resume from next time. */
export class DownloadBrokenError extends Error {
  override readonly name = 'DownloadBrokenError';
  constructor(
    message: string,
    /** The blob's first bytes, as far as they came. */
    readonly received: Blob,
    /** The server's status when it refused (404, 429, 5xx); undefined when the network failed. */
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface RangedDownloadOptions {
  /** The ciphertext's length, known from the attachment entry (`encryptedSize`). */
  totalBytes: number;
  /** The blob's entity tag (`blobEtag`), sent as `If-Range`. */
  etag: string;
  /** What an earlier attempt received (a `DownloadBrokenError`'s `received`). */
  received?: Blob;
  /** How long the server may be silent — before answering, or within the body — before the attempt counts as broken. */
  stallMs: number;
  /** Breaks in a row that bring no new byte before giving up (the network is gone, not flaky). */
  fruitlessTries: number;
  /** Called as bytes arrive, with the share of the blob held (0–1). */
  onProgress?: (share: number) => void;
  /**
   * Keeps what arrived somewhere that outlives the page (blob-cache.ts, the partial pieces):
   * called in order with consecutive pieces of at least `pieceBytes` as they come, and with what
   * is left when a body breaks, so a reload resumes from the last byte kept. Awaited: what a
   * broken attempt hands back is kept before it says so.
   */
  keep?: (offset: number, piece: Blob) => Promise<void>;
  /** What was kept is not this blob's beginning (the server sent the whole blob again): drop it. */
  restart?: () => Promise<void>;
  /** Bytes gathered before `keep` is called mid-body (default 1 MiB). */
  pieceBytes?: number;
  /** The request's cache mode: `reload` when bytes that came before turned out bad. */
  cache?: RequestCache;
  fetch?: typeof fetch;
}

/** The first byte and the total of a `Content-Range: bytes <first>-<last>/<total>`. */
function rangeStart(header: string | null): { first: number; total: number } | undefined {
  const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header?.trim() ?? '');
  return match ? { first: Number(match[1]), total: Number(match[3]) } : undefined;
}

/** Downloads `url` to the end, resuming after each break; throws `DownloadBrokenError` when it cannot go on. */
export async function downloadRanged(url: string, options: RangedDownloadOptions): Promise<Blob> {
  const { totalBytes } = options;
  const fetchOnce = options.fetch ?? fetch;
  let parts: BlobPart[] = options.received && options.received.size > 0 ? [options.received] : [];
  let held = options.received?.size ?? 0;
  if (held > totalBytes) [parts, held] = [[], 0]; // not this blob's beginning: start again
  const receivedSoFar = () => new Blob(parts);
  let fruitless = 0;
  const pieceBytes = options.pieceBytes ?? 1024 * 1024;
  // What arrived since the last piece handed to `keep`.
  let unkept: Uint8Array<ArrayBuffer>[] = [];
  let unkeptFrom = held;
  const keepUnkept = async () => {
    if (!options.keep || held === unkeptFrom) return;
    const piece = new Blob(unkept);
    const offset = unkeptFrom;
    [unkept, unkeptFrom] = [[], held];
    // Keeping is a help for later, never a reason for this download to fail.
    await options.keep(offset, piece).catch(() => {});
  };

  while (held < totalBytes) {
    const stalled = new AbortController();
    let timer = setTimeout(() => stalled.abort(), options.stallMs);
    const awake = () => {
      clearTimeout(timer);
      timer = setTimeout(() => stalled.abort(), options.stallMs);
    };
    const headers: Record<string, string> = {};
    if (held > 0) {
      headers.Range = `bytes=${held}-`;
      headers['If-Range'] = options.etag;
    }
    let response: Response;
    try {
      response = await fetchOnce(url, {
        credentials: 'same-origin',
        headers,
        signal: stalled.signal,
        ...(options.cache && { cache: options.cache }),
      });
    } catch {
      clearTimeout(timer);
      throw new DownloadBrokenError('The network failed before the server answered.', receivedSoFar());
    }
    if (response.status === 200) {
      // The whole blob (the server ignored the range, or our tag is not its tag): from the start.
      if (held > 0) await options.restart?.().catch(() => {});
      [parts, held, unkept, unkeptFrom] = [[], 0, [], 0];
    } else if (response.status === 206) {
      const range = rangeStart(response.headers.get('Content-Range'));
      if (!range || range.first !== held || range.total !== totalBytes) {
        clearTimeout(timer);
        void response.body?.cancel();
        throw new DownloadBrokenError(
          `The server sent another piece of the file than asked for (${response.headers.get('Content-Range') ?? 'no Content-Range'}).`,
          receivedSoFar(),
          response.status,
        );
      }
    } else {
      clearTimeout(timer);
      void response.body?.cancel();
      throw new DownloadBrokenError(`HTTP ${response.status}`, receivedSoFar(), response.status);
    }

    const before = held;
    const reader = response.body?.getReader();
    try {
      for (;;) {
        if (!reader) break;
        const { done, value } = await reader.read();
        if (done) break;
        awake();
        if (held + value.length > totalBytes) {
          void reader.cancel();
          throw new DownloadBrokenError(
            `The server sent more than the file's ${totalBytes} bytes.`,
            new Blob([]),
            response.status,
          );
        }
        parts.push(value);
        unkept.push(value);
        held += value.length;
        options.onProgress?.(held / totalBytes);
        if (held < totalBytes && held - unkeptFrom >= pieceBytes) await keepUnkept();
      }
    } catch (error) {
      if (error instanceof DownloadBrokenError) throw error;
      // The body broke (the connection dropped, or stalled past `stallMs`): what came is kept.
    } finally {
      clearTimeout(timer);
    }
    if (held === totalBytes) break;
    await keepUnkept();
    // A body that ended early is as broken as one that failed: ask for the rest.
    fruitless = held > before ? 0 : fruitless + 1;
    if (fruitless >= options.fruitlessTries)
      throw new DownloadBrokenError(
        'The connection keeps breaking before any more of the file arrives.',
        receivedSoFar(),
      );
  }
  return new Blob(parts);
}
