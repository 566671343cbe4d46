import {
  deleteMessage,
  editMessage,
  isSystemMessage,
  markPlayed,
  markRead,
  newMessageId,
  readMessages,
  readReceipts,
  segmentDocId,
  segmentOf,
  setDraft,
  SYNC_LIMITS,
  setReaction,
  setReceipt,
  userDocOf,
  type ReadPosition,
  type ReceiptEntry,
  userDocId,
} from '@messenjo/shared';
import type * as Y from 'yjs';
import type { PendingAttachmentView } from '../attachments/attachment-outbox.ts';
import type { VoiceFacts } from '../attachments/voice-analysis.ts';
import { Store } from '../lib/store.ts';
import type { AttachmentSending, ConversationSegments, SyncFacts } from '../session/index.ts';
import { readerPositions } from './receipts.ts';
import type { ChatMessage } from './types.ts';

/** What the conversation view shows, replaced as a whole on every change (a useSyncExternalStore snapshot). */
export interface ChatState {
  /** The newest segment is loaded (from the device, or the server for a new device). */
  ready: boolean;
  /** Loaded history, oldest first. */
  messages: ChatMessage[];
  /** How far each other member has read, as an index into `messages`. */
  readers: Map<string, number>;
  /**
   * The newest segment holds what the server has (or the device is offline, so what it holds is
   * all there is for now): the moment to decide where the conversation opens.
   */
  settled: boolean;
  /** The newest segment and the user document hold the server's state (`settled` without the offline cut-off). */
  synced: boolean;
  /**
   * This user's read position is known: the user document has the server's state, or the device
   * held a copy it had synced before (what was read up to then). With history on the device this
   * is enough to open at once, at the first unread message. Being offline does not make it known
   * (the view may open on `settled`, but the read position it finds later may still place it), and
   * nothing is marked read before it is: a read position written first would race the real one.
   */
  readKnown: boolean;
  /** Older segments exist that are not loaded yet. */
  hasOlder: boolean;
  /** This user's read position (private, synced between their devices). */
  readPosition: ReadPosition | undefined;
}

export interface ConversationModelOptions {
  /** Facts of the documents (pending messages, synced) and of the connection. */
  sync: SyncFacts;
  meId: string;
  segments: ConversationSegments;
  /** The user's private document (read positions, drafts). */
  userDoc: () => Promise<Y.Doc>;
  /** Sends messages with attachments; those still uploading are shown as pending (absent in tests). */
  attachments?: AttachmentSending;
}

const EMPTY: ChatState = {
  ready: false,
  settled: false,
  synced: false,
  readKnown: false,
  messages: [],
  readers: new Map(),
  hasOlder: false,
  readPosition: undefined,
};

/**
 * One open conversation, framework-free: its loaded history with each message's send status
 * and the others' receipts, re-read whenever any loaded segment changes (local or remote) or
 * the server acks; and the actions on it. React reads `state` and `draft` through
 * useSyncExternalStore.
 */
export class ConversationModel {
  readonly state = new Store<ChatState>(EMPTY);
  /** The draft of this conversation, changed here or on another of the user's devices. */
  readonly draft = new Store<string>('');
  readonly conversationId: string;
  private readonly sync: SyncFacts;
  private readonly meId: string;
  private readonly segments: ConversationSegments;
  private readonly watched = new Map<Y.Doc, () => void>();
  /** Per segment document, its messages as last read (re-read only when that document changes). */
  private readonly cache = new Map<Y.Doc, ChatMessage[]>();
  private readonly disposers: (() => void)[] = [];
  private userDoc: Y.Doc | undefined;
  private uploading: Store<readonly PendingAttachmentView[]> | undefined;
  /** Messages sent and shown, waiting to be written into their segment (`send`), by id. */
  private readonly writing = new Map<string, ChatMessage>();
  private ready = false;
  private scheduled = false;
  private closed = false;

  constructor(private readonly options: ConversationModelOptions) {
    this.sync = options.sync;
    this.meId = options.meId;
    this.segments = options.segments;
    this.conversationId = options.segments.conversationId;
    const userDoc = userDocId(this.meId);
    const segmentPrefix = `conv:${this.conversationId}:`;
    this.disposers.push(
      // A new, replaced or older segment, or a newer one opened.
      this.segments.subscribe(() => this.rewatch()),
      // Pending, sent, synced: the facts of this conversation's segments and of the user document.
      this.sync.onFacts((docId) => {
        if (docId === userDoc || docId.startsWith(segmentPrefix)) this.schedule();
      }),
      this.sync.status.subscribe(() => this.schedule()),
    );
  }

  /** Loads the newest segment and the user document; resolves when the first state is shown. */
  async start(): Promise<void> {
    const [userDoc, outbox] = await Promise.all([
      this.options.userDoc(),
      this.options.attachments?.outbox.catch(() => undefined),
      this.segments.openLatest(),
    ]);
    if (this.closed) return;
    this.userDoc = userDoc;
    if (outbox) {
      this.uploading = outbox.pending;
      this.disposers.push(outbox.pending.subscribe(() => this.schedule()));
    }
    const { readPositions, drafts } = userDocOf(userDoc);
    const onRead = (): void => this.schedule();
    const onDraft = (): void => this.draft.set(drafts.get(this.conversationId) ?? '');
    readPositions.observe(onRead);
    drafts.observe(onDraft);
    this.disposers.push(
      () => readPositions.unobserve(onRead),
      () => drafts.unobserve(onDraft),
    );
    onDraft();
    this.ready = true;
    this.rewatch();
  }

  /** Watches every loaded segment document (new ones appear: newer segment, older history, replaced). */
  private rewatch(): void {
    if (this.closed) return;
    const docs = new Set(this.segments.segments().map((s) => s.doc));
    for (const [doc, dispose] of this.watched) {
      if (docs.has(doc)) continue;
      dispose();
      this.watched.delete(doc);
      this.cache.delete(doc);
    }
    for (const doc of docs) {
      if (this.watched.has(doc)) continue;
      const onUpdate = (): void => {
        this.cache.delete(doc);
        this.schedule();
      };
      doc.on('update', onUpdate);
      this.watched.set(doc, () => doc.off('update', onUpdate));
      // It may have been read before it was watched (still loading): read it again.
      this.cache.delete(doc);
    }
    this.schedule();
  }

  /** Coalesces a burst of changes (a transaction per entry, a sync of many) into one new state. */
  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      if (!this.closed) this.state.set(this.compute());
    });
  }

  private compute(): ChatState {
    const loaded = [...this.segments.segments()].sort((a, b) => a.index - b.index);
    const pending = new Set<string>();
    const receipts: { segment: number; receipts: Map<string, ReceiptEntry> }[] = [];
    const messages: ChatMessage[] = [];
    for (const { index, doc } of loaded) {
      const facts = this.sync.facts(segmentDocId(this.conversationId, index));
      for (const id of facts.pendingMessageIds) pending.add(id);
      receipts.push({ segment: index, receipts: readReceipts(doc) });
      let read = this.cache.get(doc);
      if (!read) {
        read = readSegment(doc, index);
        // Only a watched document's reading stays valid: its changes clear it.
        if (this.watched.has(doc)) this.cache.set(doc, read);
      }
      messages.push(...read);
    }
    const previous = this.state.get();
    const fresh = messages.map((m) => (pending.has(m.id) ? { ...m, pending: true } : m));
    fresh.push(...this.stillUploading(messages, loaded.at(-1)?.index ?? 0, previous.messages));
    fresh.push(...this.stillWriting(messages, loaded.at(-1)?.index ?? 0));
    // Unchanged messages and readers keep their identity, so a change elsewhere (connection
    // status, a document that changed nothing shown) does not rebuild the view's rows.
    const withStatus = sameItems(previous.messages, fresh) ? previous.messages : fresh;
    const readers = readerPositions(withStatus, receipts, this.meId);
    const oldest = loaded[0]?.index;
    const newest = loaded.at(-1);
    const newestFacts = newest && this.sync.facts(segmentDocId(this.conversationId, newest.index));
    // Where the view opens depends on the read position too: on a new device the segment can be
    // synced (another device's session opened it earlier) before the user document arrives.
    const readFacts = this.sync.facts(userDocId(this.meId));
    // "offline" before the first connection attempt (a tab waiting to hold the socket) is not yet offline.
    const cutOff = this.sync.isOffline() || this.sync.status.get() === 'signed_out';
    const newestSettled = newestFacts !== undefined && (newestFacts.synced || newestFacts.denied);
    return {
      ready: this.ready,
      settled: this.ready && (cutOff || (newestSettled && readFacts.synced)),
      synced: this.ready && newestSettled && readFacts.synced,
      readKnown: this.ready && (readFacts.synced || readFacts.syncedBefore),
      messages: withStatus,
      readers: sameReaders(previous.readers, readers) ? previous.readers : readers,
      hasOlder: oldest !== undefined && oldest > 0,
      readPosition: this.userDoc ? userDocOf(this.userDoc).readPositions.get(this.conversationId) : undefined,
    };
  }

  /** Messages sent here and not written yet (`send`), after the written ones, in the order sent. */
  private stillWriting(written: ChatMessage[], segment: number): ChatMessage[] {
    if (this.writing.size === 0) return [];
    const ids = new Set(written.map((m) => m.id));
    return [...this.writing.values()]
      .filter((m) => !ids.has(m.id))
      .map((m) => {
        if (m.segment === segment) return m;
        const placed = { ...m, segment };
        this.writing.set(m.id, placed);
        return placed;
      });
  }

  /** This conversation's messages whose files are still uploading, after the written ones. */
  private stillUploading(written: ChatMessage[], segment: number, previous: ChatMessage[]): ChatMessage[] {
    const views = this.uploading?.get().filter((view) => view.message.conversationId === this.conversationId);
    if (!views?.length) return [];
    const ids = new Set(written.map((m) => m.id));
    const before = new Map(previous.map((m) => [m.id, m]));
    return views
      .filter((view) => !ids.has(view.message.id))
      .map(({ message, facts }) => {
        const shown = before.get(message.id);
        if (shown?.upload === facts) return shown;
        const row: ChatMessage = {
          id: message.id,
          author: message.author,
          text: message.text,
          sentAt: message.sentAt,
          edited: false,
          deleted: false,
          reactions: [],
          segment,
          pending: true,
          attachments: message.attachments,
          upload: facts,
        };
        if (message.replyTo !== undefined) row.replyTo = message.replyTo;
        return row;
      });
  }

  // ---- actions ---------------------------------------------------------------------------

  /**
   * Sends a message (shown at once, pending until the server acks it) and clears the draft. It is
   * shown from memory while its segment catches up with the server (ConversationSegments.send),
   * then from the document.
   */
  async send(text: string, replyTo?: string): Promise<string> {
    const shown: ChatMessage = {
      id: newMessageId(),
      author: this.meId,
      text,
      sentAt: Date.now(),
      edited: false,
      deleted: false,
      reactions: [],
      segment: 0,
      pending: true,
    };
    if (replyTo !== undefined) shown.replyTo = replyTo;
    this.writing.set(shown.id, shown);
    this.schedule();
    // Cleared now: what she types while it waits is a new draft.
    this.setDraft('');
    try {
      await this.segments.send(this.meId, text, replyTo, { id: shown.id, sentAt: shown.sentAt });
    } finally {
      this.writing.delete(shown.id);
      this.schedule();
    }
    return shown.id;
  }

  /**
   * Sends files with a caption: encrypted on the device, shown at once as pending with progress,
   * written into the conversation once uploaded. Rejects with a sentence when they cannot be sent.
   */
  async sendFiles(
    files: readonly File[],
    caption: string,
    replyTo: string | undefined,
    keepMetadata: boolean,
  ) {
    if (!this.options.attachments) throw new Error('Files cannot be sent from here.');
    // Cleared now: what she types while the files are encrypted is a new draft (restored on failure).
    this.setDraft('');
    await this.options.attachments.send({
      conversationId: this.conversationId,
      author: this.meId,
      files,
      caption,
      keepMetadata,
      ...(replyTo === undefined ? {} : { replyTo }),
    });
  }

  /** Gives up a message of mine whose files are still uploading or were refused (AttachmentSending.discard). */
  async discardUpload(messageId: string): Promise<void> {
    await this.options.attachments?.discard(messageId);
  }

  /**
   * Sends a recorded voice note, with its length and waveform measured on the device: like files,
   * encrypted here, shown at once as pending, written once uploaded.
   */
  async sendVoice(recording: File, voice: VoiceFacts, replyTo: string | undefined): Promise<void> {
    if (!this.options.attachments) throw new Error('Voice notes cannot be sent from here.');
    await this.options.attachments.send({
      conversationId: this.conversationId,
      author: this.meId,
      files: [recording],
      caption: '',
      keepMetadata: false,
      voice,
      ...(replyTo === undefined ? {} : { replyTo }),
    });
  }

  /** This user has played someone else's voice note: its author sees "Played" (PL1). Once only. */
  markPlayed(message: ChatMessage): void {
    if (message.author === this.meId || message.pending || message.playedBy?.includes(this.meId)) return;
    const doc = this.docOf(message);
    if (doc) markPlayed(doc, message.id, this.meId, Date.now());
  }

  private docOf(message: ChatMessage): Y.Doc | undefined {
    return this.segments.docOf(message.segment);
  }

  edit(message: ChatMessage, text: string): void {
    const doc = this.docOf(message);
    if (doc && message.author === this.meId) editMessage(doc, message.id, text, Date.now());
  }

  /** Deletes (own messages; others' in a group when this user is owner or admin — the server checks). */
  remove(message: ChatMessage): void {
    const doc = this.docOf(message);
    if (doc) deleteMessage(doc, message.id, this.meId, Date.now());
  }

  react(message: ChatMessage, emoji: string, on: boolean): void {
    const doc = this.docOf(message);
    if (doc) setReaction(doc, message.id, this.meId, emoji, on);
  }

  /** Older history: the segment before the oldest loaded; false at the beginning. */
  loadOlder(): Promise<boolean> {
    return this.segments.loadOlder();
  }

  /**
   * Saves the draft to the user document. A draft over the message limit (the composer refuses to
   * send it) is saved cut at the limit: the server refuses a longer one, and a refused update
   * would cost the user document's other unsent changes (read positions, theme).
   */
  setDraft(text: string): void {
    const chars = [...text];
    const saved =
      chars.length > SYNC_LIMITS.MAX_MESSAGE_CHARS
        ? chars.slice(0, SYNC_LIMITS.MAX_MESSAGE_CHARS).join('')
        : text;
    if (this.userDoc && (userDocOf(this.userDoc).drafts.get(this.conversationId) ?? '') !== saved)
      setDraft(this.userDoc, this.conversationId, saved);
  }

  /**
   * The person has seen everything loaded: moves the private read position to the newest
   * message and, when `receipt` (the conversation is writable), this user's receipt to the
   * newest message someone else wrote (RC1). Both only move forward; nothing is written when
   * nothing changed.
   */
  markRead(receipt: boolean): void {
    const { messages, readKnown } = this.state.get();
    const newest = messages.at(-1);
    // Before the read position is known, "read up to the newest" would race the real one (a
    // concurrent set in the user document: either may win) and lose what the person had not read.
    if (!newest || !this.userDoc || newest.pending || !readKnown) return;
    const position: ReadPosition = { segment: newest.segment, messageId: newest.id, at: Date.now() };
    const current = userDocOf(this.userDoc).readPositions.get(this.conversationId);
    if (current === undefined || this.isAfter(position, current))
      markRead(this.userDoc, this.conversationId, position, (a, b) => this.isAfter(a, b));
    if (!receipt) return;
    // System lines need no receipt: the newest message someone wrote is what "read" is about.
    const theirs = messages.findLast((m) => m.author !== this.meId && !m.pending && !m.system);
    const doc = theirs && this.docOf(theirs);
    if (theirs && doc) setReceipt(doc, this.meId, theirs.id, Date.now());
  }

  private isAfter(a: ReadPosition, b: ReadPosition): boolean {
    if (a.segment !== b.segment) return a.segment > b.segment;
    const doc = this.segments.docOf(a.segment);
    if (!doc) return false;
    const ids = segmentOf(doc)
      .messages.toArray()
      .map((m) => m.id);
    return ids.indexOf(a.messageId) > ids.indexOf(b.messageId);
  }

  close(): void {
    this.closed = true;
    for (const dispose of this.disposers.splice(0)) dispose();
    for (const dispose of this.watched.values()) dispose();
    this.watched.clear();
    this.cache.clear();
  }
}

/** A segment's messages with edits, deletions and reactions folded in, and system lines marked. */
function readSegment(doc: Y.Doc, segment: number): ChatMessage[] {
  const raw = segmentOf(doc).messages.toArray();
  return readMessages(doc).map((view, i) => {
    const entry = raw[i];
    const message: ChatMessage = { ...view, segment, pending: false };
    if (entry && isSystemMessage(entry)) message.system = entry.system;
    return message;
  });
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

function sameReaders(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [id, at] of a) if (b.get(id) !== at) return false;
  return true;
}
