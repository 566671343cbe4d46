import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isErrorEnvelope, type ConversationDetail, type ErrorEnvelope } from '@messenjo/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { authedFetch, signUp, type TestAccount } from '../../harness/accounts.ts';
import { useServer } from '../../harness/fixtures.ts';
import { makeFriends, ok } from '../../harness/social.ts';
import {
  createUpload,
  downloadBlob,
  fakeCiphertext,
  headUpload,
  patchUpload,
  sha256Hex,
  uploadBlob,
} from '../../harness/uploads.ts';

/** The operator's limits for this file: 1 MiB files, 3 MiB per person. */
const MAX_FILE = 1024 * 1024;
const QUOTA = 3 * 1024 * 1024;

async function refusal(response: Response): Promise<{ status: number; code: string }> {
  const body: unknown = await response.json();
  expect(isErrorEnvelope(body), JSON.stringify(body)).toBe(true);
  return { status: response.status, code: (body as { error: { code: string } }).error.code };
}

/** Attachment blobs through the real built server: tus uploads, downloads, limits and who may do what. */
describe('attachment uploads and downloads', () => {
  const server = useServer('attachments-uploads', {
    env: { ATTACHMENT_MAX_BYTES: String(MAX_FILE), ATTACHMENT_QUOTA_BYTES: String(QUOTA) },
  });
  const url = (): string => server().url;
  let ann: TestAccount;
  let bob: TestAccount;
  let eve: TestAccount;
  let direct: string;
  beforeAll(async () => {
    [ann, bob, eve] = await Promise.all([signUp(url()), signUp(url()), signUp(url())]);
    direct = await makeFriends(url(), ann, bob);
  });
  const blobFile = (blob: string): string => path.join(server().dataDir, 'blobs', blob.slice(0, 2), blob);

  it('an upload cut at half resumes from half; the other member downloads the same bytes; the stored blob is those bytes', async () => {
    const data = fakeCiphertext(300_000);
    const created = await createUpload(url(), ann, {
      conversation: direct,
      blob: data.blob,
      length: data.bytes.length,
    });
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    expect(location).toMatch(/^\/api\/uploads\/[0-9a-f]{32}$/);
    const half = data.bytes.length / 2;
    expect((await patchUpload(url(), ann, location, 0, data.bytes.subarray(0, half))).status).toBe(204);
    // A device coming back asks where to go on, and sends only the rest.
    const head = await headUpload(url(), ann, location);
    expect(head.headers.get('upload-offset')).toBe(String(half));
    const rest = await patchUpload(url(), ann, location, half, data.bytes.subarray(half));
    expect(rest.status).toBe(204);
    expect(rest.headers.get('upload-offset')).toBe(String(data.bytes.length));

    const fetched = await downloadBlob(url(), bob, data.blob);
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get('content-type')).toBe('application/octet-stream');
    // Compared by hash: a deep comparison of 300 kB arrays takes seconds.
    expect(sha256Hex(new Uint8Array(await fetched.arrayBuffer()))).toBe(data.blob);
    expect(Buffer.from(readFileSync(blobFile(data.blob))).equals(Buffer.from(data.bytes))).toBe(true);
    // The partial upload's bytes and record are gone once the blob is stored.
    expect(readdirSync(path.join(server().dataDir, 'uploads'))).toEqual([]);
  });

  it('the same bytes uploaded twice are stored once', async () => {
    const data = fakeCiphertext(10_000);
    expect((await uploadBlob(url(), ann, direct, data)).status).toBe(204);
    expect((await uploadBlob(url(), bob, direct, data)).status).toBe(204);
    expect(readdirSync(path.dirname(blobFile(data.blob))).filter((f) => f === data.blob)).toHaveLength(1);
    expect((await downloadBlob(url(), ann, data.blob)).status).toBe(200);
  });

  it('bytes that are not what their hash claims are refused and nothing is kept', async () => {
    const data = fakeCiphertext(20_000);
    const claimed = fakeCiphertext(1).blob;
    const answer = await uploadBlob(url(), ann, direct, { bytes: data.bytes, blob: claimed });
    expect(await refusal(answer)).toEqual({ status: 422, code: 'attachment_hash_mismatch' });
    expect(existsSync(blobFile(claimed))).toBe(false);
    expect(await refusal(await downloadBlob(url(), ann, claimed))).toEqual({
      status: 404,
      code: 'blob_not_found',
    });
  });

  it('a non-member can neither upload to the conversation nor download its blobs; nobody signed out can', async () => {
    const data = fakeCiphertext(5_000);
    expect((await uploadBlob(url(), ann, direct, data)).status).toBe(204);
    expect(await refusal(await downloadBlob(url(), eve, data.blob))).toEqual({
      status: 404,
      code: 'blob_not_found',
    });
    expect(await refusal(await downloadBlob(url(), null, data.blob))).toEqual({
      status: 401,
      code: 'unauthenticated',
    });
    const other = fakeCiphertext(5_000);
    expect(await refusal(await uploadBlob(url(), eve, direct, other))).toEqual({
      status: 403,
      code: 'not_a_member',
    });
    expect(
      await refusal(
        await createUpload(url(), null, { conversation: direct, blob: other.blob, length: 5_000 }),
      ),
    ).toEqual({ status: 401, code: 'unauthenticated' });
  });

  it("another person's upload in progress is not found for her", async () => {
    const data = fakeCiphertext(5_000);
    const created = await createUpload(url(), ann, { conversation: direct, blob: data.blob, length: 5_000 });
    const location = created.headers.get('location')!;
    expect(await refusal(await patchUpload(url(), bob, location, 0, data.bytes))).toEqual({
      status: 404,
      code: 'upload_not_found',
    });
    expect((await headUpload(url(), bob, location)).status).toBe(404);
    expect((await patchUpload(url(), ann, location, 0, data.bytes)).status).toBe(204);
  });

  it('only its uploader may end an upload (tus termination); ended, it stops counting against her quota at once', async () => {
    const used = async (who: TestAccount): Promise<number> =>
      ((await (await authedFetch(url(), who, '/api/attachments/limits')).json()) as { usedBytes: number })
        .usedBytes;
    const before = await used(ann);
    const data = fakeCiphertext(7_000);
    const created = await createUpload(url(), ann, { conversation: direct, blob: data.blob, length: 7_000 });
    const location = created.headers.get('location')!;
    expect((await patchUpload(url(), ann, location, 0, data.bytes.subarray(0, 3_000))).status).toBe(204);
    expect(await used(ann)).toBe(before + 7_000);
    const end = (who: TestAccount) =>
      authedFetch(url(), who, location, { method: 'DELETE', headers: { 'tus-resumable': '1.0.0' } });
    // Bob cannot end it: to him it does not exist, and it goes on.
    expect(await refusal(await end(bob))).toEqual({ status: 404, code: 'upload_not_found' });
    expect((await headUpload(url(), ann, location)).headers.get('upload-offset')).toBe('3000');
    // Ann ends it: gone, and her quota has the bytes back.
    expect((await end(ann)).status).toBe(204);
    expect(await used(ann)).toBe(before);
    expect((await headUpload(url(), ann, location)).status).toBe(404);
  });

  it('a file over the limit and uploads over the quota are refused with clear errors; others are not affected', async () => {
    const huge = await createUpload(url(), ann, {
      conversation: direct,
      blob: fakeCiphertext(1).blob,
      length: MAX_FILE * 2,
    });
    const tooLarge = (await huge.json()) as ErrorEnvelope;
    expect(huge.status).toBe(413);
    expect(tooLarge.error.code).toBe('attachment_too_large');
    expect(tooLarge.error.message).toMatch(/files up to 1\.0 MB/);

    const cat = await signUp(url());
    const dan = await signUp(url());
    const theirs = await makeFriends(url(), cat, dan);
    // Three files of 1 MiB fill Cat's 3 MiB; the fourth is refused, saying what is used.
    for (let i = 0; i < 3; i++)
      expect((await uploadBlob(url(), cat, theirs, fakeCiphertext(MAX_FILE - 64))).status).toBe(204);
    const over = await createUpload(url(), cat, {
      conversation: theirs,
      blob: fakeCiphertext(1).blob,
      length: 1000,
    });
    expect(over.status).toBe(413);
    const quota = (await over.json()) as ErrorEnvelope;
    expect(quota.error.code).toBe('attachment_quota_exceeded');
    expect(quota.error.message).toMatch(/use 3\.0 MB of your 3\.0 MB/);
    // Dan's quota is his own.
    expect((await uploadBlob(url(), dan, theirs, fakeCiphertext(1000))).status).toBe(204);
  });

  it('a person starting uploads in a loop is stopped with 429 after a burst of 40; others are not', async () => {
    const gus = await signUp(url());
    const withGus = await makeFriends(url(), gus, bob);
    const start = (who: TestAccount, conversation: string) =>
      createUpload(url(), who, { conversation, blob: fakeCiphertext(100).blob, length: 100 });
    // Started until one is refused: 40 at once, plus the one a second the time taken refilled.
    const began = Date.now();
    let started = 0;
    let refused: Response | undefined;
    while (!refused && started < 200) {
      const answer = await start(gus, withGus);
      if (answer.status === 201) started++;
      else refused = answer;
    }
    const seconds = (Date.now() - began) / 1000;
    expect(started).toBeGreaterThanOrEqual(40);
    expect(started).toBeLessThanOrEqual(40 + Math.ceil(seconds));
    expect(await refusal(refused!)).toEqual({ status: 429, code: 'rate_limited' });
    // Bob, in the same conversation, starts his as usual.
    expect((await start(bob, withGus)).status).toBe(201);
  });

  it('a bad hash form or missing metadata is refused before anything is stored', async () => {
    const upper = fakeCiphertext(100).blob.toUpperCase();
    expect(
      await refusal(await createUpload(url(), ann, { conversation: direct, blob: upper, length: 100 })),
    ).toEqual({
      status: 400,
      code: 'validation_failed',
    });
    expect(
      await refusal(
        await createUpload(url(), ann, { conversation: direct, blob: '', length: 100, metadata: '' }),
      ),
    ).toEqual({ status: 400, code: 'validation_failed' });
  });

  it('a member removed from a group can no longer download its blobs', async () => {
    const group = await ok<ConversationDetail>(
      authedFetch(url(), ann, '/api/groups', {
        method: 'POST',
        body: JSON.stringify({ name: 'Photos', memberIds: [bob.userId] }),
      }),
      'create group',
    );
    const data = fakeCiphertext(8_000);
    expect((await uploadBlob(url(), ann, group.id, data)).status).toBe(204);
    expect((await downloadBlob(url(), bob, data.blob)).status).toBe(200);
    await ok(
      authedFetch(url(), ann, `/api/groups/${group.id}/members/${bob.userId}`, { method: 'DELETE' }),
      'remove',
    );
    expect(await refusal(await downloadBlob(url(), bob, data.blob))).toEqual({
      status: 404,
      code: 'blob_not_found',
    });
    expect((await downloadBlob(url(), ann, data.blob)).status).toBe(200);
  });
});
