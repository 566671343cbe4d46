import sqlite3InitModule from '@sqlite.org/sqlite-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { FtsIndex, SCHEMA_VERSION, type IndexInput } from './fts-index.ts';

let sqlite3: Awaited<ReturnType<typeof sqlite3InitModule>>;
beforeAll(async () => {
  sqlite3 = await sqlite3InitModule();
});

const index = () => new FtsIndex(new sqlite3.oo1.DB(':memory:'));
let n = 0;
const msg = (text: string, sentAt: number, extra: Partial<IndexInput> = {}): IndexInput => ({
  id: `m${String(++n).padStart(9, '0')}`,
  conversationId: 'c_one',
  segment: 0,
  author: 'u_ann',
  sentAt,
  text,
  ...extra,
});

describe('the full-text index (SQLite FTS5)', () => {
  it('finds words from their beginnings, newest first, with the match marked', () => {
    const fts = index();
    const old = msg('Meeting at noon', 1000);
    const recent = msg('the meetings moved', 3000);
    fts.put([old, msg('nothing here', 2000), recent]);
    const hits = fts.search('meet');
    expect(hits.map((h) => h.id)).toEqual([recent.id, old.id]);
    expect(hits[0]).toMatchObject({ conversationId: 'c_one', segment: 0, author: 'u_ann', ranges: [[4, 8]] });
    expect(fts.search('MEETING noon').map((h) => h.id)).toEqual([old.id]);
    expect(fts.search('café')).toEqual([]);
  });

  it('ignores Latin accents and case both ways', () => {
    const fts = index();
    const m = msg('Un Café crème?', 1);
    fts.put([m]);
    expect(fts.search('cafe creme').map((h) => h.id)).toEqual([m.id]);
    expect(fts.search('CAFÉ')[0]?.ranges).toEqual([[3, 7]]);
  });

  it('finds Chinese and Japanese words inside sentences written without spaces', () => {
    const fts = index();
    const ja = msg('明日東京に行きます', 1);
    const zh = msg('我在图书馆学习', 2);
    const near = msg('東と京', 3);
    fts.put([ja, zh, near]);
    expect(fts.search('東京').map((h) => h.id)).toEqual([ja.id]);
    expect(fts.search('图书馆').map((h) => h.id)).toEqual([zh.id]);
    expect(fts.search('书').map((h) => h.id)).toEqual([zh.id]);
    expect(fts.search('東京')[0]?.ranges).toEqual([[2, 4]]);
  });

  it('an edit replaces the indexed text; a deletion removes it', () => {
    const fts = index();
    const m = msg('see you at the harbour', 5);
    fts.put([m]);
    fts.put([{ ...m, text: 'see you at the station' }]);
    expect(fts.search('harbour')).toEqual([]);
    expect(fts.search('station').map((h) => h.id)).toEqual([m.id]);
    fts.remove([m.id]);
    expect(fts.search('station')).toEqual([]);
    expect(fts.search('see')).toEqual([]);
  });

  it('keeps messages of the same millisecond apart, and pages through them after a hit', () => {
    const fts = index();
    const many = Array.from({ length: 20 }, () => msg('same time', 7));
    fts.put([...many, msg('same later', 8)]);
    expect(fts.search('same', 100)).toHaveLength(21);
    const first = fts.search('same', 8);
    const rest = fts.search('same', 100, first.at(-1)!.key);
    expect(first[0]?.text).toBe('same later');
    expect(rest).toHaveLength(13);
    expect(new Set([...first, ...rest].map((h) => h.id)).size).toBe(21);
  });

  it('replaces a whole segment read from its document, with its fingerprint', () => {
    const fts = index();
    const kept = msg('kept word', 1, { segment: 2 });
    const gone = msg('gone word', 2, { segment: 2 });
    const other = msg('other word', 3, { segment: 3 });
    fts.put([kept, gone, other]);
    fts.replaceSegment('c_one', 2, [{ ...kept, text: 'kept edited word' }], {
      docId: 'conv:c_one:seg:2',
      fingerprint: 'f1',
    });
    expect(fts.search('word').map((h) => h.id)).toEqual([other.id, kept.id]);
    expect(fts.search('edited').map((h) => h.id)).toEqual([kept.id]);
    expect(fts.fingerprints()).toEqual(new Map([['conv:c_one:seg:2', 'f1']]));
  });

  it('drops an index of another schema version and starts it again (it is rebuilt from the documents)', () => {
    const db = new sqlite3.oo1.DB(':memory:');
    const fts = new FtsIndex(db);
    const m = msg('kept across opens', 1);
    fts.put([m]);
    fts.replaceSegment('c_one', 5, [], { docId: 'conv:c_one:seg:5', fingerprint: 'f' });
    expect(new FtsIndex(db).search('kept').map((h) => h.id)).toEqual([m.id]);
    db.exec('PRAGMA user_version = 99');
    const again = new FtsIndex(db);
    expect(again.search('kept')).toEqual([]);
    expect(again.fingerprints().size).toBe(0);
    expect(db.selectValue('PRAGMA user_version')).toBe(SCHEMA_VERSION);
  });

  it('treats quotes and FTS5 syntax in a query as text', () => {
    const fts = index();
    const m = msg('he said "NEAR" AND left', 1);
    fts.put([m]);
    expect(fts.search('"near" AND').map((h) => h.id)).toEqual([m.id]);
    expect(fts.search('*')).toEqual([]);
    expect(fts.search('   ')).toEqual([]);
  });
});
