import type { SystemEntry } from '@messenjo/shared';

/**
 * Server events between modules (accounts, social graph, sync socket). In the process that
 * committed the change, handlers run synchronously in publish order, so "membership ended" has
 * unsubscribed every socket of this process before the request that ended it returns. With
 * REDIS_URL the same events also reach the other server processes (`cluster/cluster-bus.ts`),
 * a few milliseconds later, where only handlers subscribed for the whole cluster run.
 */
export type ServerEvent =
  /** A session was deleted (sign-out, revoked from another device, expiry, account deletion). */
  | { type: 'session.revoked'; userId: string; sessionId: string }
  /** Profile fields (username, display name, picture) changed; devices refresh what they show. */
  | { type: 'user.changed'; userId: string }
  /** The account is gone; every socket of it closes. */
  | { type: 'user.deleted'; userId: string }
  /** A user's membership of a conversation began, ended, or changed role. */
  | {
      type: 'membership.changed';
      conversationId: string;
      userId: string;
      change: 'added' | 'removed' | 'left' | 'role';
    }
  /** Friendship, request or block between two users changed; both users' devices refresh. */
  | { type: 'relationship.changed'; userIds: [string, string] }
  /** A conversation's name, picture, settings or state changed; every member's list refreshes. */
  | { type: 'conversation.changed'; conversationId: string; cause?: 'messages' }
  /**
   * Something happened that the conversation itself should record for everyone to read
   * ("‹name› renamed the group to ‹new name›"); the sync engine appends it to the document.
   */
  | { type: 'conversation.system'; conversationId: string; entry: SystemEntry };

export type ServerEventType = ServerEvent['type'];
export type EventOf<T extends ServerEventType> = Extract<ServerEvent, { type: T }>;
export type Disposer = () => void;

/**
 * Where a handler runs. `cluster` (the default): in every server process, for what each process
 * holds itself (its sockets, its caches). `origin`: only in the process that published the event,
 * for work done once for everyone (a durable write, a system line in a document).
 */
export type HandlerScope = 'cluster' | 'origin';

export interface EventBus {
  /** An event of a change this process committed: every handler here, then the other processes. */
  publish(event: ServerEvent): void;
  subscribe<T extends ServerEventType>(
    type: T,
    handler: (event: EventOf<T>) => void,
    scope?: HandlerScope,
  ): Disposer;
}

/** The in-process bus, and the door events from other processes come in by. */
export interface LocalEventBus extends EventBus {
  /** An event another process published: only `cluster` handlers run. */
  receive(event: ServerEvent): void;
}

export function createEventBus(onHandlerError: (error: unknown, event: ServerEvent) => void): LocalEventBus {
  const handlers = new Map<
    ServerEventType,
    Set<{ run: (event: ServerEvent) => void; scope: HandlerScope }>
  >();
  const deliver = (event: ServerEvent, fromOrigin: boolean): void => {
    for (const handler of [...(handlers.get(event.type) ?? [])]) {
      if (!fromOrigin && handler.scope === 'origin') continue;
      try {
        handler.run(event);
      } catch (error) {
        // One failing subscriber must not stop the others (e.g. the socket hub closing sockets).
        onHandlerError(error, event);
      }
    }
  };
  return {
    publish: (event) => deliver(event, true),
    receive: (event) => deliver(event, false),
    subscribe(type, handler, scope = 'cluster') {
      const set = handlers.get(type) ?? new Set();
      handlers.set(type, set);
      const entry = { run: handler as (event: ServerEvent) => void, scope };
      set.add(entry);
      return () => {
        set.delete(entry);
      };
    },
  };
}

export type { SystemEntry };
