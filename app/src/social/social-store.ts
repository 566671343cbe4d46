import type { ConversationListEntry, FriendsResponse } from '@messenjo/shared';
import { api } from '../api/client.ts';

export interface SocialState {
  conversations: ConversationListEntry[];
  friends: FriendsResponse;
  loaded: boolean;
  /** The last refresh failure, shown quietly; the previous lists stay on screen. */
  error: string | null;
}

type Listener = () => void;

const EMPTY: SocialState = {
  conversations: [],
  friends: { friends: [], incoming: [], outgoing: [], blocked: [] },
  loaded: false,
  error: null,
};

/**
 * The conversation list and the friends lists, framework-free. The server is the authority:
 * every change (ours, or one pushed by the sync socket's user events) is followed by a refresh,
 * and overlapping refreshes collapse into one.
 */
export class SocialStore {
  private state: SocialState = EMPTY;
  private readonly listeners = new Set<Listener>();
  private inFlight: Promise<void> | null = null;
  private again = false;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): SocialState => this.state;

  /** Reloads both lists; a refresh requested while one runs runs once more afterwards. */
  refresh = (): Promise<void> => {
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    this.inFlight = (async () => {
      do {
        this.again = false;
        try {
          const [list, friends] = await Promise.all([
            api<{ conversations: ConversationListEntry[] }>('/api/conversations'),
            api<FriendsResponse>('/api/friends'),
          ]);
          this.set({ conversations: list.conversations, friends, loaded: true, error: null });
        } catch (error) {
          this.set({ ...this.state, error: error instanceof Error ? error.message : String(error) });
        }
      } while (this.again);
    })().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  };

  /** Runs an action against the API, then refreshes; the action's error is rethrown for the caller to show. */
  async act<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } finally {
      void this.refresh();
    }
  }

  reset(): void {
    this.set(EMPTY);
  }

  private set(next: SocialState): void {
    this.state = next;
    for (const listener of this.listeners) listener();
  }
}

export const socialStore = new SocialStore();
