import type { Disposer, EventBus } from '../../events/bus.ts';

/**
 * Sessions revoked and users deleted while socket upgrades read their sessions: such an upgrade
 * read a session that was live then, and the revocation's event came before its socket could be
 * closed by it. Kept only while at least one upgrade is reading.
 */
export class RevocationsDuringValidation {
  private reading = 0;
  private readonly sessions = new Set<string>();
  private readonly users = new Set<string>();
  private readonly disposers: Disposer[];

  constructor(bus: EventBus) {
    this.disposers = [
      bus.subscribe('session.revoked', (e) => {
        if (this.reading > 0) this.sessions.add(e.sessionId);
      }),
      bus.subscribe('user.deleted', (e) => {
        if (this.reading > 0) this.users.add(e.userId);
      }),
    ];
  }

  /** Call before reading a session; `done` once the upgrade was decided. */
  watch(): { revoked(session: { id: string; userId: string }): boolean; done(): void } {
    this.reading++;
    let finished = false;
    return {
      revoked: (session) => this.sessions.has(session.id) || this.users.has(session.userId),
      done: () => {
        if (finished) return;
        finished = true;
        if (--this.reading === 0) {
          this.sessions.clear();
          this.users.clear();
        }
      },
    };
  }

  dispose(): void {
    for (const dispose of this.disposers) dispose();
  }
}
