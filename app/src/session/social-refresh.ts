import type {
  ConversationDetail,
  ConversationListEntry,
  FriendsResponse,
  UserEvent,
  UserSummary,
} from '@messenjo/shared';
import { sessionEnded, type Unauthenticated } from '../api/client.ts';
import { Store } from '../lib/store.ts';
import type { ConversationList } from './conversation-list/conversation-list.ts';
import type { KeptFriends } from './local-index/schema.ts';
import type { LocalIndex } from './local-index/local-index.ts';
import type { Profiles } from './profiles.ts';

export interface FriendsState {
  lists: FriendsResponse;
  /** Whether the lists come from the device or the server (false: nothing known yet). */
  loaded: boolean;
}

export interface SocialSync {
  /** The last refresh failure (offline, server down): shown quietly, the lists stay. */
  error: string | null;
  /** Counts the server's answers: what depends on social data (a conversation's members) reloads. */
  version: number;
}

export interface SocialRefreshOptions {
  me: string;
  /** The stores it publishes into (the session's), else its own. */
  stores?: { friends: Store<FriendsState>; social: Store<SocialSync> };
  /** GETs JSON from the API. */
  fetchJson: <T>(path: string) => Promise<T>;
  list: ConversationList;
  index: LocalIndex;
  profiles: Profiles;
  /** The server answered 401: the session is gone there (expired, or signed out: SE1). */
  onUnauthenticated: (code: Unauthenticated) => void;
  /** The user's own profile changed elsewhere (name, picture). */
  onProfileChanged?: () => void;
}

const EMPTY_FRIENDS: FriendsResponse = { friends: [], incoming: [], outgoing: [], blocked: [] };

/** The social stores as a session starts: nothing known yet. */
export function socialStores(): { friends: Store<FriendsState>; social: Store<SocialSync> } {
  return {
    friends: new Store<FriendsState>({ lists: EMPTY_FRIENDS, loaded: false }),
    social: new Store<SocialSync>({ error: null, version: 0 }),
  };
}

const summary = ({ id, username, displayName, picture }: UserSummary): UserSummary => ({
  id,
  username,
  displayName,
  picture,
});

/**
 * The social graph over HTTP: the server is its authority, so the lists (conversations, friends)
 * are asked on start (a new device's first fill, a known one's catch-up), after each social
 * action, on a user event, and when the socket comes back after a break; the answers go into
 * the list, the profiles and the index. New messages never come this way: they arrive in the
 * documents.
 */
export class SocialRefresh {
  readonly friends: Store<FriendsState>;
  readonly social: Store<SocialSync>;
  private refreshing: Promise<void> | null = null;
  private again = false;
  private wasOnline = false;
  private connectedBefore = false;
  private disposed = false;

  constructor(private readonly options: SocialRefreshOptions) {
    ({ friends: this.friends, social: this.social } = options.stores ?? socialStores());
  }

  /** The friends lists the device's index held (before the server answers). */
  showFromDevice(friends: KeptFriends | undefined): void {
    if (friends && !this.friends.get().loaded) this.friends.set({ lists: friends.value, loaded: true });
  }

  /** Asks the server for the lists; overlapping calls collapse into one more run. */
  refresh = (): Promise<void> => {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.again = false;
        try {
          const [list, friends] = await Promise.all([
            this.options.fetchJson<{ conversations: ConversationListEntry[] }>('/api/conversations'),
            this.options.fetchJson<FriendsResponse>('/api/friends'),
          ]);
          if (this.disposed) return;
          this.show(list.conversations, friends);
        } catch (error) {
          if (this.disposed) return;
          const ended = sessionEnded(error);
          if (ended) return this.options.onUnauthenticated(ended);
          this.social.update((s) => ({
            ...s,
            error: error instanceof Error ? error.message : String(error),
          }));
        }
      } while (this.again);
    })().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  };

  private show(entries: ConversationListEntry[], friends: FriendsResponse): void {
    const { list, index, profiles } = this.options;
    const people = [
      ...entries.flatMap((e) => (e.peer ? [e.peer] : [])),
      ...friends.friends,
      ...friends.incoming,
      ...friends.outgoing,
      ...friends.blocked,
    ].map(summary);
    profiles.add(people);
    index.saveProfiles(people);
    index.saveFriends(friends);
    this.friends.set({ lists: friends, loaded: true });
    list.showFromServer(entries);
    this.social.update((s) => ({ error: null, version: s.version + 1 }));
  }

  /** Runs a social action, then refreshes the lists; the action's error is rethrown for the caller. */
  async act<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } finally {
      void this.refresh();
    }
  }

  /** A conversation with its members: as last seen on this device, then from the server. */
  async detail(id: string, fromServer: boolean): Promise<ConversationDetail | undefined> {
    if (!fromServer) return this.options.index.detail(id);
    const detail = await this.options.fetchJson<ConversationDetail>(
      `/api/conversations/${encodeURIComponent(id)}`,
    );
    if (!this.disposed) {
      this.options.index.saveDetail(detail);
      // Former members too (NM2): the list's preview and search name their messages.
      this.options.profiles.add([...detail.members, ...(detail.formerMembers ?? [])].map(summary));
    }
    return detail;
  }

  /** A user event on the socket: the social graph changed somewhere. */
  heard(event: UserEvent): void {
    const { list } = this.options;
    // New messages reach this device through the documents it holds open: no refetch for them.
    if (
      event.type === 'conversation.changed' &&
      event.cause === 'messages' &&
      list.isLive(event.conversationId)
    )
      return;
    if (event.type === 'user.changed' && event.userId === this.options.me) this.options.onProfileChanged?.();
    void this.refresh();
    // A group's members changed: learn their names, so server lines read "Ann added Ben".
    if (
      (event.type === 'conversation.changed' || event.type === 'membership.changed') &&
      list.kindOf(event.conversationId) === 'group'
    ) {
      const id = event.conversationId;
      this.detail(id, true).then(
        () => list.recompute(id),
        () => undefined,
      );
    }
  }

  /**
   * The connection changed: back online after a break, or online for the first time after a
   * start whose request failed (offline start), catches up on social changes missed while away.
   */
  connection(online: boolean): void {
    const neverAnswered = this.social.get().version === 0 && this.refreshing === null;
    if (online && !this.wasOnline && (this.connectedBefore || neverAnswered)) void this.refresh();
    if (online) this.connectedBefore = true;
    this.wasOnline = online;
  }

  dispose(): void {
    this.disposed = true;
    this.friends.clear();
    this.social.clear();
  }
}
