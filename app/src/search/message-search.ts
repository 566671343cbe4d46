import { parseDocId, SYSTEM_AUTHOR } from '@messenjo/shared';
import { Store } from '../lib/store.ts';
import type { FoundMessage, IndexInput, IndexProgress, SearchAnswer, SearchRequest } from './protocol.ts';

/** What the session hands over for each change of its message index (session/local-index/schema.ts `IndexedMessage`). */
export interface ChangedMessage {
  id: string;
  conversationId: string;
  author: string;
  text: string;
  sentAt: number;
  segment?: number;
}

export interface WorkerLike {
  postMessage(message: SearchRequest): void;
  onmessage: ((event: MessageEvent<SearchAnswer>) => void) | null;
  terminate(): void;
}

const makeWorker = (): WorkerLike | null =>
  typeof Worker === 'undefined'
    ? null
    : new Worker(new URL('./search.worker.ts', import.meta.url), { type: 'module' });

/** How long after the session starts the worker begins reading the stored documents. */
const START_DELAY_MS = 1500;

/**
 * The page's side of full-text search, one per device session: starts the search worker once
 * the first screen is painted (reading every stored document competes for the CPU with the
 * first paint otherwise), hands it every message change, asks it queries. Changes made before
 * it started are held and handed over with the start. Without workers (unit tests) it does nothing.
 */
export class MessageSearch {
  /** The first reading of the stored documents (null before it starts; done = total once read). */
  readonly progress = new Store<IndexProgress | null>(null);
  private worker: WorkerLike | null = null;
  private started = false;
  private held: { put: IndexInput[]; removed: string[] }[] = [];
  private asks = 0;
  private readonly waiting = new Map<
    number,
    { resolve: (hits: FoundMessage[]) => void; reject: (e: Error) => void }
  >();
  private startTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(
    private readonly userId: string,
    private readonly createWorker: () => WorkerLike | null = makeWorker,
  ) {}

  /** Starts the worker after a short delay (or at once when a search is asked first). */
  startSoon(): void {
    if (this.started || this.startTimer !== undefined || this.disposed) return;
    this.startTimer = setTimeout(() => this.start(), START_DELAY_MS);
  }

  private start(): WorkerLike | null {
    clearTimeout(this.startTimer);
    if (this.started || this.disposed) return this.worker;
    this.started = true;
    this.worker = this.createWorker();
    if (!this.worker) return null;
    this.worker.onmessage = (event) => this.onAnswer(event.data);
    this.worker.postMessage({ kind: 'open', userId: this.userId });
    for (const change of this.held.splice(0)) this.worker.postMessage({ kind: 'index', ...change });
    return this.worker;
  }

  /** The session's message index changed for one segment document. */
  indexed(docId: string, put: readonly ChangedMessage[], removed: readonly string[]): void {
    const ref = parseDocId(docId);
    if (ref?.kind !== 'segment' || this.disposed) return;
    const change = {
      put: put
        .filter((m) => m.author !== SYSTEM_AUTHOR)
        .map(({ id, conversationId, author, text, sentAt }) => ({
          id,
          conversationId,
          segment: ref.index,
          author,
          text,
          sentAt,
        })),
      removed: [...removed],
    };
    if (change.put.length === 0 && change.removed.length === 0) return;
    if (this.worker) this.worker.postMessage({ kind: 'index', ...change });
    else if (!this.started) this.held.push(change);
  }

  /** The newest messages matching `query`, newest first; `before`: the page after that hit's `key`. */
  search(query: string, limit = 50, before?: number): Promise<FoundMessage[]> {
    const worker = this.start();
    if (!worker) return Promise.resolve([]);
    const ask = ++this.asks;
    return new Promise((resolve, reject) => {
      this.waiting.set(ask, { resolve, reject });
      worker.postMessage({ kind: 'search', ask, query, limit, ...(before === undefined ? {} : { before }) });
    });
  }

  private onAnswer(answer: SearchAnswer): void {
    if (answer.kind === 'progress') {
      this.progress.set(answer.progress);
      return;
    }
    if (answer.ask === undefined)
      return console.warn('search', answer.kind === 'failed' ? answer.message : answer);
    const waiting = this.waiting.get(answer.ask);
    this.waiting.delete(answer.ask);
    if (answer.kind === 'results') waiting?.resolve(answer.hits);
    else waiting?.reject(new Error(answer.message));
  }

  /** Stops the worker (its databases close, so sign-out can delete them). */
  dispose(): void {
    this.disposed = true;
    clearTimeout(this.startTimer);
    this.worker?.postMessage({ kind: 'close' });
    this.worker?.terminate();
    this.worker = null;
    for (const { reject } of this.waiting.values()) reject(new Error('search closed'));
    this.waiting.clear();
    this.progress.clear();
  }
}
