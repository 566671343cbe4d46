/**
 * SEQ4: the update ids a document in memory took lately (its own commits, the last
 * RECENT_UPDATE_IDS of them), committed or still committing. The store answers for every id it
 * holds; this covers the ones it cannot know yet: committing, or committed after the room asked.
 */
export const RECENT_UPDATE_IDS = 1024;

export class RecentUpdateIds {
  /** Hex of each id, oldest first (a Set keeps insertion order). */
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = RECENT_UPDATE_IDS) {}

  add(updateId: Uint8Array): void {
    this.ids.add(hex(updateId));
    if (this.ids.size <= this.capacity) return;
    const oldest = this.ids.values().next().value;
    if (oldest !== undefined) this.ids.delete(oldest);
  }

  has(updateId: Uint8Array): boolean {
    return this.ids.has(hex(updateId));
  }
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
