import { committed, openDatabase, request } from '../../lib/indexed-db.ts';
import { SYNC_DB_NAME } from '../constants.ts';
import type { CarriedChanges } from './rebase.ts';

export interface OutboxEntry {
  ref: number;
  update: Uint8Array;
  basis?: Uint8Array;
  /** SEQ3: the update's id, made when it entered the outbox (absent in outboxes written before protocol 3). */
  updateId?: Uint8Array;
}

export interface StoredDocState {
  updates: Uint8Array[];
  seq: number;
  /**
   * The device has held the server's state of this document once (subscribed and answered), also
   * when its log was still empty (seq 0): what it holds is a copy, not nothing.
   */
  syncedBefore: boolean;
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
  /** The log position the server gave (it also records that the device held the server's state). */
  setSeq(docId: string, seq: number): Promise<void>;
  addOutbox(
    docId: string,
    ref: number,
    update: Uint8Array,
    basis: Uint8Array,
    updateId?: Uint8Array,
  ): Promise<void>;
  removeOutbox(docId: string, ref: number): Promise<void>;
  /** Forgets the document (refused by the server): updates and seq; the outbox stays. */
  clearDoc(docId: string): Promise<void>;
  /** Keeps (or, undefined, forgets) the changes to make again after a refusal. */
  setCarried(docId: string, carried: CarriedChanges | undefined): Promise<void>;
  /** Small numbers kept across reloads (the newest known segment of a conversation). */
  getNumber(key: string): Promise<number | undefined>;
  setNumber(key: string, value: number): Promise<void>;
}

/** Rows of the documents' database (one database for every document of a user). */
interface UpdateRow {
  docId: string;
  update: Uint8Array;
}
/** Also `#<key>` numbers and `~carry:<docId>` changes waiting for the server (`carried`, JSON). */
interface DocRow {
  docId: string;
  seq: number;
  /** Written with every log position: the document was synced once (rows before it have seq > 0). */
  synced?: true;
  carried?: string;
}
interface OutboxRow {
  docId: string;
  ref: number;
  update: Uint8Array;
  basis?: Uint8Array;
  updateId?: Uint8Array;
}

const carryKey = (docId: string): string => `~carry:${docId}`;
const outboxOf = (docId: string): IDBKeyRange =>
  IDBKeyRange.bound([docId, 0], [docId, Number.MAX_SAFE_INTEGER]);

/**
 * One IndexedDB database for every document (not one per document, as y-indexeddb does), in
 * plain IndexedDB (lib/indexed-db.ts): stores `updates` (auto-numbered, indexed by document),
 * `docs` (sequence numbers and small values) and `outbox` (keyed by document and ref).
 */
export class IndexedDbPersistence implements DocPersistence {
  private readonly db: Promise<IDBDatabase>;

  constructor(name = SYNC_DB_NAME) {
    this.db = openDatabase(name, 1, {
      upgrade(db) {
        db.createObjectStore('updates', { autoIncrement: true }).createIndex('byDoc', 'docId');
        db.createObjectStore('docs', { keyPath: 'docId' });
        db.createObjectStore('outbox', { keyPath: ['docId', 'ref'] });
      },
    });
  }

  /** Runs `work` in one transaction over `stores` and resolves with its result once committed. */
  private async transact<T>(
    stores: string[],
    mode: IDBTransactionMode,
    work: (tx: IDBTransaction) => Promise<T>,
  ): Promise<T> {
    const tx = (await this.db).transaction(stores, mode);
    const done = committed(tx);
    const result = await work(tx);
    await done;
    return result;
  }

  load(docId: string): Promise<StoredDocState> {
    return this.transact(['updates', 'docs', 'outbox'], 'readonly', async (tx) => {
      const docs = tx.objectStore('docs');
      const [updates, doc, outbox, carry] = await Promise.all([
        request(tx.objectStore('updates').index('byDoc').getAll(docId) as IDBRequest<UpdateRow[]>),
        request(docs.get(docId) as IDBRequest<DocRow | undefined>),
        request(tx.objectStore('outbox').getAll(outboxOf(docId)) as IDBRequest<OutboxRow[]>),
        request(docs.get(carryKey(docId)) as IDBRequest<DocRow | undefined>),
      ]);
      const state: StoredDocState = {
        updates: updates.map((u) => u.update),
        seq: doc?.seq ?? 0,
        syncedBefore: doc?.synced === true || (doc?.seq ?? 0) > 0,
        outbox: outbox.map((o) => ({ ref: o.ref, update: o.update, basis: o.basis, updateId: o.updateId })),
      };
      if (carry?.carried) state.carried = JSON.parse(carry.carried) as CarriedChanges;
      return state;
    });
  }

  setCarried(docId: string, carried: CarriedChanges | undefined): Promise<void> {
    return this.transact(['docs'], 'readwrite', async (tx) => {
      const docs = tx.objectStore('docs');
      const row: DocRow = { docId: carryKey(docId), seq: 0, carried: JSON.stringify(carried) };
      if (carried) await request(docs.put(row));
      else await request(docs.delete(carryKey(docId)));
    });
  }

  appendUpdate(docId: string, update: Uint8Array): Promise<void> {
    return this.transact(['updates'], 'readwrite', async (tx) => {
      await request(tx.objectStore('updates').add({ docId, update } satisfies UpdateRow));
    });
  }

  replaceUpdates(docId: string, state: Uint8Array): Promise<void> {
    return this.transact(['updates'], 'readwrite', async (tx) => {
      const updates = tx.objectStore('updates');
      const keys = await request(updates.index('byDoc').getAllKeys(docId));
      await Promise.all([
        ...keys.map((key) => request(updates.delete(key))),
        request(updates.add({ docId, update: state } satisfies UpdateRow)),
      ]);
    });
  }

  setSeq(docId: string, seq: number): Promise<void> {
    return this.putDoc({ docId, seq, synced: true });
  }

  addOutbox(
    docId: string,
    ref: number,
    update: Uint8Array,
    basis: Uint8Array,
    updateId?: Uint8Array,
  ): Promise<void> {
    return this.transact(['outbox'], 'readwrite', async (tx) => {
      await request(
        tx.objectStore('outbox').put({ docId, ref, update, basis, updateId } satisfies OutboxRow),
      );
    });
  }

  removeOutbox(docId: string, ref: number): Promise<void> {
    return this.transact(['outbox'], 'readwrite', async (tx) => {
      await request(tx.objectStore('outbox').delete([docId, ref]));
    });
  }

  clearDoc(docId: string): Promise<void> {
    return this.transact(['updates', 'docs'], 'readwrite', async (tx) => {
      const updates = tx.objectStore('updates');
      const keys = await request(updates.index('byDoc').getAllKeys(docId));
      await Promise.all([
        ...keys.map((key) => request(updates.delete(key))),
        request(tx.objectStore('docs').delete(docId)),
      ]);
    });
  }

  getNumber(key: string): Promise<number | undefined> {
    return this.transact(['docs'], 'readonly', async (tx) => {
      const row = await request(tx.objectStore('docs').get(`#${key}`) as IDBRequest<DocRow | undefined>);
      return row?.seq;
    });
  }

  setNumber(key: string, value: number): Promise<void> {
    return this.putDoc({ docId: `#${key}`, seq: value });
  }

  private putDoc(row: DocRow): Promise<void> {
    return this.transact(['docs'], 'readwrite', async (tx) => {
      await request(tx.objectStore('docs').put(row));
    });
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
      state = { updates: [], seq: 0, syncedBefore: false, outbox: [] };
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
      syncedBefore: s.syncedBefore,
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
    const state = this.get(docId);
    state.seq = seq;
    state.syncedBefore = true;
    return Promise.resolve();
  }
  addOutbox(
    docId: string,
    ref: number,
    update: Uint8Array,
    basis: Uint8Array,
    updateId?: Uint8Array,
  ): Promise<void> {
    this.get(docId).outbox.push({ ref, update, basis, updateId });
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
