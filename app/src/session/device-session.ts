import {
  userDocId,
  userDocOf,
  type ConversationDetail,
  type ConversationListEntry,
  type FriendsResponse,
  type ReadPosition,
  type UserEvent,
  type UserSummary,
} from '@messenjo/shared';
import type * as Y from 'yjs';
import { api, ApiError, onUnauthenticated } from '../api/client.ts';
import { Store } from '../lib/store.ts';
import { MessageSearch } from '../search/message-search.ts';
import {
  broadcastTabChannel,
  ConversationSegments,
  electSocketLeader,
  IndexedDbPersistence,
  SyncClient,
  type SyncStatus,
} from '../sync/index.ts';
import { ConversationWatch } from './conversation-watch.ts';
import { readFirstScreen, type FirstScreen } from './first-read.ts';
import {
  deleteLocalData,
  forgetLegacyDetailCache,
  LocalDb,
  syncDbName,
  type IndexedMessage,
} from './local-db.ts';
import {
  countUnreadIndexed,
  orderConversations,
  unreadTotal,
  type ConversationRow,
  type LocalColumns,
} from './list-columns.ts';
import { RefusalLog } from './refusals.ts';
import { isServerEnded, type ServerEnded } from './server-ended.ts';

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

export interface DeviceSessionOptions {
  /** A client made elsewhere (tests); the session then neither starts nor owns its socket. */
  client?: SyncClient;
  db?: LocalDb;
  /** The first screen's data, read before the session existed (first-read.ts); read here when absent. */
  firstRead?: Promise<FirstScreen>;
  /** GETs JSON from the API (tests replace it). */
  fetchJson?: <T>(path: string) => Promise<T>;
  /** The user's own profile changed elsewhere (name, picture). */
  onProfileChanged?: () => void;
  /**
   * This user is signed out of this device: by the server (`ended`: revoked, account deleted,
   * session gone — the user's data is already removed from the device), or in another tab.
   */
  onSignedOut?: (ended?: ServerEnded) => void;
}

const signOutChannelName = (userId: string): string => `messenjo-signed-out-${userId}`;

/**
 * How many conversations' newest segments open together after the list painted: each one is a
 * Yjs decode of a few ms, so a few per idle slot keep the first paint and an opened chat ahead.
 */
const OPEN_BATCH = 6;

/** Runs `run` when the page is idle (after the next paint), else soon; returns a cancel. */
function whenIdle(run: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(run, { timeout: 100 });
    return () => cancelIdleCallback(handle);
  }
  const handle = setTimeout(run, 0);
  return () => clearTimeout(handle);
}

const EMPTY_FRIENDS: FriendsResponse = { friends: [], incoming: [], outgoing: [], blocked: [] };

function syncUrl(): string {
  return `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/sync`;
}

/**
 * Everything one signed-in user runs on this device: the sync client (one socket, documents in
 * IndexedDB), the device's own index (Dexie), and the stores the screens read. The list,
 * names and pictures come from the index first, then live from the documents: each
 * conversation's newest segment is kept open, so a message updates its row (preview, time,
 * unread badge) in the same frame, without a request. HTTP is for the social graph: a new
 * device's first fill and social changes announced on the socket. Disposed on sign-out or when
 * another user signs in, so nothing outlives the account.
 */
export class DeviceSession {
  readonly client: SyncClient;
  readonly db: LocalDb;
  /** The conversation list, latest activity first. */
  readonly conversations = new Store<readonly ConversationRow[]>([]);
  /** False until the device's index has been read (then the list paints, even offline). */
  readonly listReady = new Store(false);
  readonly friends = new Store<FriendsState>({ lists: EMPTY_FRIENDS, loaded: false });
  readonly profiles = new Store<ReadonlyMap<string, UserSummary>>(new Map());
  readonly social = new Store<SocialSync>({ error: null, version: 0 });
  readonly unreadTotal = new Store(0);
  /** Local changes to conversations not yet stored by the server (messages, mostly). */
  readonly unsentMessages = new Store(0);
  /** The latest change of this device the server refused, until the person dismisses it. */
  readonly refusals: RefusalLog;
  /** Full-text search over the messages on this device (a worker, fed the index's changes). */
  readonly search: MessageSearch;

  private readonly rows = new Map<string, ConversationRow>();
  private readonly watches = new Map<string, ConversationWatch>();
  private readonly conversationsById = new Map<string, ConversationSegments>();
  private readonly disposers: (() => void)[] = [];
  private readonly fetchJson: <T>(path: string) => Promise<T>;
  /** The documents' database when this session made it (closed on dispose, so it can be deleted). */
  private readonly ownPersistence: IndexedDbPersistence | undefined;
  private user: Y.Doc | null = null;
  private userDocPromise: Promise<Y.Doc> | null = null;
  private stopObservingUser = (): void => {};
  private disposed = false;
  private disposing: Promise<void> | null = null;
  private ending: Promise<void> | null = null;
  /** This user's data was removed from the device (here or in another tab): write nothing more. */
  private wiped = false;
  private refreshing: Promise<void> | null = null;
  private refreshAgain = false;
  private dirtyRows = new Set<string>();
  private rowsFlush: ReturnType<typeof setTimeout> | undefined;
  private indexWrites: Promise<unknown> = Promise.resolve();
  private publishQueued = false;
  /** Conversations waiting for their newest segment to be opened, in list order. */
  private readonly toWatch = new Set<string>();
  /** Conversations of the batch opening now: their rows publish once, when the batch is done. */
  private readonly opening = new Set<string>();
  private cancelWatchBatch: (() => void) | null = null;

  constructor(
    readonly userId: string,
    private readonly options: DeviceSessionOptions = {},
  ) {
    this.fetchJson = options.fetchJson ?? ((path) => api(path));
    this.db = options.db ?? new LocalDb(userId);
    if (options.client) {
      this.client = options.client;
    } else {
      const tabs = broadcastTabChannel(`messenjo-tabs-${userId}`);
      this.ownPersistence = new IndexedDbPersistence(syncDbName(userId));
      this.client = new SyncClient({
        url: syncUrl(),
        persistence: this.ownPersistence,
        tabs,
        onError: (error) => console.warn('sync', error),
      });
      this.disposers.push(electSocketLeader(this.client), () => tabs.close());
    }
    this.refusals = new RefusalLog(this.client);
    this.search = new MessageSearch(userId);
    // Another tab signed this user out and removes the data: stop writing and leave too.
    if (typeof BroadcastChannel !== 'undefined') {
      const channel = new BroadcastChannel(signOutChannelName(userId));
      channel.onmessage = (event: MessageEvent<unknown>) => {
        this.wiped = true;
        void this.dispose();
        this.options.onSignedOut?.(isServerEnded(event.data) ? event.data : undefined);
      };
      this.disposers.push(() => channel.close());
    }
    // Any API call answered 401: the session is gone on the server.
    if (!options.fetchJson)
      this.disposers.push(onUnauthenticated(() => void this.endedByServer('unauthenticated')));
  }

  /**
   * Before this user's data is removed: this session and the user's sessions in other tabs
   * stop writing (a late write would bring a deleted database back).
   */
  async disposeForWipe(ended?: ServerEnded): Promise<void> {
    if (typeof BroadcastChannel !== 'undefined') {
      const channel = new BroadcastChannel(signOutChannelName(this.userId));
      channel.postMessage(ended ?? 'wiped');
      channel.close();
    }
    this.wiped = true;
    await this.dispose();
  }

  /**
   * The server ended this device's session (revoked from another device, account deleted, an
   * HTTP 401): the same as signing out here, without the choice — whatever is unsent can no
   * longer be sent by this session, and a device signed out remotely (lost, shared) must not
   * keep the conversations. Stops every tab of the user, deletes both databases, then reports.
   */
  endedByServer(reason: ServerEnded): Promise<void> {
    return (this.ending ??= (async () => {
      await this.disposeForWipe(reason);
      await deleteLocalData(this.userId).catch((error: unknown) =>
        console.warn('local data not removed', error),
      );
      this.options.onSignedOut?.(reason);
    })());
  }

  /** Paints from the device, then connects and keeps everything current. */
  async start(): Promise<void> {
    forgetLegacyDetailCache();
    this.listenToClient();
    if (!this.options.client) this.client.start();
    await this.loadFromDevice();
    if (this.disposed) return;
    void this.userDoc();
    this.search.startSoon();
    this.watchSoon(this.conversations.get().map((row) => row.id));
    // A new device fills its index; a known one catches up on what changed while it was closed.
    void this.refresh();
  }

  private listenToClient(): void {
    let wasOnline = false;
    let connectedBefore = false;
    this.disposers.push(
      this.client.onEvent((event) => this.onEvent(event)),
      this.client.status.subscribe(() => {
        const status: SyncStatus = this.client.status.get();
        // A tab that follows another's socket mirrors its status: the reason is generic there.
        if (status === 'signed_out') void this.endedByServer(this.client.endedBy ?? 'unauthenticated');
        const online = status === 'online' || status === 'syncing';
        // Back online after a break, or online for the first time after a start whose request
        // failed (offline start): catch up on social changes missed while away.
        const neverAnswered = this.social.get().version === 0 && this.refreshing === null;
        if (online && !wasOnline && (connectedBefore || neverAnswered)) void this.refresh();
        if (online) connectedBefore = true;
        wasOnline = online;
      }),
      this.client.pendingTotal.subscribe(() => {
        for (const watch of this.watches.values()) watch.refreshPending();
      }),
      this.client.onDocReplaced((docId, doc) => {
        if (docId === userDocId(this.userId)) {
          this.userDocPromise = Promise.resolve(doc);
          return this.observeUser(doc);
        }
        for (const watch of this.watches.values())
          if (docId.startsWith(`conv:${watch.conversationId}:`)) watch.rescan();
      }),
    );
  }

  private onEvent(event: UserEvent): void {
    // New messages reach this device through the documents it holds open: no refetch for them.
    if (
      event.type === 'conversation.changed' &&
      event.cause === 'messages' &&
      this.watches.has(event.conversationId)
    )
      return;
    if (event.type === 'user.changed' && event.userId === this.userId) this.options.onProfileChanged?.();
    void this.refresh();
    // A group's members changed: learn their names, so server lines read "Ann added Ben".
    if (
      (event.type === 'conversation.changed' || event.type === 'membership.changed') &&
      this.rows.get(event.conversationId)?.kind === 'group'
    ) {
      const id = event.conversationId;
      this.detail(id, true).then(
        () => this.watches.get(id)?.recompute(),
        () => undefined,
      );
    }
  }

  // ---- the device's index -----------------------------------------------------------------

  private async loadFromDevice(): Promise<void> {
    try {
      const early = this.options.firstRead;
      const { rows, profiles, friends } = await (early
        ? early.catch(() => readFirstScreen(this.db))
        : readFirstScreen(this.db));
      if (this.disposed) return;
      // What the server said meanwhile (a fast first fill) is newer than the index.
      for (const row of rows) if (!this.rows.has(row.id)) this.rows.set(row.id, row);
      this.addProfiles(profiles);
      if (friends && !this.friends.get().loaded) this.friends.set({ lists: friends.value, loaded: true });
      // A conversation opened first (openFirst) may have computed its columns before its row was here.
      for (const watch of this.watches.values()) watch.recompute();
    } catch (error) {
      console.warn('local index unavailable', error);
    }
    this.publish();
    this.listReady.set(true);
  }

  private addProfiles(people: readonly UserSummary[]): void {
    if (people.length === 0) return;
    const next = new Map(this.profiles.get());
    for (const person of people) next.set(person.id, person);
    this.profiles.set(next);
  }

  /** Names for previews and server lines: known profiles, the user, else "someone". */
  nameOf = (userId: string): string => {
    if (userId === this.userId) return 'You';
    const person = this.profiles.get().get(userId);
    return person ? person.displayName || person.username : 'someone';
  };

  private publish(): void {
    const ordered = orderConversations([...this.rows.values()]);
    this.conversations.set(ordered);
    this.unreadTotal.set(unreadTotal(ordered));
    this.unsentMessages.set(ordered.reduce((sum, row) => sum + (row.local?.pending ?? 0), 0));
  }

  private markDirty(id: string): void {
    this.dirtyRows.add(id);
    // The next task, not later: a reload right after a change must find the row stored.
    this.rowsFlush ??= setTimeout(() => void this.flushRows(), 0);
  }

  private async flushRows(): Promise<void> {
    this.rowsFlush = undefined;
    const ids = [...this.dirtyRows];
    this.dirtyRows.clear();
    const put = ids.flatMap((id) => {
      const row = this.rows.get(id);
      return row ? [row] : [];
    });
    const removed = ids.filter((id) => !this.rows.has(id));
    await this.db
      .transaction('rw', this.db.conversations, async () => {
        if (put.length > 0) await this.db.conversations.bulkPut(put);
        if (removed.length > 0) await this.db.conversations.bulkDelete(removed);
      })
      .catch((error: unknown) => console.warn('local index not written', error));
  }

  private onColumns(conversationId: string, local: LocalColumns): void {
    const row = this.rows.get(conversationId);
    if (!row) return;
    this.rows.set(conversationId, { ...row, local });
    this.markDirty(conversationId);
    if (!this.opening.has(conversationId)) this.publishSoon();
  }

  /**
   * Publishes at the end of the current task: many conversations computing at once (start, a
   * reconnect) make one new list, and a single message still repaints in the same frame.
   */
  private publishSoon(): void {
    if (this.publishQueued) return;
    this.publishQueued = true;
    queueMicrotask(() => {
      this.publishQueued = false;
      if (!this.disposed) this.publish();
    });
  }

  private onIndex(docId: string, length: number, put: IndexedMessage[], removed: string[]): void {
    this.search.indexed(docId, put, removed);
    const db = this.db;
    this.indexWrites = this.indexWrites
      .then(() =>
        db.transaction('rw', db.messages, db.kept, async () => {
          if (put.length > 0) await db.messages.bulkPut(put);
          if (removed.length > 0) await db.messages.bulkDelete(removed);
          await db.kept.put({ key: `indexed:${docId}`, value: length });
        }),
      )
      .catch((error: unknown) => console.warn('message index not written', error));
  }

  // ---- documents --------------------------------------------------------------------------

  /**
   * The conversation's segments on this device: one shared instance, also used by the open pane.
   * The session owns it (its newest segment feeds the list): users never close it.
   */
  conversation(id: string): ConversationSegments {
    let segments = this.conversationsById.get(id);
    if (!segments) {
      // With the device's storage, the newest known segment survives an offline reload.
      segments = new ConversationSegments(this.client, id, this.ownPersistence);
      this.conversationsById.set(id, segments);
    }
    return segments;
  }

  /** The user's private document (read positions, drafts, settings), opened once. */
  userDoc(): Promise<Y.Doc> {
    return (this.userDocPromise ??= this.client.open(userDocId(this.userId)).then((doc) => {
      if (!this.disposed && this.user === null) this.observeUser(doc);
      return doc;
    }));
  }

  private observeUser(doc: Y.Doc): void {
    this.stopObservingUser();
    this.user = doc;
    const { readPositions } = userDocOf(doc);
    // Read on this device or another: those conversations' badges follow at once.
    const onRead = (event: Y.YMapEvent<ReadPosition>): void => {
      for (const id of event.keysChanged as Set<string>) this.watches.get(id)?.recompute();
    };
    readPositions.observe(onRead);
    this.stopObservingUser = () => readPositions.unobserve(onRead);
    for (const watch of this.watches.values()) watch.recompute();
  }

  private readPosition(conversationId: string): ReadPosition | undefined {
    return this.user ? userDocOf(this.user).readPositions.get(conversationId) : undefined;
  }

  /**
   * Watches these conversations after the list painted, a batch per idle slot, with one list
   * publish per batch: at start every conversation's newest segment would otherwise be decoded
   * (and the list re-rendered once per conversation) before anything else could paint.
   */
  private watchSoon(ids: readonly string[]): void {
    for (const id of ids) if (!this.watches.has(id)) this.toWatch.add(id);
    if (this.toWatch.size > 0 && this.cancelWatchBatch === null && this.opening.size === 0)
      this.cancelWatchBatch = whenIdle(() => void this.watchBatch());
  }

  private async watchBatch(): Promise<void> {
    this.cancelWatchBatch = null;
    if (this.disposed) return;
    const batch: string[] = [];
    for (const id of this.toWatch) {
      this.toWatch.delete(id);
      if (!this.rows.has(id) || this.watches.has(id)) continue;
      batch.push(id);
      if (batch.length === OPEN_BATCH) break;
    }
    for (const id of batch) this.opening.add(id);
    await Promise.all(batch.map((id) => this.watch(id)));
    for (const id of batch) this.opening.delete(id);
    if (this.disposed) return;
    if (batch.length > 0) this.publishSoon();
    this.watchSoon([]);
  }

  /**
   * The conversation on screen (the app opened on its address): its newest segment opens now,
   * ahead of the idle batches, so the chat finds it loaded or loading.
   */
  openFirst(id: string): void {
    void this.watch(id);
  }

  /** Keeps the conversation's newest segment open and its row current; resolves once it is open. */
  private watch(id: string): Promise<void> {
    if (this.watches.has(id) || this.disposed) return Promise.resolve();
    const watch = new ConversationWatch(this.conversation(id), {
      client: this.client,
      me: this.userId,
      readPosition: (c) => this.readPosition(c),
      nameOf: this.nameOf,
      onColumns: (c, columns) => this.onColumns(c, columns),
      onIndex: (docId, length, put, removed) => this.onIndex(docId, length, put, removed),
      indexedLength: async (docId) =>
        ((await this.db.kept.get(`indexed:${docId}`))?.value as number | undefined) ?? 0,
      countIndexed: async (conversationId, position, below) => {
        await this.indexWrites;
        const rows = await this.db.messages.where('conversationId').equals(conversationId).toArray();
        return countUnreadIndexed(rows, position, this.userId, below);
      },
    });
    this.watches.set(id, watch);
    return watch.segments.openLatest().catch((error: unknown) => console.warn('segment not opened', error));
  }

  private unwatch(id: string): void {
    this.watches.get(id)?.dispose();
    this.watches.delete(id);
    this.conversationsById.delete(id);
  }

  // ---- the social graph over HTTP ---------------------------------------------------------

  /** Asks the server for the lists; overlapping calls collapse into one more run. */
  refresh = (): Promise<void> => {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        try {
          const [list, friends] = await Promise.all([
            this.fetchJson<{ conversations: ConversationListEntry[] }>('/api/conversations'),
            this.fetchJson<FriendsResponse>('/api/friends'),
          ]);
          if (this.disposed) return;
          this.applyServerLists(list.conversations, friends);
        } catch (error) {
          if (this.disposed) return;
          if (error instanceof ApiError && error.status === 401) {
            void this.endedByServer('unauthenticated');
            return;
          }
          this.social.update((s) => ({
            ...s,
            error: error instanceof Error ? error.message : String(error),
          }));
        }
      } while (this.refreshAgain);
    })().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  };

  private applyServerLists(entries: ConversationListEntry[], friends: FriendsResponse): void {
    const listed = new Set(entries.map((e) => e.id));
    for (const id of [...this.rows.keys()]) {
      if (listed.has(id)) continue;
      this.rows.delete(id);
      this.unwatch(id);
      this.markDirty(id);
      void this.db.details.delete(id).catch(() => undefined);
    }
    for (const entry of entries) {
      this.rows.set(entry.id, { ...entry, local: this.rows.get(entry.id)?.local ?? null });
      this.markDirty(entry.id);
    }
    const people = [
      ...entries.flatMap((e) => (e.peer ? [e.peer] : [])),
      ...friends.friends,
      ...friends.incoming,
      ...friends.outgoing,
      ...friends.blocked,
    ].map(({ id, username, displayName, picture }) => ({ id, username, displayName, picture }));
    this.addProfiles(people);
    void this.db.profiles.bulkPut(people).catch(() => undefined);
    void this.db.kept.put({ key: 'friends', value: friends }).catch(() => undefined);
    this.friends.set({ lists: friends, loaded: true });
    this.watchSoon(orderConversations([...this.rows.values()]).map((row) => row.id));
    this.publish();
    this.listReady.set(true);
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
    if (!fromServer) return this.db.details.get(id).catch(() => undefined);
    const detail = await this.fetchJson<ConversationDetail>(`/api/conversations/${encodeURIComponent(id)}`);
    if (!this.disposed) {
      void this.db.details.put(detail).catch(() => undefined);
      this.addProfiles(
        // Former members too (NM2): the list's preview and search name their messages.
        [...detail.members, ...(detail.formerMembers ?? [])].map(
          ({ id: m, username, displayName, picture }) => ({
            id: m,
            username,
            displayName,
            picture,
          }),
        ),
      );
    }
    return detail;
  }

  // ---- the end ----------------------------------------------------------------------------

  /** Stops syncing and closes the databases; what is stored stays (see sign-out.ts to remove it). */
  dispose(): Promise<void> {
    // A second call (sign-out racing a 401) waits for the first: the databases may be deleted after.
    return (this.disposing ??= this.disposeNow());
  }

  private async disposeNow(): Promise<void> {
    this.disposed = true;
    for (const dispose of this.disposers.splice(0)) dispose();
    this.cancelWatchBatch?.();
    this.search.dispose();
    this.toWatch.clear();
    this.stopObservingUser();
    for (const id of [...this.watches.keys()]) this.unwatch(id);
    clearTimeout(this.rowsFlush);
    if (!this.wiped) {
      await this.flushRows();
      await this.indexWrites;
    }
    await this.client.stop();
    this.refusals.dispose();
    await this.ownPersistence?.close();
    this.db.close();
    for (const store of [
      this.conversations,
      this.friends,
      this.profiles,
      this.social,
      this.unreadTotal,
      this.unsentMessages,
      this.listReady,
    ])
      store.clear();
  }
}
