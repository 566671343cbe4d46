import { parseDocId, type CloseReason, type DenyReason } from '@messenjo/shared';
import { Store } from '../lib/store.ts';

/** A change of this device that the server refused, as the person is told about it. */
export interface Refusal {
  /** The conversation it was written in; absent for the user's own document (settings, drafts). */
  conversationId?: string;
  reason: CloseReason | DenyReason;
  at: number;
}

/** What the sync client offers to hear refusals (SyncClient.onRefused). */
export interface RefusalSource {
  onRefused(listener: (docId: string, reason: CloseReason | DenyReason) => void): () => void;
}

/**
 * Remembers the latest refusal until the person dismisses it. The sync client already did what
 * can be done (only the refused change is lost, later ones are made again: sync/doc-entry.ts);
 * without this the refused message would just vanish from the screen with no word why.
 */
export class RefusalLog {
  readonly latest = new Store<Refusal | null>(null);
  private stop = (): void => {};

  constructor(
    source?: RefusalSource,
    private readonly now: () => number = Date.now,
  ) {
    if (source) this.listen(source);
  }

  /** Hears the refusals of `source` (the session's sync client, once it has loaded). */
  listen(source: RefusalSource): void {
    this.stop();
    this.stop = source.onRefused((docId, reason) => {
      const ref = parseDocId(docId);
      this.latest.set({
        ...(ref?.kind === 'segment' ? { conversationId: ref.conversationId } : {}),
        reason,
        at: this.now(),
      });
    });
  }

  dismiss(): void {
    this.latest.set(null);
  }

  dispose(): void {
    this.stop();
    this.latest.clear();
  }
}

/** One sentence saying what was not sent and why, in the person's terms (never a code). */
export function refusalText(refusal: Refusal, conversationName: string | undefined): string {
  const where = refusal.conversationId ? ` in ${conversationName ?? 'a conversation'}` : '';
  switch (refusal.reason) {
    case 'update_too_large':
      return `A change${where} was too large to send and was not sent. Anything written after it was sent again.`;
    case 'update_not_writable':
    case 'membership_ended':
    case 'not_member':
    case 'not_owner':
      return `Messages written${where} could not be sent: you can no longer write there.`;
    default:
      return `The server did not accept a change${where}, so it was not sent. Anything written after it was sent again.`;
  }
}
