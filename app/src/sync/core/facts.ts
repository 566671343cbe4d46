import type { CloseReason, DenyReason } from '@messenjo/shared';
import { Listeners } from '../../lib/listeners.ts';
import type { DocEntry } from './doc-entry.ts';

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
