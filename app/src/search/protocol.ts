/** A message to index: its newest text (edits folded in); deleted messages are removed instead. */
export interface IndexInput {
  id: string;
  conversationId: string;
  segment: number;
  author: string;
  sentAt: number;
  text: string;
}

/** One message found, as the results list shows it. */
export interface FoundMessage {
  id: string;
  conversationId: string;
  segment: number;
  author: string;
  sentAt: number;
  text: string;
  /** Its place in the index (newest first): the next page asks for what comes `before` it. */
  key: number;
  /** Where the query matches in `text` (UTF-16 offsets, end exclusive). */
  ranges: [number, number][];
}

/** How far the first reading of the stored documents has come. */
export interface IndexProgress {
  done: number;
  total: number;
}

/** What the page asks of the search worker. */
export type SearchRequest =
  | { kind: 'open'; userId: string }
  /** Messages added, edited (newest text) or deleted on this device, as they happen. */
  | { kind: 'index'; put: IndexInput[]; removed: string[] }
  | { kind: 'search'; ask: number; query: string; limit: number; before?: number }
  | { kind: 'close' };

export type SearchAnswer =
  | { kind: 'progress'; progress: IndexProgress }
  | { kind: 'results'; ask: number; hits: FoundMessage[] }
  | { kind: 'failed'; ask?: number; message: string };
