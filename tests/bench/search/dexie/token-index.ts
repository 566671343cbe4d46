import type { SearchDb, SearchRow } from './search-db.ts';
import {
  isCjk,
  isEmptyQuery,
  normalize,
  queryTerms,
  tokensOf,
  type QueryTerms,
} from '../../../../app/src/search/tokens.ts';
import { matchRanges } from '../../../../app/src/search/highlight.ts';

/**
 * Words are also indexed under their beginnings of 2 to this many characters, so a word typed
 * halfway ("mee") is one exact lookup, walked newest first like a whole word, instead of a range
 * over every word it starts (measured: a range over the keys of a common beginning took 65 ms at
 * 2,500 messages); a longer query word is looked up by its first characters and checked on the
 * rows read.
 */
const PREFIX_CHARS = 4;

function indexTokens(text: string): string[] {
  const out = new Set(tokensOf(text));
  for (const token of [...out]) {
    if (isCjk(token)) continue;
    const chars = [...token];
    for (let n = 2; n < Math.min(chars.length, PREFIX_CHARS + 1); n++) out.add(chars.slice(0, n).join(''));
  }
  return [...out];
}

/** The token a query word is looked up by: the word, or its indexed beginning when longer. */
const lookupToken = (word: string): string => [...word].slice(0, PREFIX_CHARS).join('');

/** A message to index: its newest text (edits folded in); deleted messages are removed instead. */
export interface IndexInput {
  id: string;
  conversationId: string;
  segment: number;
  author: string;
  sentAt: number;
  text: string;
}

export interface SearchHit {
  row: SearchRow;
  /** Where the query matches in `row.text` (UTF-16 offsets, end exclusive), for highlighting. */
  ranges: [number, number][];
}

/**
 * W10's Dexie candidate: a full-text index over IndexedDB, one row per message with a
 * multi-entry index of its tokens (the app's tokens.ts, plus word beginnings).
 */
export class TokenIndex {
  constructor(private readonly db: SearchDb) {}

  /** Adds or replaces messages (an edit replaces the indexed text and its tokens). */
  async put(inputs: readonly IndexInput[]): Promise<void> {
    if (inputs.length === 0) return;
    const rows = inputs.map((m) => ({ ...m, tokens: indexTokens(m.text) }));
    const ids = rows.map((r) => r.id);
    await this.db.transaction('rw', this.db.messages, async () => {
      // The primary key holds sentAt: a message re-put must lose its old row first.
      const old = await this.db.messages.where('id').anyOf(ids).primaryKeys();
      if (old.length > 0) await this.db.messages.bulkDelete(old);
      await this.db.messages.bulkPut(rows);
    });
  }

  /** Removes messages (deleted ones); unknown ids are ignored. */
  async remove(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.messages
      .where('id')
      .anyOf([...ids])
      .delete();
  }

  /**
   * The newest messages matching every term of `query`, newest first; `before` continues a
   * previous page after its last hit (`[sentAt, id]`). The longest term is looked up as one
   * exact token and walked backwards in time (the index is in that order already); the other
   * terms are checked on the rows it reads, so a page of a common word costs a page of reads.
   */
  async search(query: string, limit = 50, before?: [number, string]): Promise<SearchHit[]> {
    const terms = queryTerms(query);
    if (isEmptyQuery(terms)) return [];
    const candidates = [...terms.grams, ...terms.words.map(lookupToken)];
    const driver = candidates.reduce((a, b) => ([...b].length > [...a].length ? b : a));
    const rows: SearchRow[] = [];
    await this.db.messages
      .where('tokens')
      .equals(driver)
      .reverse()
      .until(() => rows.length >= limit)
      .each((row) => {
        if (isBefore(row, before) && matches(row, terms)) rows.push(row);
      });
    return rows.map((row) => ({ row, ranges: matchRanges(row.text, terms) }));
  }
}

function isBefore(row: { sentAt: number; id: string }, before?: [number, string]): boolean {
  if (!before) return true;
  return row.sentAt < before[0] || (row.sentAt === before[0] && row.id < before[1]);
}

/** Every word starts one of the row's words, every CJK run is in its text. */
export function matches(row: SearchRow, terms: QueryTerms): boolean {
  for (const word of terms.words) {
    const token = lookupToken(word);
    if (!row.tokens.includes(token)) return false;
    if (token !== word && !row.tokens.some((t) => t.startsWith(word))) return false;
  }
  if (terms.cjk.length === 0) return true;
  const text = normalize(row.text);
  return terms.cjk.every((run) => text.includes(run));
}
