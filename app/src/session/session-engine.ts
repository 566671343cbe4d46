import type { MessageEntry } from '@messenjo/shared';
import type * as Y from 'yjs';
import { api } from '../api/client.ts';
import type { Listeners } from '../lib/listeners.ts';
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
import { AttachmentSending } from './attachment-sending.ts';
import { ConversationList, type ListStores } from './conversation-list/conversation-list.ts';
import type { FirstScreen } from './local-index/first-read.ts';
import { forgetLegacyDetailCache, LocalDb, syncDbName } from './local-index/local-db.ts';
import { LocalIndex } from './local-index/local-index.ts';
import type { IndexedMessage } from './local-index/schema.ts';
import type { Profiles } from './profiles.ts';
import type { RefusalLog } from './refusals.ts';
import type { ServerEnded } from './server-ended.ts';
import { SocialRefresh, type FriendsState, type SocialSync } from './social-refresh.ts';
import { UserDocument } from './user-document.ts';

/** What the session hands its engine: the stores screens read, and where its events go. */
export interface EngineContext {
  userId: string;
  /** A client made elsewhere (tests); the engine then neither starts nor owns its socket. */
  client?: SyncClient;
  db?: LocalDb;
  /** GETs JSON from the API (tests replace it). */
  fetchJson?: <T>(path: string) => Promise<T>;
  /** The user's own profile changed elsewhere (name, picture). */
  onProfileChanged?: () => void;
  list: ListStores;
  social: { friends: Store<FriendsState>; social: Store<SocialSync> };
  connection: { status: Store<SyncStatus>; offline: Store<boolean>; pendingTotal: Store<number> };
  profiles: Profiles;
  refusals: RefusalLog;
  messagesAdded: Listeners<[string, MessageEntry[]]>;
  messagesIndexed: Listeners<[string, IndexedMessage[], string[]]>;
  /** The server ended the session (the socket said so, or a request was answered 401). */
  ended: (reason: ServerEnded) => void;
}

function syncUrl(): string {
  return `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/sync`;
}

/**
 * The device session's working half, loaded after the first paint (it brings Dexie, Yjs and the
 * sync client): the sync client (one socket, documents in IndexedDB), the device's index
 * (`local-index/`), the conversation list kept live from the documents (`conversation-list/`),
 * the social graph over HTTP (`social-refresh.ts`) and the user document. It publishes into the
 * stores of the `DeviceSession` that loaded it, which screens read from the first paint on.
 */
export class SessionEngine {
  /** Facts of the documents (pending messages, synced) and the connection, for the screens' models. */
  readonly sync: SyncFacts;
  /** Typing: frames heard and sent through the socket of whichever tab holds it. */
  readonly awareness: AwarenessLink;
  /** The user's private document (read positions, drafts, settings). */
  readonly userDocument: UserDocument;
  /** Messages with attachments, kept and uploaded until written (none with a client from elsewhere: tests). */
  readonly attachments: AttachmentSending | undefined;
  private readonly client: SyncClient;
  private readonly index: LocalIndex;
  private readonly list: ConversationList;
  private readonly social: SocialRefresh;
  private readonly disposers: (() => void)[] = [];
  /** The documents' database when this engine made it (closed on dispose, so it can be deleted). */
  private readonly ownPersistence: IndexedDbPersistence | undefined;
  private disposing: Promise<void> | null = null;

  constructor(private readonly context: EngineContext) {
    const { userId } = context;
    if (context.client) {
      this.client = context.client;
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
    this.sync = this.client;
    this.awareness = this.client;
    this.index = new LocalIndex(context.db ?? new LocalDb(userId), userId);
    this.userDocument = new UserDocument(this.client, userId);
    this.list = new ConversationList({
      client: this.client,
      stores: context.list,
      me: userId,
      index: this.index,
      persistence: this.ownPersistence,
      nameOf: context.profiles.nameOf,
    });
    this.social = new SocialRefresh({
      me: userId,
      stores: context.social,
      fetchJson: context.fetchJson ?? ((path) => api(path)),
      list: this.list,
      index: this.index,
      profiles: context.profiles,
      onUnauthenticated: (code) => context.ended(code),
      onProfileChanged: context.onProfileChanged,
    });
    context.refusals.listen(this.client);
    this.attachments = context.client
      ? undefined
      : new AttachmentSending({
          userId,
          status: this.client.status,
          conversation: (id) => this.conversation(id),
        });
  }

  /** Takes over from the first paint (`first`: what it read), then connects and keeps everything current. */
  start(first: FirstScreen): void {
    forgetLegacyDetailCache();
    const { connection } = this.context;
    // Waiting to send: the documents' changes, the messages whose files are still encrypted or
    // uploaded, and those waiting for their conversation to catch up (neither in a document
    // yet): signing out or closing the tab warns of all of them.
    let filesWaiting: { get(): readonly unknown[] } | undefined;
    const countPending = () =>
      connection.pendingTotal.set(
        this.client.pendingTotal.get() + (filesWaiting?.get().length ?? 0) + this.list.waitingWrites.get(),
      );
    void this.attachments?.outbox.then((outbox) => {
      if (this.disposing) return;
      filesWaiting = outbox.pending;
      this.disposers.push(outbox.pending.subscribe(countPending));
      countPending();
    });
    this.disposers.push(
      this.client.onEvent((event) => this.social.heard(event)),
      this.client.status.subscribe(() => {
        const status = this.client.status.get();
        connection.status.set(status);
        // A tab that follows another's socket mirrors its status without the reason: it waits
        // for the leader tab's session end, which tells every tab of the user why (server-ended.ts).
        // Acting on a guess here would wipe the data an expiry keeps (SE1).
        const endedBy = this.client.endedBy;
        if (status === 'signed_out' && endedBy) this.context.ended(endedBy);
        this.social.connection(status === 'online' || status === 'syncing');
      }),
      this.client.offline.subscribe(() => connection.offline.set(this.client.offline.get())),
      this.client.pendingTotal.subscribe(countPending),
      this.list.waitingWrites.subscribe(countPending),
      this.userDocument.watch((doc) => this.list.readFrom(doc)),
      this.list.onMessagesAdded((id, messages) => this.context.messagesAdded.emit(id, messages)),
      this.list.onMessagesIndexed((docId, put, removed) =>
        this.context.messagesIndexed.emit(docId, put, removed),
      ),
    );
    if (!this.context.client) this.client.start();
    connection.status.set(this.client.status.get());
    connection.offline.set(this.client.offline.get());
    this.social.showFromDevice(first.friends);
    this.list.showFromDevice(first.rows);
    void this.userDocument.get();
    // A new device fills its index; a known one catches up on what changed while it was closed.
    void this.social.refresh();
  }

  /**
   * The conversation's segments on this device: one shared instance, also used by the open pane.
   * The list owns it (its newest segment feeds the row): users never close it.
   */
  conversation(id: string): ConversationSegments {
    return this.list.conversation(id);
  }

  /** The user's private document (read positions, drafts, settings), opened once. */
  userDoc(): Promise<Y.Doc> {
    return this.userDocument.get();
  }

  /** The conversation on screen: its newest segment opens now, ahead of the idle batches. */
  openFirst(id: string): void {
    this.list.openFirst(id);
  }

  refresh(): Promise<void> {
    return this.social.refresh();
  }

  act<T>(action: () => Promise<T>): Promise<T> {
    return this.social.act(action);
  }

  detail(id: string, fromServer: boolean): ReturnType<SocialRefresh['detail']> {
    return this.social.detail(id, fromServer);
  }

  /** Stops syncing and closes the databases; `keep`: what waits to be written is written first. */
  dispose(keep: boolean): Promise<void> {
    // Shared by a second caller, which must not go on before the databases are closed.
    return (this.disposing ??= this.disposeNow(keep));
  }

  private async disposeNow(keep: boolean): Promise<void> {
    for (const dispose of this.disposers.splice(0)) dispose();
    this.attachments?.dispose();
    this.list.dispose();
    this.userDocument.close();
    if (keep) await this.index.flush();
    else this.index.discard();
    await this.client.stop();
    this.social.dispose();
    await this.ownPersistence?.close();
    this.index.close();
  }
}
