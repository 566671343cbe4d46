import { describe, expect, it } from 'vitest';
import { AwarenessClaims } from './awareness-rule.ts';

describe('awareness client ids', () => {
  const nobodyWrote = () => undefined;

  it('[AW2] a client id is refused when another user wrote with it or holds it for presence, until they leave', () => {
    const claims = new AwarenessClaims<string>();
    expect(claims.claim('c_1', 'bob-phone', 'u_bob', [7], nobodyWrote)).toBeNull();
    expect(claims.claim('c_1', 'mallory', 'u_mallory', [7], nobodyWrote)).toMatch(/another user's presence/);
    expect(claims.claim('c_2', 'mallory', 'u_mallory', [7], nobodyWrote)).toBeNull(); // per conversation
    expect(claims.claim('c_1', 'mallory', 'u_mallory', [8], () => 'u_alice')).toMatch(
      /belongs to another user/,
    );
    expect(claims.claim('c_1', 'bob-laptop', 'u_bob', [7], () => 'u_bob')).toBeNull(); // the same user's device
    claims.release('c_1', 'bob-laptop');
    expect(claims.claim('c_1', 'mallory', 'u_mallory', [7], nobodyWrote)).toBeNull();
  });
});
