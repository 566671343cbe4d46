import { describe, expect, it } from 'vitest';
import { keptDataFate, onServerEnded, type ExpiredAccount } from './kept-data.ts';

const alice: ExpiredAccount = { userId: 'u_alice', name: 'Alice', expiredAt: 1 };

describe('what an ended session costs the device (SE1)', () => {
  it('an expiry keeps the data; a revocation, a deleted account or an unknown session wipes it', () => {
    expect(onServerEnded('session_expired')).toBe('keep');
    for (const reason of ['session_revoked', 'user_deleted', 'unauthenticated'] as const)
      expect(onServerEnded(reason)).toBe('wipe');
  });

  it('the same person signing in again reopens the kept data; a different account wipes it first', () => {
    expect(keptDataFate(alice, { signedIn: 'u_alice' })).toBe('reopen');
    expect(keptDataFate(alice, { signedIn: 'u_bob' })).toBe('wipe');
  });

  it('kept while the server still calls it expired; wiped once it says signed out (revoked meanwhile, SE2)', () => {
    expect(keptDataFate(alice, { signedOut: 'session_expired' })).toBe('wait');
    expect(keptDataFate(alice, { signedOut: 'unauthenticated' })).toBe('wipe');
  });

  it('nothing kept: nothing to do, whoever signs in', () => {
    expect(keptDataFate(null, { signedIn: 'u_bob' })).toBe('wait');
    expect(keptDataFate(null, { signedOut: 'unauthenticated' })).toBe('wait');
  });
});
