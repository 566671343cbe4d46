import { randomBytes } from 'node:crypto';
import { encodeBase64urlNoPadding } from '@oslojs/encoding';
import type { Sql } from '../db/index.ts';

/** A WebAuthn ceremony has this long between the options and the answer. */
export const FLOW_LIFETIME_MS = 5 * 60 * 1000;

/**
 * Single-use server-side state of a sign-in step in progress (a WebAuthn challenge and what
 * it is for). Taking a flow deletes it, so an answer can never be replayed.
 */
export class FlowStore {
  constructor(
    private readonly db: Sql,
    private readonly now: () => number,
  ) {}

  async put<T>(kind: string, payload: T): Promise<string> {
    const id = encodeBase64urlNoPadding(randomBytes(24));
    const now = this.now();
    await this.db.run('DELETE FROM auth_flows WHERE expires_at <= ?', [now]);
    await this.db.run('INSERT INTO auth_flows (id, kind, payload, expires_at) VALUES (?, ?, ?, ?)', [
      id,
      kind,
      JSON.stringify(payload),
      now + FLOW_LIFETIME_MS,
    ]);
    return id;
  }

  /** The flow's payload, once (the DELETE decides between two answers racing); null when unknown, of another kind, already used or expired. */
  async take<T>(kind: string, id: string): Promise<T | null> {
    const row = await this.db.get<{ kind: string; payload: string; expires_at: number }>(
      'DELETE FROM auth_flows WHERE id = ? RETURNING kind, payload, expires_at',
      [id],
    );
    if (!row || row.kind !== kind || row.expires_at <= this.now()) return null;
    return JSON.parse(row.payload) as T;
  }
}
