import { readPushPayload } from '@messenjo/shared';
import { describe, expect, it } from 'vitest';
import { encodePush, isApplePushEndpoint, topicOf, type PushNotice } from './payload.ts';

const notice: PushNotice = {
  kind: 'message',
  title: 'Climbing',
  body: 'Ann: Saturday?',
  tag: 'conversation:c_abc',
  url: '/c/c_abc',
  conversationId: 'c_abc',
  at: 42,
};
const origin = new URL('https://chat.example.org');

describe('push payloads', () => {
  it("Apple's endpoints get Declarative Web Push JSON with an absolute navigate URL", () => {
    const endpoint = 'https://web.push.apple.com/QGxyz';
    expect(isApplePushEndpoint(endpoint)).toBe(true);
    const json = JSON.parse(encodePush(endpoint, notice, origin)) as Record<string, unknown>;
    expect(json).toEqual({
      web_push: 8030,
      notification: {
        title: 'Climbing',
        body: 'Ann: Saturday?',
        navigate: 'https://chat.example.org/c/c_abc',
        tag: 'conversation:c_abc',
        silent: false,
        data: { url: '/c/c_abc', at: 42, kind: 'message', conversationId: 'c_abc' },
      },
      mutable: true,
    });
    // The service worker reads it as it reads the app's own format.
    expect(readPushPayload(json, origin.origin)).toEqual({ v: 1, ...notice });
  });

  it('other endpoints get the small app format, which the service worker reads back', () => {
    const endpoint = 'https://fcm.googleapis.com/fcm/send/x';
    expect(isApplePushEndpoint(endpoint)).toBe(false);
    const json: unknown = JSON.parse(encodePush(endpoint, notice, origin));
    expect(json).toEqual({ v: 1, ...notice });
    expect(readPushPayload(json, origin.origin)).toEqual({ v: 1, ...notice });
  });

  it('a payload that would send a click off the app is not read', () => {
    expect(readPushPayload({ ...notice, url: 'https://evil.example/' }, origin.origin)).toBeUndefined();
    expect(readPushPayload({ ...notice, url: '//evil.example/' }, origin.origin)).toBeUndefined();
    expect(readPushPayload('hello', origin.origin)).toBeUndefined();
  });

  it('one Topic per conversation: at most 32 base64url characters, the same for the same conversation', () => {
    expect(topicOf('c_abc')).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    expect(topicOf('c_abc')).toBe(topicOf('c_abc'));
    expect(topicOf('c_abc')).not.toBe(topicOf('c_abd'));
  });
});
