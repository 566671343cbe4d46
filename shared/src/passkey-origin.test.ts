import { describe, expect, it } from 'vitest';
import { isIpAddress, passkeyOriginProblem } from './passkey-origin.ts';

/** Shared has no URL type (no DOM, no Node): the global of the test runtime, typed for what is read. */
const ParseUrl = (
  globalThis as unknown as { URL: new (url: string) => { protocol: string; hostname: string } }
).URL;
const problemOf = (url: string) => passkeyOriginProblem(new ParseUrl(url));

describe('whether passkeys can work at an origin', () => {
  it('refuses an IP address, over http or https, IPv4 or IPv6', () => {
    expect(problemOf('http://192.168.1.20:8080')).toBe('ip_address');
    expect(problemOf('https://10.0.0.5')).toBe('ip_address');
    expect(problemOf('http://127.0.0.1:8080')).toBe('ip_address');
    expect(problemOf('https://[::1]:8443')).toBe('ip_address');
    // Every spelling of an IPv4 address is normalised by URL parsing.
    expect(problemOf('http://0x7f.1')).toBe('ip_address');
  });

  it('refuses plain http on a domain name, but not on localhost', () => {
    expect(problemOf('http://chat.example.org')).toBe('not_https');
    expect(problemOf('http://localhost:8080')).toBeNull();
    expect(problemOf('http://messenjo.localhost')).toBeNull();
  });

  it('accepts https on a domain name, a single-label one included', () => {
    expect(problemOf('https://chat.example.org')).toBeNull();
    expect(problemOf('https://intranet')).toBeNull();
  });

  it('tells domain names from addresses', () => {
    expect(isIpAddress('1.2.3.4')).toBe(true);
    expect(isIpAddress('1.2.3.4.example')).toBe(false);
    expect(isIpAddress('example.org')).toBe(false);
  });
});
