import { randomBytes } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';

/** Kinds of server-made ids; the prefix makes a leaked id self-describing in logs. */
export type IdKind = 'u' | 'c' | 'inv' | 'media' | 'cred';

/** A random id: 15 bytes (120 bits) of entropy, base32, e.g. `u_k3x…`. Never derived from content or time. */
export function newId(kind: IdKind): string {
  return `${kind}_${encodeBase32LowerCaseNoPadding(randomBytes(15))}`;
}
