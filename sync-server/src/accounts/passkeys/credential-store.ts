import type { Sql } from '../../db/index.ts';

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
  constructor(private readonly db: Sql) {}

  async add(credential: Omit<PasskeyCredential, 'lastUsedAt'>, q: Sql = this.db): Promise<void> {
    await q.run(
      `INSERT INTO passkey_credentials (id, user_id, webauthn_user, public_key, counter, transports, name, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        credential.id,
        credential.userId,
        credential.webauthnUser,
        Buffer.from(credential.publicKey),
        credential.counter,
        JSON.stringify(credential.transports),
        credential.name,
        credential.createdAt,
      ],
    );
  }

  async get(id: string): Promise<PasskeyCredential | null> {
    const row = await this.db.get<Row>('SELECT * FROM passkey_credentials WHERE id = ?', [id]);
    return row ? toCredential(row) : null;
  }

  async listForUser(userId: string, q: Sql = this.db): Promise<PasskeyCredential[]> {
    const rows = await q.all<Row>(
      'SELECT * FROM passkey_credentials WHERE user_id = ? ORDER BY created_at, id',
      [userId],
    );
    return rows.map(toCredential);
  }

  async recordUse(id: string, counter: number, at: number): Promise<void> {
    await this.db.run('UPDATE passkey_credentials SET counter = ?, last_used_at = ? WHERE id = ?', [
      counter,
      at,
      id,
    ]);
  }

  /** Deletes one of the user's passkeys; false when it is not theirs or does not exist. */
  async remove(userId: string, id: string, q: Sql = this.db): Promise<boolean> {
    const result = await q.run('DELETE FROM passkey_credentials WHERE id = ? AND user_id = ?', [id, userId]);
    return result.changes > 0;
  }
}
