import { UPDATE_ID_BYTES, type CloseReason, type DenyReason } from '@messenjo/shared';
import * as Y from 'yjs';
import { Listeners } from '../../lib/listeners.ts';
import type { DocPersistence, OutboxEntry } from './persistence.ts';
import { carriedChanges, hasChanges, type CarriedChanges } from './rebase.ts';

/** Transaction origins, so the update listener knows where a change came from. */
export const FROM_SERVER = Symbol('from-server');
export const FROM_LEADER_TAB = Symbol('from-leader-tab');
export const FROM_FOLLOWER_TAB = Symbol('from-follower-tab');
export const FROM_STORAGE = Symbol('from-storage');

export type DocState = 'loading' | 'idle' | 'subscribing' | 'synced' | 'denied';

/** One document on this device: its Y.Doc, how far it has the server's log, and its unacked updates. */
export class DocEntry {
  doc = new Y.Doc();
  seq = 0;
  /** Held the server's state once, on this run or an earlier one (persistence.ts `syncedBefore`). */
  syncedBefore = false;
  state: DocState = 'loading';
  /** Local updates not yet acked, by ref, in the order they were made. */
  readonly outbox = new Map<number, Uint8Array>();
  /** Each unacked update's basis (POS2): what this device had seen when it made it. */
  readonly bases = new Map<number, Uint8Array>();
  /** Each unacked update's id (SEQ3): the same in every retry, so the server stores it once. */
  readonly updateIds = new Map<number, Uint8Array>();
  /** The messages each unacked update appends, decoded once (the "pending" messages). */
  private readonly appended = new Map<number, string[]>();
  private pendingIds: ReadonlySet<string> | null = null;
  nextRef = 1;
  /** The server lacked a dependency of an update: resend the outbox when more arrives. */
  deferred = false;
  /** What the updates after a refused one did, to be made again once the server's state is here. */
  carried: CarriedChanges | null = null;
  readonly loaded: Promise<void>;
  private writes: Promise<void> = Promise.resolve();

  constructor(
    readonly docId: string,
    private readonly persistence: DocPersistence,
    private readonly onPersistError: (error: unknown) => void,
  ) {
    this.loaded = this.loadFromStorage();
  }

  private async loadFromStorage(): Promise<void> {
    const stored = await this.persistence.load(this.docId);
    Y.transact(
      this.doc,
      () => {
        for (const update of stored.updates) Y.applyUpdate(this.doc, update, FROM_STORAGE);
        for (const { update } of stored.outbox) Y.applyUpdate(this.doc, update, FROM_STORAGE);
      },
      FROM_STORAGE,
    );
    this.seq = stored.seq;
    this.syncedBefore = stored.syncedBefore;
    this.adoptOutbox(stored.outbox);
    if (stored.carried) this.carried = stored.carried;
    if (stored.updates.length > 200)
      this.persist((p) => p.replaceUpdates(this.docId, Y.encodeStateAsUpdate(this.doc)));
    if (this.state === 'loading') this.state = 'idle';
  }

  /** Takes over stored unacked updates (after load, or when this tab becomes the leader). */
  adoptOutbox(stored: OutboxEntry[]): void {
    for (const { ref, update, basis, updateId } of stored) {
      if (!this.outbox.has(ref)) this.enqueue(ref, update, basis, updateId);
      else if (basis && !this.bases.has(ref)) this.bases.set(ref, basis);
      this.nextRef = Math.max(this.nextRef, ref + 1);
    }
  }

  /**
   * Adds an unacked update to the outbox (in memory; the caller stores it). One stored before
   * protocol 3 has no id: it gets one now (in memory; it was never sent with an id).
   */
  enqueue(ref: number, update: Uint8Array, basis: Uint8Array | undefined, updateId = newUpdateId()): void {
    this.outbox.set(ref, update);
    if (basis) this.bases.set(ref, basis);
    this.updateIds.set(ref, updateId);
    this.appended.set(ref, messageIdsInUpdate(update));
    this.pendingIds = null;
  }

  /** UP1: a local change gets the next ref and is stored with its basis (POS2); returns the ref. */
  queue(update: Uint8Array, basis: Uint8Array): number {
    const ref = this.nextRef++;
    const updateId = newUpdateId();
    this.enqueue(ref, update, basis, updateId);
    this.persist(async (p) => {
      await p.appendUpdate(this.docId, update);
      await p.addOutbox(this.docId, ref, update, basis, updateId);
    });
    return ref;
  }

  /** The server stored update `ref` (UP3): out of the outbox, here and in storage; returns it. */
  acked(ref: number): Uint8Array | undefined {
    const update = this.dequeue(ref);
    if (update) this.persist((p) => p.removeOutbox(this.docId, ref));
    return update;
  }

  /** Moves the log position forward (stored); true when it was the first one (never synced before). */
  advance(seq: number): boolean {
    if (seq <= this.seq) return false;
    const first = this.seq === 0;
    this.seq = seq;
    this.persist((p) => p.setSeq(this.docId, seq));
    return first;
  }

  /**
   * The server's state is here (a sync answer): recorded once, also for an empty log, so the next
   * start knows the device holds a copy (the view opens from it without waiting for the server).
   */
  markSynced(): void {
    if (this.syncedBefore) return;
    this.syncedBefore = true;
    const seq = this.seq;
    this.persist((p) => p.setSeq(this.docId, seq));
  }

  /** Takes an update out of the outbox (acked, or dropped after a refusal); returns it. */
  dequeue(ref: number): Uint8Array | undefined {
    const update = this.outbox.get(ref);
    this.outbox.delete(ref);
    this.bases.delete(ref);
    this.updateIds.delete(ref);
    this.appended.delete(ref);
    this.pendingIds = null;
    return update;
  }

  /** The messages appended by unacked updates. */
  pendingMessageIds(): ReadonlySet<string> {
    return (this.pendingIds ??= new Set([...this.appended.values()].flat()));
  }

  /** Queues a storage write after the previous ones of this document, so they land in order. */
  persist(write: (p: DocPersistence) => Promise<void>): void {
    this.writes = this.writes.then(() => write(this.persistence)).catch(this.onPersistError);
  }

  flushed(): Promise<void> {
    return this.writes;
  }

  /**
   * The server refused update `refused` of this document: start again from the server. Unacked
   * updates made before the refused one are kept as they are (they were valid). The refused one
   * is dropped. Later ones cannot be sent as they are — they continue the refused one's Yjs clock
   * or name its items as neighbours — so what they did is carried (`rebase.ts`) and made again,
   * as new changes, once the server's state is back (`takeCarried`). `carry: false` (the whole
   * document is read-only now) drops them too.
   */
  reset(refused: number, carry = true): Y.Doc {
    const later = [...this.outbox].filter(([ref]) => ref > refused).map(([, update]) => update);
    if (carry && later.length > 0) {
      const carried = carriedChanges(this.doc, later);
      if (this.carried) {
        // An earlier refusal's changes, not made again yet: they come first.
        carried.appended.unshift(...this.carried.appended);
        carried.set.unshift(...this.carried.set);
        carried.removed.unshift(...this.carried.removed);
      }
      if (hasChanges(carried)) this.carried = carried;
    } else if (!carry) {
      this.carried = null;
    }
    const keep = this.carried;
    this.persist((p) => p.setCarried(this.docId, keep ?? undefined));
    for (const ref of [...this.outbox.keys()]) {
      if (ref < refused) continue;
      this.dequeue(ref);
      this.persist((p) => p.removeOutbox(this.docId, ref));
    }
    const old = this.doc;
    this.doc = new Y.Doc();
    for (const update of this.outbox.values()) Y.applyUpdate(this.doc, update, FROM_STORAGE);
    this.seq = 0;
    this.syncedBefore = false;
    this.persist((p) => p.clearDoc(this.docId));
    old.destroy();
    return this.doc;
  }

  /** The carried changes, once: the caller makes them on the document (now holding the server's state). */
  takeCarried(): CarriedChanges | null {
    const carried = this.carried;
    if (!carried) return null;
    this.carried = null;
    this.persist((p) => p.setCarried(this.docId, undefined));
    return carried;
  }
}

/** SEQ3: an update's id, random: no two devices (or tabs) pick the same one. */
function newUpdateId(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(UPDATE_ID_BYTES));
}

// ---- the messages an update appends -------------------------------------------------------

function isMessageLike(value: unknown): value is { id: string } {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === 'string' && typeof v.author === 'string' && typeof v.sentAt === 'number';
}

/**
 * The ids of the messages an update appends (entries of a root array: no map key). Read from
 * the encoded update, so it works for updates stored before a reload, whose Yjs client id is no
 * longer this document's. Decoded once per outbox entry (`DocEntry.enqueue`), never per render.
 */
export function messageIdsInUpdate(update: Uint8Array): string[] {
  const ids: string[] = [];
  for (const struct of Y.decodeUpdate(update).structs) {
    if (!(struct instanceof Y.Item) || struct.parentSub !== null) continue;
    if (!(struct.content instanceof Y.ContentAny)) continue;
    for (const value of struct.content.arr) if (isMessageLike(value)) ids.push(value.id);
  }
  return ids;
}

// ---- facts: what screens may know of a document ---------------------------------------------

/**
 * What the screens may know of one document, as facts: what of it waits to be sent, whether it
 * holds the server's state, whether the server refused this device's changes. Screens read
 * these (through the session) instead of the core's entries and outbox bytes. A new object
 * whenever one of them changes (`DocumentSync.onFacts`), so it can be compared by identity.
 */
export interface DocFacts {
  /** Local changes the server has not acked yet (the device's outbox for this document). */
  readonly pendingChanges: number;
  /** Messages appended by those changes: shown as pending until acked (survives a reload). */
  readonly pendingMessageIds: ReadonlySet<string>;
  /** Holds the server's state now (subscribed and answered, here or in the tab holding the socket). */
  readonly synced: boolean;
  /** The server will send nothing of it (no longer a member): what is here is all there is. */
  readonly denied: boolean;
  /** Held a copy synced on an earlier run (the server answered once), before the server answers now. */
  readonly syncedBefore: boolean;
  /** The last refusal of this device's changes to it, until it holds the server's state again. */
  readonly refused: CloseReason | DenyReason | null;
}

export const NO_FACTS: DocFacts = {
  pendingChanges: 0,
  pendingMessageIds: new Set(),
  synced: false,
  denied: false,
  syncedBefore: false,
  refused: null,
};

export function sameFacts(a: DocFacts, b: DocFacts): boolean {
  return (
    a.pendingChanges === b.pendingChanges &&
    a.synced === b.synced &&
    a.denied === b.denied &&
    a.syncedBefore === b.syncedBefore &&
    a.refused === b.refused &&
    a.pendingMessageIds.size === b.pendingMessageIds.size &&
    [...a.pendingMessageIds].every((id) => b.pendingMessageIds.has(id))
  );
}

/** The pending facts of a document as the tab holding the socket tells a follower tab. */
export interface SharedPending {
  changes: number;
  messageIds: readonly string[];
}

/**
 * The facts of every open document, recomputed from its entry when something in it may have
 * changed, and announced only when they did. In a follower tab the outbox is the leader's, so
 * what waits to be sent is what the leader says (`share`).
 */
export class FactsBook {
  private readonly facts = new Map<string, DocFacts>();
  private readonly refused = new Map<string, CloseReason | DenyReason>();
  private readonly shared = new Map<string, { changes: number; messageIds: ReadonlySet<string> }>();
  private readonly changes = new Listeners<[string]>();
  readonly onChange = this.changes.add;

  get(docId: string): DocFacts {
    return this.facts.get(docId) ?? NO_FACTS;
  }

  recompute(entry: DocEntry, ownOutbox: boolean): void {
    if (entry.state === 'loading') return;
    const shared = ownOutbox ? undefined : this.shared.get(entry.docId);
    const next: DocFacts = {
      pendingChanges: ownOutbox ? entry.outbox.size : (shared?.changes ?? 0),
      pendingMessageIds: ownOutbox
        ? entry.pendingMessageIds()
        : (shared?.messageIds ?? NO_FACTS.pendingMessageIds),
      synced: entry.state === 'synced',
      denied: entry.state === 'denied',
      syncedBefore: entry.syncedBefore,
      refused: this.refused.get(entry.docId) ?? null,
    };
    const current = this.facts.get(entry.docId);
    if (current && sameFacts(current, next)) return;
    this.facts.set(entry.docId, next);
    this.changes.emit(entry.docId);
  }

  share(docId: string, pending: SharedPending): void {
    this.shared.set(docId, { changes: pending.changes, messageIds: new Set(pending.messageIds) });
  }

  /** This tab holds the outbox now: what the leader said is stale. */
  forgetShared(): void {
    this.shared.clear();
  }

  setRefused(docId: string, reason: CloseReason | DenyReason | null): void {
    if (reason) this.refused.set(docId, reason);
    else this.refused.delete(docId);
  }

  forget(docId: string): void {
    this.facts.delete(docId);
    this.shared.delete(docId);
    this.refused.delete(docId);
  }
}
