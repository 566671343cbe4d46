import type { Disposer, EventBus } from '../events/bus.ts';

/** Cached answers beyond which the cache starts over (a bound on memory, not a tuning knob). */
const MAX_ENTRIES = 100_000;

/**
 * Write permission per (conversation, user), asked on every incoming update, answered from
 * memory after the first time (it was two SELECTs per update, 39 % of the hub's update time in
 * the W3 profile). The first time it is read from the store (asynchronously); the engine then
 * decides again with the answer in memory, in one turn with the write (LA3). What changes the
 * answer arrives on the bus, after its transaction committed:
 * - `membership.changed`: added, removed, left, role — that user in that conversation;
 * - `relationship.changed`: a friendship or block between two users — a direct conversation
 *   between them is writable only while they are friends, so both users' answers are dropped;
 * - a group ends only when its last member leaves, which is a `membership.changed` of that member.
 * A read that was under way when such an event arrived is not kept (it may predate the change).
 */
export class WritePermissions {
  /** userId → conversationId → may write. */
  private readonly byUser = new Map<string, Map<string, boolean>>();
  private size = 0;
  /** Bumped by every change of a user's answers (and by a clear): a read that saw another value is stale. */
  private readonly generations = new Map<string, number>();
  private clears = 0;
  /** Reads under way, by `${userId}\n${conversationId}`, so a burst of updates reads once. */
  private readonly reading = new Map<string, Promise<boolean>>();
  private readonly disposers: Disposer[];

  constructor(
    bus: EventBus,
    private readonly compute: (userId: string, conversationId: string) => Promise<boolean>,
  ) {
    this.disposers = [
      bus.subscribe('membership.changed', (e) => this.forget(e.userId, e.conversationId)),
      bus.subscribe('relationship.changed', (e) => {
        for (const userId of e.userIds) this.forget(userId);
      }),
      bus.subscribe('user.deleted', (e) => this.forget(e.userId)),
    ];
  }

  /** The answer when it is in memory; otherwise a promise of it (then in memory, unless it changed meanwhile). */
  canWrite(userId: string, conversationId: string): boolean | Promise<boolean> {
    const known = this.byUser.get(userId)?.get(conversationId);
    if (known !== undefined) return known;
    const key = `${userId}\n${conversationId}`;
    const under = this.reading.get(key);
    if (under) return under;
    const generation = this.generationOf(userId);
    const read = this.compute(userId, conversationId).then(
      (answer) => {
        this.reading.delete(key);
        if (this.generationOf(userId) === generation) this.remember(userId, conversationId, answer);
        return answer;
      },
      (error: unknown) => {
        this.reading.delete(key);
        throw error;
      },
    );
    this.reading.set(key, read);
    return read;
  }

  private remember(userId: string, conversationId: string, answer: boolean): void {
    if (this.size >= MAX_ENTRIES) this.clear();
    const conversations = this.byUser.get(userId) ?? new Map<string, boolean>();
    this.byUser.set(userId, conversations);
    if (!conversations.has(conversationId)) this.size++;
    conversations.set(conversationId, answer);
  }

  private generationOf(userId: string): string {
    return `${this.clears}:${this.generations.get(userId) ?? 0}`;
  }

  private forget(userId: string, conversationId?: string): void {
    // Reads under way for this user may predate the change: they must not be kept, nor shared.
    this.generations.set(userId, (this.generations.get(userId) ?? 0) + 1);
    for (const key of this.reading.keys()) if (key.startsWith(`${userId}\n`)) this.reading.delete(key);
    const conversations = this.byUser.get(userId);
    if (!conversations) return;
    if (conversationId === undefined) {
      this.size -= conversations.size;
      this.byUser.delete(userId);
    } else if (conversations.delete(conversationId)) this.size--;
  }

  /** Forgets every answer (the events that would have changed some may have been lost: Redis was down). */
  forgetAll(): void {
    this.clear();
  }

  private clear(): void {
    this.byUser.clear();
    this.generations.clear();
    this.clears++;
    this.size = 0;
  }

  dispose(): void {
    for (const dispose of this.disposers) dispose();
  }
}
