import type { ConversationDetail, MessageEntry, UserSummary } from '@messenjo/shared';
import type * as Y from 'yjs';
import { afterNextPaint } from '../lib/after-paint.ts';
import { Listeners } from '../lib/listeners.ts';
import { Store } from '../lib/store.ts';
import { MessageSearch } from '../search/message-search.ts';
import type { SyncClient, SyncStatus } from '../sync/index.ts';
import { orderConversations, unreadTotal, type ConversationRow } from './conversation-list/list-columns.ts';
import { readFirstScreen, type FirstConversation, type FirstScreen } from './local-index/first-read.ts';
import type { LocalDb } from './local-index/local-db.ts';
import type { IndexedMessage } from './local-index/schema.ts';
import { Profiles } from './profiles.ts';
import { RefusalLog } from './refusals.ts';
import { PendingRenames } from './pending-renames.ts';
import { api } from '../api/client.ts';
import { SessionEnd, type ServerEnded } from './server-ended.ts';
import type { SessionEngine } from './session-engine.ts';
import { socialStores, type FriendsState, type SocialSync } from './social-refresh.ts';

export type { FriendsState, SocialSync } from './social-refresh.ts';

export interface DeviceSessionOptions {
  /** A client made elsewhere (tests); the session then neither starts nor owns its socket. */
  client?: SyncClient;
  db?: LocalDb;
  /** The first screen's data, read before the session existed (first-read.ts); read here when absent. */
  firstRead?: Promise<FirstScreen>;
  /**
   * That read's answer when it came before the session was made: shown as the session starts,
   * synchronously, so the children's first render already holds the list and the opening
   * conversation's newest messages.
   */
  firstScreen?: FirstScreen;
  /** GETs JSON from the API (tests replace it). */
  fetchJson?: <T>(path: string) => Promise<T>;
  /** The user's own profile changed elsewhere (name, picture). */
  onProfileChanged?: () => void;
  /** The user's name: after an expiry the sign-in page asks for this person (expired-account.ts). */
  displayName?: string;
  /**
   * This user is signed out of this device: by the server (`ended`: revoked, account deleted,
   * session gone — the user's data is already removed from the device; expired — it is kept
   * for the same person's next sign-in), or in another tab.
   */
  onSignedOut?: (ended?: ServerEnded) => void;
}

/** What the chat and the theme use of the working session: documents, their facts, typing. */
export type SessionParts = Pick<
  SessionEngine,
  'sync' | 'awareness' | 'userDocument' | 'conversation' | 'userDoc' | 'attachments'
>;

/**
 * Everything one signed-in user runs on this device, as the screens see it: the stores they read
 * and the calls they make. It is light on purpose: made at once, it paints the list (and the
 * newest messages of the conversation on the address) from a plain IndexedDB read of the
 * device's index, while its working half (`session-engine.ts`: the sync client, the Dexie index,
 * the live list, the social refresh; Dexie and Yjs with them) loads in its own chunk and then
 * publishes into the same stores. What needs the documents waits for `parts()`. What else wants
 * to follow the user's data (notifications, search) subscribes here (`onMessagesAdded`,
 * `onMessagesIndexed`). How it ends when the server ends it is `server-ended.ts`. Disposed on
 * sign-out or when another user signs in, so nothing outlives the account.
 */
export class DeviceSession {
  /** The conversation list, latest activity first. */
  readonly conversations = new Store<readonly ConversationRow[]>([]);
  /** False until the device's index has been read (then the list paints, even offline). */
  readonly listReady = new Store(false);
  readonly unreadTotal = new Store(0);
  /** Local changes to conversations not yet stored by the server (messages, mostly). */
  readonly unsentMessages = new Store(0);
  readonly friends: Store<FriendsState>;
  readonly social: Store<SocialSync>;
  /** Names and pictures of the people this device knows. */
  readonly profiles: Store<ReadonlyMap<string, UserSummary>>;
  /** The device's connection as people see it (a closed set) and its unsent changes. */
  readonly status = new Store<SyncStatus>('offline');
  /** Known to be offline (a connection attempt ended, or the browser says so): what the banner says. */
  readonly offline = new Store(false);
  readonly pendingTotal = new Store(0);
  /** The latest change of this device the server refused, until the person dismisses it. */
  readonly refusals = new RefusalLog();
  /** The conversation on the address as the first read found it (its newest messages), once read. */
  readonly firstConversation = new Store<FirstConversation | null>(null);
  /** Full-text search over the messages on this device (a worker, fed the index's changes). */
  readonly search: MessageSearch;
  /** Group renames accepted offline, sent when the server is reachable (pending-renames.ts). */
  readonly renames: PendingRenames;
  /**
   * Everything made on this device that the server has not stored yet: the documents' changes
   * (`pendingTotal`) and the waiting group renames. The warnings before closing the tab and
   * before signing out read it: either would leave them unsent (or, signing out, lose them).
   */
  readonly unsent = {
    get: (): number => this.pendingTotal.get() + this.renames.pending.get().size,
    subscribe: (listener: () => void): (() => void) => {
      const stops = [this.pendingTotal.subscribe(listener), this.renames.pending.subscribe(listener)];
      return () => {
        for (const stop of stops) stop();
      };
    },
  };

  private readonly people: Profiles;
  private readonly end: SessionEnd;
  private readonly messagesAdded = new Listeners<[string, MessageEntry[]]>();
  private readonly messagesIndexed = new Listeners<[string, IndexedMessage[], string[]]>();
  private engine: Promise<SessionEngine> | null = null;
  /** Resolves once the first screen is painted: the working half loads behind it, never before. */
  readonly painted: Promise<void>;
  private paintedNow: () => void = () => {};
  private paintedDone = false;
  private loaded: SessionEngine | null = null;
  private disposed = false;
  private disposing: Promise<void> | null = null;

  constructor(
    readonly userId: string,
    private readonly options: DeviceSessionOptions = {},
  ) {
    this.painted = new Promise((resolve) => (this.paintedNow = resolve));
    this.people = new Profiles(userId);
    this.profiles = this.people.people;
    ({ friends: this.friends, social: this.social } = socialStores());
    this.search = new MessageSearch(userId);
    this.renames = new PendingRenames(userId, {
      send: (id, { name, renamedAt }) =>
        this.act(() =>
          api(`/api/groups/${encodeURIComponent(id)}`, { method: 'PATCH', body: { name, renamedAt } }),
        ),
      online: {
        get: () => ['online', 'syncing'].includes(this.status.get()),
        subscribe: this.status.subscribe,
      },
      storage: typeof localStorage === 'undefined' ? undefined : localStorage,
      events: typeof window === 'undefined' ? undefined : window,
    });
    this.messagesIndexed.add((docId, put, removed) => this.search.indexed(docId, put, removed));
    this.end = new SessionEnd({
      userId,
      name: () => options.displayName ?? '',
      dispose: () => this.dispose(),
      onSignedOut: options.onSignedOut,
      hearUnauthenticated: !options.fetchJson,
    });
  }

  /** Paints from the device, then loads the working half, which connects and keeps everything current. */
  async start(): Promise<void> {
    const first = this.options.firstScreen ?? (await this.readFirst());
    if (this.disposed) return;
    // Marks for profiling a start (docs/benchmarks.md, "The app in Chromium").
    performance.mark('messenjo:first-read');
    this.show(first);
    await afterNextPaint();
    this.paintedDone = true;
    this.paintedNow();
    const engine = await this.parts().catch(() => null);
    if (!engine || this.disposed) return;
    performance.mark('messenjo:engine-loaded');
    engine.start(first);
    this.search.startSoon();
  }

  private async readFirst(): Promise<FirstScreen> {
    const read = this.options.firstRead ?? readFirstScreen(this.userId);
    try {
      return await read.catch(() => readFirstScreen(this.userId));
    } catch (error) {
      console.warn('local index unavailable', error);
      return { rows: [], profiles: [], friends: undefined };
    }
  }

  /** The first paint: the list's rows, names and pictures, friends, the opening conversation. */
  private show(first: FirstScreen): void {
    this.people.add(first.profiles);
    if (first.friends) this.friends.set({ lists: first.friends.value, loaded: true });
    const ordered = orderConversations(first.rows);
    this.conversations.set(ordered);
    this.unreadTotal.set(unreadTotal(ordered));
    this.unsentMessages.set(ordered.reduce((sum, row) => sum + (row.local?.pending ?? 0), 0));
    if (first.opening) this.firstConversation.set(first.opening);
    this.listReady.set(true);
  }

  /** The working half: documents, their facts, typing, the user document (loaded once). */
  parts(): Promise<SessionEngine> {
    return (this.engine ??= this.painted.then(async () => {
      const { SessionEngine } = await import('./session-engine.ts');
      // Ended meanwhile (a 401 before the chunk arrived): made now, it would open (and so bring
      // back) the documents' database that the end has just deleted.
      if (this.disposed) throw new Error('The session has ended.');
      const engine = new SessionEngine({
        userId: this.userId,
        client: this.options.client,
        db: this.options.db,
        fetchJson: this.options.fetchJson,
        onProfileChanged: this.options.onProfileChanged,
        list: {
          rows: this.conversations,
          ready: this.listReady,
          unreadTotal: this.unreadTotal,
          unsentMessages: this.unsentMessages,
        },
        social: { friends: this.friends, social: this.social },
        connection: { status: this.status, offline: this.offline, pendingTotal: this.pendingTotal },
        profiles: this.people,
        refusals: this.refusals,
        messagesAdded: this.messagesAdded,
        messagesIndexed: this.messagesIndexed,
        ended: (reason) => void this.endedByServer(reason),
      });
      this.loaded = engine;
      // Asked for after the session ended: it goes at once, so nothing it opened outlives the session.
      if (this.disposed) void engine.dispose(!this.end.wiped);
      return engine;
    }));
  }

  // ---- what the screens use ---------------------------------------------------------------

  /** Names for previews and server lines: known profiles, the user, else "someone". */
  nameOf = (userId: string): string => this.people.nameOf(userId);

  /**
   * The conversation on screen (the app opened on its address): its newest segment opens as soon
   * as the working half is here, ahead of the idle batches, so the chat finds it loaded or loading.
   */
  openFirst(id: string): void {
    this.parts().then(
      (engine) => {
        if (!this.disposed) engine.openFirst(id);
      },
      () => {}, // the session ended first: nothing to open
    );
  }

  /**
   * The user's private document (read positions, drafts, settings, mutes), opened once with the
   * working half; rejects when the session ended before that loaded.
   */
  userDoc = async (): Promise<Y.Doc> => (await this.parts()).userDoc();

  /** Asks the server for the social lists again. */
  refresh = async (): Promise<void> => (await this.parts()).refresh();

  /** Runs a social action, then refreshes the lists; the action's error is rethrown for the caller. */
  async act<T>(action: () => Promise<T>): Promise<T> {
    return (await this.parts()).act(action);
  }

  /** A conversation with its members: as last seen on this device, then from the server. */
  async detail(id: string, fromServer: boolean): Promise<ConversationDetail | undefined> {
    return (await this.parts()).detail(id, fromServer);
  }

  // ---- what other parts of the app may follow ---------------------------------------------

  /**
   * Messages that reach a listed conversation's open segments (from the server, another tab, or
   * this device: compare the author with `userId`). Notifications hook here.
   */
  onMessagesAdded(listener: (conversationId: string, messages: MessageEntry[]) => void): () => void {
    return this.messagesAdded.add(listener);
  }

  /**
   * What is written to the device's message index (new, edited, deleted messages), per segment
   * document (`docId`): the search index hooks here.
   */
  onMessagesIndexed(listener: (docId: string, put: IndexedMessage[], removed: string[]) => void): () => void {
    return this.messagesIndexed.add(listener);
  }

  // ---- the end ----------------------------------------------------------------------------

  /** Before this user's data is removed: this session and the user's other tabs stop writing. */
  disposeForWipe(ended?: ServerEnded): Promise<void> {
    return this.end.disposeForWipe(ended);
  }

  /** The server ended this device's session: see server-ended.ts. */
  endedByServer(reason: ServerEnded): Promise<void> {
    return this.end.endedByServer(reason);
  }

  /** Stops syncing and closes the databases; what is stored stays (see sign-out.ts to remove it). */
  dispose(): Promise<void> {
    // A second call (sign-out racing a 401) waits for the first: the databases may be deleted after.
    return (this.disposing ??= this.disposeNow());
  }

  private async disposeNow(): Promise<void> {
    this.disposed = true;
    this.end.close();
    // A working half still loading is disposed once here: nothing it opens may outlive the session.
    // (Before the first paint it was never asked for: it loads only behind that paint.)
    const engine = this.loaded ?? (this.paintedDone ? await this.engine?.catch(() => null) : null);
    await engine?.dispose(!this.end.wiped);
    // Its worker holds the search index's files open: stopped before sign-out deletes them.
    this.search.dispose();
    this.renames.dispose();
    this.refusals.dispose();
    this.messagesAdded.clear();
    this.messagesIndexed.clear();
    for (const store of [
      this.conversations,
      this.listReady,
      this.unreadTotal,
      this.unsentMessages,
      this.friends,
      this.social,
      this.profiles,
      this.status,
      this.offline,
      this.pendingTotal,
      this.firstConversation,
    ])
      store.clear();
  }
}
