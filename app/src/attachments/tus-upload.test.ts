import { describe, expect, it } from 'vitest';
import { isRetryableStatus, refusalOf, uploadFingerprint } from './tus-upload.ts';

describe('tus uploads', () => {
  it('keeps an upload under the conversation and the ciphertext hash, so a reload finds it', () => {
    const blob = 'ab'.repeat(32);
    expect(uploadFingerprint({ conversation: 'c1', blob })).toBe(`messenjo-upload:c1:${blob}`);
    expect(uploadFingerprint({ conversation: 'c2', blob })).not.toBe(
      uploadFingerprint({ conversation: 'c1', blob }),
    );
  });

  it('retries network failures, server errors, locks and rate limits, never refusals', () => {
    for (const status of [undefined, 0, 500, 502, 409, 423, 429])
      expect(isRetryableStatus(status)).toBe(true);
    for (const status of [400, 401, 403, 404, 413, 422]) expect(isRetryableStatus(status)).toBe(false);
  });

  it("says the server's sentence from its error envelope", () => {
    const refusal = refusalOf(
      413,
      JSON.stringify({ error: { code: 'attachment_quota_exceeded', message: 'Your 2 GiB are used' } }),
    );
    expect([refusal.status, refusal.code, refusal.message]).toEqual([
      413,
      'attachment_quota_exceeded',
      'Your 2 GiB are used',
    ]);
    expect(refusalOf(403, '<html>no</html>').message).toBe('The server refused the upload (HTTP 403)');
  });
});
