/** How long asks for conversations' members collect before one query reads them all. */
export const MEMBER_READ_WINDOW_MS = 20;

interface Waiter {
  resolve: (members: string[]) => void;
  reject: (error: unknown) => void;
}

/**
 * The current members of conversations for the list-change events (`conversation.changed`,
 * `sync/engine/user-events.ts`): each busy conversation announces about once a second, and every
 * server process tells its own sockets, so with many conversations each process read members
 * hundreds of times a second, one round trip each (W3 on two PostgreSQL processes: ~14 member
 * reads per commit batch). Asks within MEMBER_READ_WINDOW_MS are read in one query; the window
 * starts at the first ask, so nobody waits longer than that for an answer that is at most that
 * much newer (these events are announced up to a second after their commit anyway).
 */
export class MemberReads {
  private asked = new Map<string, Waiter[]>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly read: (conversationIds: readonly string[]) => Promise<Map<string, string[]>>,
    private readonly windowMs = MEMBER_READ_WINDOW_MS,
  ) {}

  /** The conversation's current members (read with the others asked in the same window). */
  of(conversationId: string): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const waiters = this.asked.get(conversationId);
      if (waiters) waiters.push({ resolve, reject });
      else this.asked.set(conversationId, [{ resolve, reject }]);
      this.timer ??= setTimeout(() => this.readAsked(), this.windowMs);
    });
  }

  private readAsked(): void {
    this.timer = undefined;
    const asked = this.asked;
    this.asked = new Map();
    this.read([...asked.keys()]).then(
      (found) => {
        for (const [conversationId, waiters] of asked)
          for (const waiter of waiters) waiter.resolve(found.get(conversationId) ?? []);
      },
      (error: unknown) => {
        for (const waiters of asked.values()) for (const waiter of waiters) waiter.reject(error);
      },
    );
  }
}
