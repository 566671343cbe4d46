import type { Db } from '../../db/index.ts';

export interface PasskeyCredential {
  id: string;
  userId: string;
  webauthnUser: string;
  publicKey: Uint8Array<ArrayBuffer>;
  counter: number;
  transports: string[];
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

interface Row {
  id: string;
  user_id: string;
  webauthn_user: string;
  public_key: Buffer;
  counter: number;
  transports: string;
  name: string;
  created_at: number;
  last_used_at: number | null;
}

const toCredential = (r: Row): PasskeyCredential => ({
  id: r.id,
  userId: r.user_id,
  webauthnUser: r.webauthn_user,
  publicKey: new Uint8Array(r.public_key),
  counter: r.counter,
  transports: JSON.parse(r.transports) as string[],
  name: r.name,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
});

/** The passkeys registered to accounts (public keys only: the private key never leaves the device). */
export class PasskeyStore {
  constructor(private readonly db: Db) {}

  add(credential: Omit<PasskeyCredential, 'lastUsedAt'>): void {
    this.db
      .prepare(
        `INSERT INTO passkey_credentials (id, user_id, webauthn_user, public_key, counter, transports, name, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        credential.id,
        credential.userId,
        credential.webauthnUser,
        Buffer.from(credential.publicKey),
        credential.counter,
        JSON.stringify(credential.transports),
        credential.name,
        credential.createdAt,
      );
  }

  get(id: string): PasskeyCredential | null {
    const row = this.db.prepare('SELECT * FROM passkey_credentials WHERE id = ?').get(id) as Row | undefined;
    return row ? toCredential(row) : null;
  }

  listForUser(userId: string): PasskeyCredential[] {
    return (
      this.db
        .prepare('SELECT * FROM passkey_credentials WHERE user_id = ? ORDER BY created_at')
        .all(userId) as Row[]
    ).map(toCredential);
  }

  recordUse(id: string, counter: number, at: number): void {
    this.db
      .prepare('UPDATE passkey_credentials SET counter = ?, last_used_at = ? WHERE id = ?')
      .run(counter, at, id);
  }

  /** Deletes one of the user's passkeys; false when it is not theirs or does not exist. */
  remove(userId: string, id: string): boolean {
    return (
      this.db.prepare('DELETE FROM passkey_credentials WHERE id = ? AND user_id = ?').run(id, userId)
        .changes > 0
    );
  }
}
