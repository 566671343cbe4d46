import { encodeServerFrame, type SystemEntry, type UserEvent } from '@messenjo/shared';
import type { MembershipStore } from '../../conversations/membership-store.ts';
import type { Disposer, EventBus } from '../../events/bus.ts';
import type { Logger } from '../../logger.ts';
import type { Peer } from './connection-host.ts';
import type { ConversationPolicy } from './conversation-policy.ts';

/** What the server's events act on: the sockets of a user, and a conversation's newest segment. */
export interface UserEventTargets {
  logger: Logger;
  /** A copy of the user's open sockets (handlers may close them while iterating). */
  socketsOf(userId: string): Peer[];
  /** A mark of the sockets admitted so far… */
  admissionMark(): number;
  /** …and whether a socket was admitted by then. */
  admittedBy(peer: Peer, mark: number): boolean;
  memberships: MembershipStore;
  conversations?: ConversationPolicy;
  /** SYS1: appends a server-authored entry to the conversation's newest segment. */
  writeSystemEntry(conversationId: string, entry: SystemEntry): void;
  /** Resolves once what is on its way to a commit now (system entries included) has committed. */
  committed(): Promise<void>;
}

/**
 * The bus events the sync socket acts on: live authorization (LA1, LA2), user events on the
 * socket (EV1) and system entries (SYS1). Handlers run synchronously, so "membership ended" has
 * unsubscribed every socket of the user before the request that ended it returns.
 */
export function listenToUserEvents(bus: EventBus, targets: UserEventTargets): Disposer[] {
  const forUser = (userId: string, run: (peer: Peer) => unknown): void => {
    for (const peer of targets.socketsOf(userId)) run(peer);
  };
  const tell = (userId: string, event: UserEvent): void => {
    const frame = encodeServerFrame({ type: 'event', event });
    forUser(userId, (peer) => peer.sendRaw(frame));
  };
  /** Role reads under way per user and conversation: only the newest one's answer is applied. */
  const roleReads = new Map<string, number>();
  const applyRole = async (conversationId: string, userId: string): Promise<void> => {
    const key = `${userId}\n${conversationId}`;
    const read = (roleReads.get(key) ?? 0) + 1;
    roleReads.set(key, read);
    try {
      const roles = await targets.memberships.activeRoles(userId, [conversationId]);
      if (roleReads.get(key) !== read) return; // a later change's read decides
      const role = roles.get(conversationId) ?? null;
      forUser(userId, (peer) => {
        for (const sub of peer.subscriptions.values())
          if (sub.conversationId === conversationId) sub.role = role;
      });
    } finally {
      if (roleReads.get(key) === read) roleReads.delete(key);
    }
  };

  const membershipChanged = (
    conversationId: string,
    userId: string,
    change: 'added' | 'removed' | 'left' | 'role',
  ): void => {
    if (change === 'removed' || change === 'left') {
      // LA1: every socket of the user stops receiving the conversation before this returns.
      forUser(userId, (peer) => {
        for (const [docId, sub] of [...peer.subscriptions]) {
          if (sub.conversationId !== conversationId) continue;
          peer.unsubscribe(docId);
          peer.send({ type: 'denied', docId, reason: 'membership_ended' });
        }
      });
    } else if (change === 'role') {
      applyRole(conversationId, userId).catch((err: unknown) =>
        targets.logger.error('role change not applied to sockets', { conversationId, userId, err }),
      );
    }
    tell(userId, { type: 'membership.changed', conversationId, change });
  };

  const conversationChanged = (conversationId: string, cause: 'messages' | undefined): void => {
    const audience = targets.conversations?.audience(conversationId) ?? Promise.resolve([]);
    const event: UserEvent =
      cause === undefined
        ? { type: 'conversation.changed', conversationId }
        : { type: 'conversation.changed', conversationId, cause };
    // Events after commit: the system line a group change writes (conversation.system, published
    // right after this) commits first, so a device that refetches the list reads it.
    // One frame for every member's sockets: a busy conversation changes about once a second.
    const frame = encodeServerFrame({ type: 'event', event });
    // The sockets open now (the members are read meanwhile): one that connects later reads the change.
    const mark = targets.admissionMark();
    queueMicrotask(() => {
      Promise.all([audience, targets.committed()])
        .then(([members]) => {
          for (const userId of new Set(members))
            for (const peer of targets.socketsOf(userId))
              if (targets.admittedBy(peer, mark)) peer.sendRaw(frame);
        })
        .catch((err: unknown) =>
          targets.logger.error('conversation change not told', { conversationId, err }),
        );
    });
  };

  return [
    bus.subscribe('session.revoked', (e) =>
      forUser(e.userId, (peer) => peer.auth.sessionId === e.sessionId && peer.close('session_revoked')),
    ),
    bus.subscribe('user.deleted', (e) => forUser(e.userId, (peer) => peer.close('user_deleted'))),
    bus.subscribe('membership.changed', (e) => membershipChanged(e.conversationId, e.userId, e.change)),
    bus.subscribe('user.changed', (e) => tell(e.userId, { type: 'user.changed', userId: e.userId })),
    bus.subscribe('relationship.changed', (e) => {
      for (const userId of e.userIds) tell(userId, { type: 'relationship.changed' });
    }),
    bus.subscribe('conversation.changed', (e) => conversationChanged(e.conversationId, e.cause)),
    // Once, by the process that committed the change; the line reaches the others as an update.
    bus.subscribe(
      'conversation.system',
      (e) => targets.writeSystemEntry(e.conversationId, e.entry),
      'origin',
    ),
  ];
}
