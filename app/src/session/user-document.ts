import { userDocId } from '@messenjo/shared';
import type * as Y from 'yjs';
import { Listeners } from '../lib/listeners.ts';
import type { SyncClient } from '../sync/index.ts';

/**
 * The user's private document (read positions, drafts, settings: `user:<id>`), opened once and
 * followed when the server refuses it and it is replaced: whoever watches it hears of the new one.
 */
export class UserDocument {
  private opening: Promise<Y.Doc> | null = null;
  private current: Y.Doc | null = null;
  private readonly replaced = new Listeners<[Y.Doc]>();
  private readonly stop: () => void;
  private closed = false;

  constructor(
    private readonly client: Pick<SyncClient, 'open' | 'onDocReplaced'>,
    userId: string,
  ) {
    const docId = userDocId(userId);
    this.stop = client.onDocReplaced((id, doc) => {
      if (id !== docId || this.closed) return;
      this.opening = Promise.resolve(doc);
      this.show(doc);
    });
    this.docId = docId;
  }

  private readonly docId: string;

  /** The document, opened on first call (loaded from the device; the server's state follows). */
  get(): Promise<Y.Doc> {
    return (this.opening ??= this.client.open(this.docId).then((doc) => {
      if (!this.closed && this.current === null) this.show(doc);
      return doc;
    }));
  }

  /** The document once loaded, else null. */
  loaded(): Y.Doc | null {
    return this.current;
  }

  /** Calls `listener` with the document once loaded, and with each replacement; returns the disposer. */
  watch(listener: (doc: Y.Doc) => void): () => void {
    if (this.current) listener(this.current);
    return this.replaced.add(listener);
  }

  private show(doc: Y.Doc): void {
    this.current = doc;
    this.replaced.emit(doc);
  }

  close(): void {
    this.closed = true;
    this.stop();
    this.replaced.clear();
  }
}
