import type { SystemEntry } from '@messenjo/shared';

/**
 * Server events between modules (accounts, social graph, sync socket). In-process today; a
 * Redis or NATS implementation of the same interface will carry them between server processes.
 * Handlers run synchronously in publish order, so "membership ended" has unsubscribed every
 * socket before the request that ended it returns.
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

export interface EventBus {
  publish(event: ServerEvent): void;
  subscribe<T extends ServerEventType>(type: T, handler: (event: EventOf<T>) => void): Disposer;
}

export function createEventBus(onHandlerError: (error: unknown, event: ServerEvent) => void): EventBus {
  const handlers = new Map<ServerEventType, Set<(event: ServerEvent) => void>>();
  return {
    publish(event) {
      for (const handler of [...(handlers.get(event.type) ?? [])]) {
        try {
          handler(event);
        } catch (error) {
          // One failing subscriber must not stop the others (e.g. the socket hub closing sockets).
          onHandlerError(error, event);
        }
      }
    },
    subscribe(type, handler) {
      const set = handlers.get(type) ?? new Set();
      handlers.set(type, set);
      const wrapped = handler as (event: ServerEvent) => void;
      set.add(wrapped);
      return () => {
        set.delete(wrapped);
      };
    },
  };
}

export type { SystemEntry };
