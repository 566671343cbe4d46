import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { SYNC_DB_NAME } from '../constants.ts';
import type { CarriedChanges } from './rebase.ts';

export interface OutboxEntry {
  ref: number;
  update: Uint8Array;
  basis?: Uint8Array;
}

export interface StoredDocState {
  updates: Uint8Array[];
  seq: number;
  /** Unacked local updates, each with its basis (POS2; absent in outboxes written before protocol 2). */
  outbox: OutboxEntry[];
  /** Changes to make again once the server's state is back (after a refusal: rebase.ts). */
  carried?: CarriedChanges;
}

/** Where a device keeps its documents. IndexedDB in browsers; in memory for tests and private windows. */
export interface DocPersistence {
  load(docId: string): Promise<StoredDocState>;
  appendUpdate(docId: string, update: Uint8Array): Promise<void>;
  /** Replaces every stored update of the document by one (its encoded state). */
  replaceUpdates(docId: string, state: Uint8Array): Promise<void>;
  setSeq(docId: string, seq: number): Promise<void>;
  addOutbox(docId: string, ref: number, update: Uint8Array, basis: Uint8Array): Promise<void>;
  removeOutbox(docId: string, ref: number): Promise<void>;
  /** Forgets the document (refused by the server): updates and seq; the outbox stays. */
  clearDoc(docId: string): Promise<void>;
  /** Keeps (or, undefined, forgets) the changes to make again after a refusal. */
  setCarried(docId: string, carried: CarriedChanges | undefined): Promise<void>;
  /** Small numbers kept across reloads (the newest known segment of a conversation). */
  getNumber(key: string): Promise<number | undefined>;
  setNumber(key: string, value: number): Promise<void>;
}

interface SyncDb extends DBSchema {
  updates: { key: number; value: { docId: string; update: Uint8Array }; indexes: { byDoc: string } };
  /** Also `#<key>` numbers and `~carry:<docId>` changes waiting for the server (`carried`, JSON). */
  docs: { key: string; value: { docId: string; seq: number; carried?: string } };
  outbox: {
    key: [string, number];
    value: { docId: string; ref: number; update: Uint8Array; basis?: Uint8Array };
  };
}

const carryKey = (docId: string): string => `~carry:${docId}`;

/** One IndexedDB database for every document (not one per document, as y-indexeddb does). */
export class IndexedDbPersistence implements DocPersistence {
  private readonly db: Promise<IDBPDatabase<SyncDb>>;

  constructor(name = SYNC_DB_NAME) {
    this.db = openDB<SyncDb>(name, 1, {
      upgrade(db) {
        db.createObjectStore('updates', { autoIncrement: true }).createIndex('byDoc', 'docId');
        db.createObjectStore('docs', { keyPath: 'docId' });
        db.createObjectStore('outbox', { keyPath: ['docId', 'ref'] });
      },
      // Another tab deletes this database (sign-out wipes the device): let it, instead of blocking it.
      blocking(_current, _blocked, event) {
        (event.target as IDBDatabase).close();
      },
    });
  }

  async load(docId: string): Promise<StoredDocState> {
    const db = await this.db;
    const tx = db.transaction(['updates', 'docs', 'outbox'], 'readonly');
    const [updates, doc, outbox, carry] = await Promise.all([
      tx.objectStore('updates').index('byDoc').getAll(docId),
      tx.objectStore('docs').get(docId),
      tx.objectStore('outbox').getAll(IDBKeyRange.bound([docId, 0], [docId, Number.MAX_SAFE_INTEGER])),
      tx.objectStore('docs').get(carryKey(docId)),
    ]);
    await tx.done;
    const state: StoredDocState = {
      updates: updates.map((u) => u.update),
      seq: doc?.seq ?? 0,
      outbox: outbox.map((o) => ({ ref: o.ref, update: o.update, basis: o.basis })),
    };
    if (carry?.carried) state.carried = JSON.parse(carry.carried) as CarriedChanges;
    return state;
  }

  async setCarried(docId: string, carried: CarriedChanges | undefined): Promise<void> {
    const db = await this.db;
    if (carried) await db.put('docs', { docId: carryKey(docId), seq: 0, carried: JSON.stringify(carried) });
    else await db.delete('docs', carryKey(docId));
  }

  async appendUpdate(docId: string, update: Uint8Array): Promise<void> {
    await (await this.db).add('updates', { docId, update });
  }

  async replaceUpdates(docId: string, state: Uint8Array): Promise<void> {
    const db = await this.db;
    const tx = db.transaction('updates', 'readwrite');
    const keys = await tx.store.index('byDoc').getAllKeys(docId);
    await Promise.all([...keys.map((key) => tx.store.delete(key)), tx.store.add({ docId, update: state })]);
    await tx.done;
  }

  async setSeq(docId: string, seq: number): Promise<void> {
    await (await this.db).put('docs', { docId, seq });
  }

  async addOutbox(docId: string, ref: number, update: Uint8Array, basis: Uint8Array): Promise<void> {
    await (await this.db).put('outbox', { docId, ref, update, basis });
  }

  async removeOutbox(docId: string, ref: number): Promise<void> {
    await (await this.db).delete('outbox', [docId, ref]);
  }

  async clearDoc(docId: string): Promise<void> {
    const db = await this.db;
    const tx = db.transaction(['updates', 'docs'], 'readwrite');
    const keys = await tx.objectStore('updates').index('byDoc').getAllKeys(docId);
    await Promise.all([
      ...keys.map((key) => tx.objectStore('updates').delete(key)),
      tx.objectStore('docs').delete(docId),
    ]);
    await tx.done;
  }

  async getNumber(key: string): Promise<number | undefined> {
    return (await (await this.db).get('docs', `#${key}`))?.seq;
  }

  async setNumber(key: string, value: number): Promise<void> {
    await (await this.db).put('docs', { docId: `#${key}`, seq: value });
  }

  async close(): Promise<void> {
    (await this.db).close();
  }
}

/** Keeps everything in memory: a device that forgets on reload (tests, or when IndexedDB is unavailable). */
export class MemoryPersistence implements DocPersistence {
  private readonly docs = new Map<string, StoredDocState>();
  private readonly numbers = new Map<string, number>();
  private readonly carried = new Map<string, CarriedChanges>();

  setCarried(docId: string, carried: CarriedChanges | undefined): Promise<void> {
    if (carried) this.carried.set(docId, structuredClone(carried));
    else this.carried.delete(docId);
    return Promise.resolve();
  }

  getNumber(key: string): Promise<number | undefined> {
    return Promise.resolve(this.numbers.get(key));
  }
  setNumber(key: string, value: number): Promise<void> {
    this.numbers.set(key, value);
    return Promise.resolve();
  }

  private get(docId: string): StoredDocState {
    let state = this.docs.get(docId);
    if (!state) {
      state = { updates: [], seq: 0, outbox: [] };
      this.docs.set(docId, state);
    }
    return state;
  }

  load(docId: string): Promise<StoredDocState> {
    const s = this.get(docId);
    const carried = this.carried.get(docId);
    return Promise.resolve({
      updates: [...s.updates],
      seq: s.seq,
      outbox: [...s.outbox],
      ...(carried ? { carried: structuredClone(carried) } : {}),
    });
  }
  appendUpdate(docId: string, update: Uint8Array): Promise<void> {
    this.get(docId).updates.push(update);
    return Promise.resolve();
  }
  replaceUpdates(docId: string, state: Uint8Array): Promise<void> {
    this.get(docId).updates = [state];
    return Promise.resolve();
  }
  setSeq(docId: string, seq: number): Promise<void> {
    this.get(docId).seq = seq;
    return Promise.resolve();
  }
  addOutbox(docId: string, ref: number, update: Uint8Array, basis: Uint8Array): Promise<void> {
    this.get(docId).outbox.push({ ref, update, basis });
    return Promise.resolve();
  }
  removeOutbox(docId: string, ref: number): Promise<void> {
    const s = this.get(docId);
    s.outbox = s.outbox.filter((o) => o.ref !== ref);
    return Promise.resolve();
  }
  clearDoc(docId: string): Promise<void> {
    const s = this.get(docId);
    s.updates = [];
    s.seq = 0;
    return Promise.resolve();
  }
}
