import Dexie, { type EntityTable, type Table } from 'dexie';

/** A message as the search index holds it: its newest text, where it lives, its tokens. */
export interface SearchRow {
  id: string;
  conversationId: string;
  /** The segment holding it (a result opens the conversation there). */
  segment: number;
  author: string;
  sentAt: number;
  text: string;
  tokens: string[];
}

/** What the index knows of one stored segment document (so a start re-reads only what changed). */
export interface IndexedDoc {
  docId: string;
  /** The document's stored rows when it was last read whole (`stored-docs.ts` fingerprint). */
  fingerprint: string;
}

/**
 * W10's Dexie candidate's database. Messages are keyed by
 * `[sentAt+id]` and their tokens are a multi-entry index: IndexedDB orders the entries of one
 * index key by primary key, so walking a token backwards yields its messages newest first, and
 * the first page of a common word costs a page of reads, not every match.
 */
export class SearchDb extends Dexie {
  messages!: Table<SearchRow, [number, string]>;
  docs!: EntityTable<IndexedDoc, 'docId'>;

  constructor(name: string, options?: ConstructorParameters<typeof Dexie>[1]) {
    super(name, options);
    this.version(1).stores({
      messages: '[sentAt+id], &id, *tokens, [conversationId+segment]',
      docs: 'docId',
    });
  }
}
