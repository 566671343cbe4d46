import { describe, expect, it } from 'vitest';
import { pushSubscriptionSchema } from './push.ts';

const p256dh = `B${'A'.repeat(86)}`; // 65 bytes, first byte 0x04
const auth = 'A'.repeat(22); // 16 bytes
const valid = {
  endpoint: 'https://fcm.googleapis.com/fcm/send/abc',
  expirationTime: null,
  keys: { p256dh, auth },
};

const problem = (body: unknown): string | undefined => {
  const result = pushSubscriptionSchema.safeParse(body);
  return result.success ? undefined : result.error.issues[0]?.message;
};

describe('push subscription bodies', () => {
  it('accept what PushSubscription.toJSON() gives', () => {
    expect(problem(valid)).toBeUndefined();
    expect(problem({ endpoint: valid.endpoint, keys: valid.keys })).toBeUndefined();
  });

  it('refuse anything but an https endpoint, or one of unusual length', () => {
    expect(problem({ ...valid, endpoint: 'http://fcm.googleapis.com/x' })).toMatch(/https URL/);
    expect(problem({ ...valid, endpoint: 'https://user:pw@fcm.googleapis.com/x' })).toMatch(
      /without credentials/,
    );
    expect(problem({ ...valid, endpoint: `https://fcm.googleapis.com/${'x'.repeat(1100)}` })).toMatch(
      /longer than/,
    );
  });

  it('refuse keys that are not a P-256 point and a 16-byte secret', () => {
    expect(problem({ ...valid, keys: { p256dh: `BQ${'A'.repeat(85)}`, auth } })).toMatch(/uncompressed/);
    expect(problem({ ...valid, keys: { p256dh: p256dh.slice(0, 80), auth } })).toMatch(/p256dh/);
    expect(problem({ ...valid, keys: { p256dh, auth: 'A'.repeat(30) } })).toMatch(/16-byte/);
    expect(problem({ ...valid, keys: { p256dh: `${p256dh.slice(0, 86)}!`, auth } })).toMatch(/p256dh/);
    expect(problem({ ...valid, extra: 1 })).toBeDefined();
  });
});
