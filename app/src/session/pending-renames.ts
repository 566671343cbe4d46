import { ApiError } from '../api/client.ts';
import { Store } from '../lib/store.ts';

/** A group rename made on this device and not yet stored by the server. */
export interface PendingRename {
  name: string;
  /** When the person renamed (this device's clock): the server lets the later rename win. */
  renamedAt: number;
}

/** A rename the server refused (no longer a member, the group ended, an invalid name). */
export interface RefusedRename {
  conversationId: string;
  name: string;
  message: string;
}

export interface PendingRenamesOptions {
  /** Stores one rename on the server (PATCH /api/groups/:id with `renamedAt`). */
  send: (conversationId: string, rename: PendingRename) => Promise<unknown>;
  /** Whether the server is reachable now (the sync socket is up). */
  online: { get(): boolean; subscribe(listener: () => void): () => void };
  storage?: Storage | undefined;
  /** Where other tabs' changes to the storage are heard (`storage` events). */
  events?: Pick<Window, 'addEventListener' | 'removeEventListener'> | undefined;
  now?: () => number;
}

const keyOf = (userId: string): string => `messenjo-pending-renames-${userId}`;

/** Removes a user's unsent renames from the device (sign-out, or the server ended the session). */
export function forgetPendingRenames(
  userId: string,
  storage: Storage | undefined = globalThis.localStorage,
): void {
  storage?.removeItem(keyOf(userId));
}

/**
 * Group renames as the device's outbox of requests (PRODUCT 9: renames are accepted offline and
 * shown pending, as messages are). A rename is a server route, not a change to a document (the
 * name lives in the server's database, which lists, push payloads and the system line read), so it
 * waits here — the newest per group, in localStorage so it survives a reload and every tab of the
 * device sees it — and goes out whenever the sync socket is up. It carries the time the person
 * renamed: the server keeps the later rename, so a rename made offline and sent after a newer one
 * changes nothing, and every device ends with the same name. A network failure keeps it for the
 * next connection; a refusal drops it and says why (`refused`).
 */
export class PendingRenames {
  /** Unsent renames by conversation id. */
  readonly pending: Store<ReadonlyMap<string, PendingRename>>;
  /** The latest rename the server refused, until the person renames again. */
  readonly refused = new Store<RefusedRename | null>(null);
  /** The copy kept when there is no storage (tests in Node). */
  private memory: ReadonlyMap<string, PendingRename> = new Map();
  private sending = false;
  private again = false;
  private disposed = false;
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly userId: string,
    private readonly options: PendingRenamesOptions,
  ) {
    this.pending = new Store(this.read());
    this.stops.push(
      options.online.subscribe(() => {
        if (options.online.get()) void this.flush();
      }),
    );
    const events = options.events;
    if (events) {
      // Another tab queued or sent one: show what it did.
      const onStorage = (event: StorageEvent): void => {
        if (event.key === keyOf(this.userId)) this.pending.set(this.read());
      };
      events.addEventListener('storage', onStorage);
      this.stops.push(() => events.removeEventListener('storage', onStorage));
    }
    if (options.online.get()) void this.flush();
  }

  /** Accepts a rename at once (shown pending) and sends it as soon as the server is reachable. */
  rename(conversationId: string, name: string): void {
    if (this.disposed) return;
    const next = new Map(this.read());
    next.set(conversationId, { name, renamedAt: (this.options.now ?? Date.now)() });
    this.write(next);
    if (this.refused.get()?.conversationId === conversationId) this.refused.set(null);
    void this.flush();
  }

  /** Sends what waits, oldest first, while the server is reachable. */
  async flush(): Promise<void> {
    if (this.sending) {
      this.again = true;
      return;
    }
    this.sending = true;
    try {
      do {
        this.again = false;
        for (const [conversationId, rename] of this.read()) {
          if (this.disposed || !this.options.online.get()) return;
          try {
            await this.options.send(conversationId, rename);
          } catch (error) {
            // Unreachable or the server failing: kept for the next connection.
            if (!(error instanceof ApiError) || error.code === 'network_error' || error.status >= 500) return;
            this.refused.set({ conversationId, name: rename.name, message: error.message });
          }
          this.drop(conversationId, rename);
        }
      } while (this.again && !this.disposed);
    } finally {
      this.sending = false;
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const stop of this.stops.splice(0)) stop();
  }

  /** Removes a sent rename unless the person renamed again meanwhile (that one still waits). */
  private drop(conversationId: string, sent: PendingRename): void {
    const current = this.read();
    if (current.get(conversationId)?.renamedAt !== sent.renamedAt) return;
    const next = new Map(current);
    next.delete(conversationId);
    this.write(next);
  }

  private read(): ReadonlyMap<string, PendingRename> {
    // No storage (tests in Node): the store itself is the only copy.
    if (!this.options.storage) return this.memory;
    try {
      const raw = this.options.storage.getItem(keyOf(this.userId));
      if (!raw) return new Map();
      const parsed: unknown = JSON.parse(raw);
      if (!Array.isArray(parsed)) return new Map();
      return new Map(
        parsed.filter(
          (item): item is [string, PendingRename] =>
            Array.isArray(item) &&
            typeof item[0] === 'string' &&
            typeof (item[1] as Partial<PendingRename> | undefined)?.name === 'string' &&
            typeof (item[1] as Partial<PendingRename> | undefined)?.renamedAt === 'number',
        ),
      );
    } catch {
      return new Map();
    }
  }

  private write(next: ReadonlyMap<string, PendingRename>): void {
    this.memory = next;
    if (!this.disposed) {
      if (next.size === 0) this.options.storage?.removeItem(keyOf(this.userId));
      else this.options.storage?.setItem(keyOf(this.userId), JSON.stringify([...next]));
    }
    this.pending.set(next);
  }
}
