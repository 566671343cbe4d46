import { randomBytes } from 'node:crypto';
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';

/** 20 random bytes (160 bits): the secret the device holds in its cookie. */
export function generateSessionToken(): string {
  return encodeBase32LowerCaseNoPadding(randomBytes(20));
}

/** The session id is the SHA-256 of the token: a database leak does not leak usable tokens. */
export function sessionIdFromToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

/** Tokens we mint are 32 base32 characters; anything else is refused before touching the database. */
export function isWellFormedToken(token: string): boolean {
  return /^[a-z2-7]{32}$/.test(token);
}
