import type { Disposer, EventBus } from '../events/bus.ts';

/** Cached answers beyond which the cache starts over (a bound on memory, not a tuning knob). */
const MAX_ENTRIES = 100_000;

/**
 * Write permission per (conversation, user), asked on every incoming update, answered from
 * memory after the first time (it was two SELECTs per update, 39 % of the hub's update time in
 * the W3 profile). What changes the answer arrives on the bus, after its transaction committed:
 * - `membership.changed`: added, removed, left, role — that user in that conversation;
 * - `relationship.changed`: a friendship or block between two users — a direct conversation
 *   between them is writable only while they are friends, so both users' answers are dropped;
 * - a group ends only when its last member leaves, which is a `membership.changed` of that member.
 */
export class WritePermissions {
  /** userId → conversationId → may write. */
  private readonly byUser = new Map<string, Map<string, boolean>>();
  private size = 0;
  private readonly disposers: Disposer[];

  constructor(
    bus: EventBus,
    private readonly compute: (userId: string, conversationId: string) => boolean,
  ) {
    this.disposers = [
      bus.subscribe('membership.changed', (e) => this.forget(e.userId, e.conversationId)),
      bus.subscribe('relationship.changed', (e) => {
        for (const userId of e.userIds) this.forget(userId);
      }),
      bus.subscribe('user.deleted', (e) => this.forget(e.userId)),
    ];
  }

  canWrite(userId: string, conversationId: string): boolean {
    const known = this.byUser.get(userId)?.get(conversationId);
    if (known !== undefined) return known;
    const answer = this.compute(userId, conversationId);
    if (this.size >= MAX_ENTRIES) this.clear();
    const conversations = this.byUser.get(userId) ?? new Map<string, boolean>();
    this.byUser.set(userId, conversations);
    conversations.set(conversationId, answer);
    this.size++;
    return answer;
  }

  private forget(userId: string, conversationId?: string): void {
    const conversations = this.byUser.get(userId);
    if (!conversations) return;
    if (conversationId === undefined) {
      this.size -= conversations.size;
      this.byUser.delete(userId);
    } else if (conversations.delete(conversationId)) this.size--;
  }

  private clear(): void {
    this.byUser.clear();
    this.size = 0;
  }

  dispose(): void {
    for (const dispose of this.disposers) dispose();
  }
}
