import type { MessageEntry } from '@messenjo/shared';
import type * as Y from 'yjs';
import { api } from '../api/client.ts';
import type { Store } from '../lib/store.ts';
import {
  broadcastTabChannel,
  electSocketLeader,
  IndexedDbPersistence,
  SyncClient,
  type AwarenessLink,
  type ConversationSegments,
  type SyncFacts,
  type SyncStatus,
} from '../sync/index.ts';
import { ConversationList } from './conversation-list/conversation-list.ts';
import { readFirstScreen, type FirstScreen } from './local-index/first-read.ts';
import { forgetLegacyDetailCache, LocalDb, syncDbName, type IndexedMessage } from './local-index/local-db.ts';
import { LocalIndex } from './local-index/local-index.ts';
import { Profiles } from './profiles.ts';
import { RefusalLog } from './refusals.ts';
import { SessionEnd, type ServerEnded } from './server-ended.ts';
import { SocialRefresh } from './social-refresh.ts';
import { UserDocument } from './user-document.ts';

export type { FriendsState, SocialSync } from './social-refresh.ts';

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

function syncUrl(): string {
  return `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/sync`;
}

/**
 * Everything one signed-in user runs on this device, joined: the sync client (one socket,
 * documents in IndexedDB), the device's index (`local-index/`), the conversation list
 * (`conversation-list/`), the social graph over HTTP (`social-refresh.ts`), names and pictures
 * (`profiles.ts`), the user document, refusals, and how the session ends (`server-ended.ts`).
 * Screens read its stores and call its methods, never the parts behind them; what else wants to
 * follow the user's data (notifications, search) subscribes here (`onMessagesAdded`,
 * `onMessagesIndexed`). Disposed on sign-out or when another user signs in, so nothing outlives
 * the account.
 */
export class DeviceSession {
  /** The device's connection as people see it (a closed set) and its unsent changes. */
  readonly status: Store<SyncStatus>;
  readonly pendingTotal: Store<number>;
  /** Facts of the documents (pending messages, synced) and the connection, for the screens' models. */
  readonly sync: SyncFacts;
  /** Typing: frames heard and sent through the socket of whichever tab holds it. */
  readonly awareness: AwarenessLink;
  /** The conversation list, latest activity first. */
  readonly conversations: ConversationList['rows'];
  /** False until the device's index has been read (then the list paints, even offline). */
  readonly listReady: ConversationList['ready'];
  readonly unreadTotal: ConversationList['unreadTotal'];
  /** Local changes to conversations not yet stored by the server (messages, mostly). */
  readonly unsentMessages: ConversationList['unsentMessages'];
  readonly friends: SocialRefresh['friends'];
  readonly social: SocialRefresh['social'];
  readonly profiles: Profiles['people'];
  /** The latest change of this device the server refused, until the person dismisses it. */
  readonly refusals: RefusalLog;
  /** The user's private document (read positions, drafts, settings). */
  readonly userDocument: UserDocument;

  private readonly client: SyncClient;
  private readonly index: LocalIndex;
  private readonly people: Profiles;
  private readonly list: ConversationList;
  private readonly socialGraph: SocialRefresh;
  private readonly end: SessionEnd;
  private readonly disposers: (() => void)[] = [];
  /** The documents' database when this session made it (closed on dispose, so it can be deleted). */
  private readonly ownPersistence: IndexedDbPersistence | undefined;
  private disposed = false;
  private disposing: Promise<void> | null = null;

  constructor(
    readonly userId: string,
    private readonly options: DeviceSessionOptions = {},
  ) {
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
    this.status = this.client.status;
    this.pendingTotal = this.client.pendingTotal;
    this.sync = this.client;
    this.awareness = this.client;
    this.index = new LocalIndex(options.db ?? new LocalDb(userId), userId);
    this.people = new Profiles(userId);
    this.profiles = this.people.people;
    this.userDocument = new UserDocument(this.client, userId);
    this.list = new ConversationList({
      client: this.client,
      me: userId,
      index: this.index,
      persistence: this.ownPersistence,
      nameOf: this.nameOf,
    });
    ({
      rows: this.conversations,
      ready: this.listReady,
      unreadTotal: this.unreadTotal,
      unsentMessages: this.unsentMessages,
    } = this.list);
    this.end = new SessionEnd({
      userId,
      dispose: () => this.dispose(),
      onSignedOut: options.onSignedOut,
      hearUnauthenticated: !options.fetchJson,
    });
    this.socialGraph = new SocialRefresh({
      me: userId,
      fetchJson: options.fetchJson ?? ((path) => api(path)),
      list: this.list,
      index: this.index,
      profiles: this.people,
      onUnauthenticated: () => void this.endedByServer('unauthenticated'),
      onProfileChanged: options.onProfileChanged,
    });
    ({ friends: this.friends, social: this.social } = this.socialGraph);
    this.refusals = new RefusalLog(this.client);
  }

  /** Paints from the device, then connects and keeps everything current. */
  async start(): Promise<void> {
    forgetLegacyDetailCache();
    this.disposers.push(
      this.client.onEvent((event) => this.socialGraph.heard(event)),
      this.client.status.subscribe(() => {
        const status = this.client.status.get();
        // A tab that follows another's socket mirrors its status: the reason is generic there.
        if (status === 'signed_out') void this.endedByServer(this.client.endedBy ?? 'unauthenticated');
        this.socialGraph.connection(status === 'online' || status === 'syncing');
      }),
      this.userDocument.watch((doc) => this.list.readFrom(doc)),
    );
    if (!this.options.client) this.client.start();
    await this.loadFromDevice();
    if (this.disposed) return;
    void this.userDocument.get();
    // A new device fills its index; a known one catches up on what changed while it was closed.
    void this.socialGraph.refresh();
  }

  private async loadFromDevice(): Promise<void> {
    let first: FirstScreen = { rows: [], profiles: [], friends: undefined };
    try {
      const early = this.options.firstRead;
      first = await (early
        ? early.catch(() => readFirstScreen(this.index.db))
        : readFirstScreen(this.index.db));
    } catch (error) {
      console.warn('local index unavailable', error);
    }
    if (this.disposed) return;
    this.people.add(first.profiles);
    this.socialGraph.showFromDevice(first.friends);
    this.list.showFromDevice(first.rows);
  }

  // ---- what the screens use ---------------------------------------------------------------

  /** Names for previews and server lines: known profiles, the user, else "someone". */
  nameOf = (userId: string): string => this.people.nameOf(userId);

  /**
   * The conversation's segments on this device: one shared instance, also used by the open pane.
   * The session owns it (its newest segment feeds the list): users never close it.
   */
  conversation(id: string): ConversationSegments {
    return this.list.conversation(id);
  }

  /** The user's private document (read positions, drafts, settings), opened once. */
  userDoc(): Promise<Y.Doc> {
    return this.userDocument.get();
  }

  /**
   * The conversation on screen (the app opened on its address): its newest segment opens now,
   * ahead of the idle batches, so the chat finds it loaded or loading.
   */
  openFirst(id: string): void {
    this.list.openFirst(id);
  }

  /** Asks the server for the social lists again. */
  refresh = (): Promise<void> => this.socialGraph.refresh();

  /** Runs a social action, then refreshes the lists; the action's error is rethrown for the caller. */
  act<T>(action: () => Promise<T>): Promise<T> {
    return this.socialGraph.act(action);
  }

  /** A conversation with its members: as last seen on this device, then from the server. */
  detail: SocialRefresh['detail'] = (id, fromServer) => this.socialGraph.detail(id, fromServer);

  // ---- what other parts of the app may follow ---------------------------------------------

  /**
   * Messages that reached a listed conversation's open segments (from the server, another tab,
   * or this device: compare the author with `userId`). Notifications hook here.
   */
  onMessagesAdded(listener: (conversationId: string, messages: MessageEntry[]) => void): () => void {
    return this.list.onMessagesAdded(listener);
  }

  /** What is written to the device's message index (new, edited, deleted messages): search hooks here. */
  onMessagesIndexed(listener: (put: IndexedMessage[], removed: string[]) => void): () => void {
    return this.list.onMessagesIndexed(listener);
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
    for (const dispose of this.disposers.splice(0)) dispose();
    this.end.close();
    this.list.dispose();
    this.userDocument.close();
    if (this.end.wiped) this.index.discard();
    else await this.index.flush();
    await this.client.stop();
    this.refusals.dispose();
    this.socialGraph.dispose();
    await this.ownPersistence?.close();
    this.index.close();
    this.people.people.clear();
  }
}
