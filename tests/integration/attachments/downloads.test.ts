import {
  ATTACHMENT_ROUTES,
  blobPath,
  isErrorEnvelope,
  type AttachmentLimitsResponse,
} from '@messenjo/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { authedFetch, signUp, type TestAccount } from '../../harness/accounts.ts';
import { useServer } from '../../harness/fixtures.ts';
import { makeFriends } from '../../harness/social.ts';
import { createUpload, fakeCiphertext, sha256Hex, uploadBlob } from '../../harness/uploads.ts';

async function refusal(response: Response): Promise<{ status: number; code: string; message: string }> {
  const body: unknown = await response.json();
  expect(isErrorEnvelope(body), JSON.stringify(body)).toBe(true);
  const { code, message } = (body as { error: { code: string; message: string } }).error;
  return { status: response.status, code, message };
}

const MAX_FILE = 2 * 1024 * 1024;
const QUOTA = 5 * 1024 * 1024;

/**
 * Downloads as a browser, a resuming download or a media element makes them, through the real
 * built server: ranges, entity tags and caching, the per-person download rate, and hostile
 * headers (docs/attachments.md, "Uploads and downloads").
 */
describe('attachment downloads: ranges, caching, rate', () => {
  const server = useServer('attachments-downloads', {
    env: { ATTACHMENT_MAX_BYTES: String(MAX_FILE), ATTACHMENT_QUOTA_BYTES: String(QUOTA) },
  });
  const url = (): string => server().url;
  let ann: TestAccount;
  let bob: TestAccount;
  let eve: TestAccount;
  let direct: string;
  const data = fakeCiphertext(100_000);
  const get = (who: TestAccount | null, headers: Record<string, string> = {}, method = 'GET') =>
    authedFetch(url(), who, blobPath(data.blob), { method, headers });

  beforeAll(async () => {
    [ann, bob, eve] = await Promise.all([signUp(url()), signUp(url()), signUp(url())]);
    direct = await makeFriends(url(), ann, bob);
    expect((await uploadBlob(url(), ann, direct, data)).status).toBe(204);
  });

  it('the whole blob comes with its hash as ETag, byte ranges offered, cached as immutable', async () => {
    const whole = await get(bob);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('etag')).toBe(`"${data.blob}"`);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    expect(whole.headers.get('content-length')).toBe('100000');
    expect(sha256Hex(new Uint8Array(await whole.arrayBuffer()))).toBe(data.blob);
  });

  it('a range is answered 206 with exactly those bytes; an open or suffix range to the end', async () => {
    const part = await get(bob, { range: 'bytes=1000-1999' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 1000-1999/100000');
    expect(part.headers.get('content-length')).toBe('1000');
    expect(Buffer.from(await part.arrayBuffer()).equals(Buffer.from(data.bytes.subarray(1000, 2000)))).toBe(
      true,
    );

    // A download resumed after 60 000 bytes gets the rest, and the pieces make the blob.
    const rest = await get(bob, { range: 'bytes=60000-' });
    expect(rest.status).toBe(206);
    expect(rest.headers.get('content-range')).toBe('bytes 60000-99999/100000');
    const joined = Buffer.concat([
      Buffer.from(data.bytes.subarray(0, 60_000)),
      Buffer.from(await rest.arrayBuffer()),
    ]);
    expect(sha256Hex(joined)).toBe(data.blob);

    const tail = await get(bob, { range: 'bytes=-16' });
    expect(tail.status).toBe(206);
    expect(tail.headers.get('content-range')).toBe('bytes 99984-99999/100000');
    expect(Buffer.from(await tail.arrayBuffer()).equals(Buffer.from(data.bytes.subarray(99_984)))).toBe(true);

    // A last byte past the end (or a huge one) is the end.
    const clamped = await get(bob, { range: 'bytes=99990-99999999999999999999999999999' });
    expect(clamped.status).toBe(206);
    expect(clamped.headers.get('content-range')).toBe('bytes 99990-99999/100000');
    expect((await clamped.arrayBuffer()).byteLength).toBe(10);
  });

  it('a device that has the blob is told 304 for its ETag, with no body', async () => {
    const cached = await get(bob, { 'if-none-match': `"${data.blob}"` });
    expect(cached.status).toBe(304);
    expect(cached.headers.get('etag')).toBe(`"${data.blob}"`);
    expect((await cached.arrayBuffer()).byteLength).toBe(0);
    // Another tag is another representation: the bytes are sent.
    const other = await get(bob, { 'if-none-match': '"0000"' });
    expect(other.status).toBe(200);
    await other.arrayBuffer();
  });

  it('If-Range with another tag sends the whole blob instead of a piece of something else', async () => {
    const stale = await get(bob, { range: 'bytes=0-9', 'if-range': '"not-this-blob"' });
    expect(stale.status).toBe(200);
    expect((await stale.arrayBuffer()).byteLength).toBe(100_000);
    const same = await get(bob, { range: 'bytes=0-9', 'if-range': `"${data.blob}"` });
    expect(same.status).toBe(206);
    expect((await same.arrayBuffer()).byteLength).toBe(10);
  });

  it('hostile ranges are refused 416 in the one error shape, saying the size; the blob is intact', async () => {
    for (const [range, message] of [
      ['bytes=100000-', /past the end of the file \(100000 bytes\)/],
      ['bytes=99999999999999999999999-', /past the end/],
      ['bytes=500-100', /ends before it starts/],
      ['bytes=0-1,5-9', /one range/],
      ['bytes=abc', /bytes=<first>-<last>/],
      ['bytes=--5', /bytes=<first>-<last>/],
      ['rubbish', /bytes=/],
      [`bytes=0-${'1'.repeat(500)}`, /too long/],
    ] as const) {
      const answer = await get(bob, { range });
      expect(answer.headers.get('content-range'), range).toBe('bytes */100000');
      const refused = await refusal(answer);
      expect({ status: refused.status, code: refused.code }, range).toEqual({
        status: 416,
        code: 'range_not_satisfiable',
      });
      expect(refused.message, range).toMatch(message);
    }
    const whole = await get(bob);
    expect(sha256Hex(new Uint8Array(await whole.arrayBuffer()))).toBe(data.blob);
  });

  it('a non-member learns nothing from a range, an ETag or HEAD: the same 404 as for no blob', async () => {
    const missing = fakeCiphertext(10).blob;
    for (const headers of [
      {},
      { range: 'bytes=0-9' },
      { 'if-none-match': `"${data.blob}"` },
      { range: 'x' },
    ] as Record<string, string>[]) {
      const answer = await get(eve, headers);
      expect(answer.headers.get('etag')).toBeNull();
      expect(await refusal(answer)).toMatchObject({ status: 404, code: 'blob_not_found' });
    }
    const head = await get(eve, {}, 'HEAD');
    expect(head.status).toBe(404);
    const none = await authedFetch(url(), bob, blobPath(missing), { headers: { range: 'bytes=0-9' } });
    expect(await refusal(none)).toMatchObject({ status: 404, code: 'blob_not_found' });
    expect(await refusal(await get(null, { range: 'bytes=0-9' }))).toMatchObject({
      status: 401,
      code: 'unauthenticated',
    });
  });

  it('HEAD answers the size and range headers without the bytes', async () => {
    const head = await get(bob, { range: 'bytes=10-19' }, 'HEAD');
    expect(head.status).toBe(206);
    expect(head.headers.get('content-range')).toBe('bytes 10-19/100000');
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it('a person downloading in a loop is stopped with 429 and Retry-After; others are not', async () => {
    const cat = await signUp(url());
    const dan = await signUp(url());
    const theirs = await makeFriends(url(), cat, dan);
    const small = fakeCiphertext(100);
    expect((await uploadBlob(url(), cat, theirs, small)).status).toBe(204);
    const fetchSmall = (who: TestAccount) => authedFetch(url(), who, blobPath(small.blob));
    // The burst is 200 downloads; the refill (5 a second) adds a few while they run, so the
    // refusal comes after at least 200 and well before 400 on any machine that runs this.
    let allowed = 0;
    let refused: Response | undefined;
    while (allowed < 400) {
      const answer = await fetchSmall(cat);
      if (answer.status === 429) {
        refused = answer;
        break;
      }
      expect(answer.status).toBe(200);
      await answer.arrayBuffer();
      allowed += 1;
    }
    expect(allowed).toBeGreaterThanOrEqual(200);
    expect(refused, `still allowed after ${allowed}`).toBeDefined();
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refusal(refused!)).toMatchObject({ code: 'rate_limited', message: /Too many downloads/ });
    // Dan's downloads are his own.
    expect((await fetchSmall(dan)).status).toBe(200);
  });

  it("the limits route says the operator's limits and what this person uses, to her alone (signed in)", async () => {
    const fay = await signUp(url());
    const gus = await signUp(url());
    const theirs = await makeFriends(url(), fay, gus);
    const limits = async (who: TestAccount): Promise<AttachmentLimitsResponse> => {
      const answer = await authedFetch(url(), who, ATTACHMENT_ROUTES.limits);
      expect(answer.status).toBe(200);
      return (await answer.json()) as AttachmentLimitsResponse;
    };
    expect(await limits(fay)).toEqual({ maxFileBytes: MAX_FILE, quotaBytes: QUOTA, usedBytes: 0 });
    expect((await uploadBlob(url(), fay, theirs, fakeCiphertext(30_000))).status).toBe(204);
    // An upload in progress counts as the server counts it against the quota.
    expect(
      (await createUpload(url(), fay, { conversation: theirs, blob: fakeCiphertext(1).blob, length: 5_000 }))
        .status,
    ).toBe(201);
    expect(await limits(fay)).toEqual({ maxFileBytes: MAX_FILE, quotaBytes: QUOTA, usedBytes: 35_000 });
    expect((await limits(gus)).usedBytes).toBe(0);
    expect(await refusal(await authedFetch(url(), null, ATTACHMENT_ROUTES.limits))).toMatchObject({
      status: 401,
      code: 'unauthenticated',
    });
  });
});
