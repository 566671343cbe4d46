import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config-error.ts';
import { DEFAULT_PUSH_SERVICE_HOSTS, isAllowedPushHost, readPushConfig, vapidSubject } from './config.ts';

describe('push configuration', () => {
  it("sends only to the browsers' push services by default", () => {
    const hosts = readPushConfig({}).serviceHosts;
    expect(hosts).toEqual(DEFAULT_PUSH_SERVICE_HOSTS);
    expect(isAllowedPushHost('https://fcm.googleapis.com/fcm/send/abc', hosts)).toBe(true);
    expect(isAllowedPushHost('https://web.push.apple.com/QGx', hosts)).toBe(true);
    expect(isAllowedPushHost('https://wns2-par02p.notify.windows.com/w/?token=x', hosts)).toBe(true);
    expect(isAllowedPushHost('https://updates.push.services.mozilla.com/wpush/v2/x', hosts)).toBe(true);
    // Not a push service: an address of the server's own network, or a look-alike.
    expect(isAllowedPushHost('https://10.0.0.7/admin', hosts)).toBe(false);
    expect(isAllowedPushHost('https://push.apple.com.evil.example/x', hosts)).toBe(false);
    expect(isAllowedPushHost('https://evilpush.apple.com/x', hosts)).toBe(false);
  });

  it('PUSH_SERVICE_HOSTS replaces the list; a bad entry names the variable', () => {
    expect(readPushConfig({ PUSH_SERVICE_HOSTS: 'localhost, *.push.example' }).serviceHosts).toEqual([
      'localhost',
      '*.push.example',
    ]);
    expect(() => readPushConfig({ PUSH_SERVICE_HOSTS: 'https://x' })).toThrow(ConfigError);
    expect(() => readPushConfig({ VAPID_SUBJECT: 'admin' })).toThrow(/VAPID_SUBJECT/);
  });

  it('the VAPID subject: the setting, else the public https origin, else a mailto: on the host', () => {
    const config = readPushConfig({});
    expect(vapidSubject(config, new URL('https://chat.example.org'))).toBe('https://chat.example.org');
    expect(vapidSubject(config, new URL('http://localhost:8080'))).toBe('mailto:messenjo@localhost');
    expect(
      vapidSubject(readPushConfig({ VAPID_SUBJECT: 'mailto:ops@example.org' }), new URL('https://a.b')),
    ).toBe('mailto:ops@example.org');
  });
});
