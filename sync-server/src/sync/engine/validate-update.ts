import {
  attachmentBlobs,
  ATTACHMENT_LIMITS,
  checkDeletionEntry,
  encryptedSize,
  checkEditEntry,
  checkMessageEntry,
  checkReadPosition,
  checkPlayedEntry,
  checkReceiptEntry,
  isValidConversationId,
  parsePlayedKey,
  parseReactionKey,
  SEGMENT_HARD_LIMIT,
  SEGMENT_ROOTS,
  SYNC_LIMITS,
  USER_DOC_ROOTS,
  type CloseReason,
  type AttachmentEntry,
  type MessageEntry,
} from '@messenjo/shared';
import * as Y from 'yjs';
import type { Role } from '../../conversations/membership-store.ts';
import type { LiveDoc } from './live-doc.ts';

/** The decoded delete set (yjs does not export its type). */
interface DeleteSet {
  clients: Map<number, { clock: number; len: number }[]>;
}

export type Verdict =
  | {
      ok: true;
      /** Nothing new: every struct and deletion is already in the document. */
      noop: boolean;
      newClients: number[];
      newMessages: NewMessage[];
      /** Every blob the new messages' attachments name (VAL8: the store says which may be sent). */
      blobs: string[];
      /** Messages this update marks deleted (`deletions` entries set): REF2 drops their blob references. */
      deletedMessages: string[];
    }
  | { ok: false; reason: CloseReason; problem: string };

/** What the sending device had seen when it made the update (POS2, POS3). */
export interface Seen {
  /** The update frame's basis: the encoded state vector of the device's copy before the change. */
  basis?: Uint8Array;
  /** The state vector the device declared in its subscribe on this socket. */
  declared?: ReadonlyMap<number, number>;
}

/** A message the update appends, with the blobs its attachments name (none for most). */
export interface NewMessage {
  id: string;
  author: string;
  blobs?: string[];
}

/**
 * VAL7, VAL8: what the server knows of attachments. Absent: this engine keeps no blobs, so a
 * message with attachments is refused. `usable` absent: the update's blobs are still to be read
 * from the store (the verdict lists them); present: the ones the sender may send here, with
 * their stored sizes in bytes.
 */
export interface AttachmentRules {
  /** The operator's cap on one file's plaintext (ATTACHMENT_MAX_BYTES). */
  maxFileBytes: number;
  usable?: ReadonlyMap<string, number>;
}

interface Location {
  root: string;
  sub: string | null;
}
type Located = Location | 'nested' | 'unknown';

class Refusal extends Error {
  constructor(
    readonly reason: CloseReason,
    readonly problem: string,
  ) {
    super(problem);
  }
}
const refuse = (reason: CloseReason, problem: string): never => {
  throw new Refusal(reason, problem);
};

/**
 * Decides whether one update may enter a document, before anything is stored or relayed. It
 * reads the decoded structs and delete set against the live document: client ids must belong
 * to the sender, content must sit in the schema's root types as plain JSON, message entries
 * must name the sender, and deletions/keyed entries may only touch what the sender owns (or
 * what its role allows). Pure: the live document is not changed.
 */
export function validateUpdate(
  live: LiveDoc,
  update: Uint8Array,
  sender: string,
  role: Role | null,
  seen: Seen = {},
  attachments?: AttachmentRules,
): Verdict {
  if (update.byteLength > SYNC_LIMITS.MAX_UPDATE_BYTES) {
    return {
      ok: false,
      reason: 'update_too_large',
      problem: `update exceeds ${SYNC_LIMITS.MAX_UPDATE_BYTES} bytes`,
    };
  }
  let decoded: { structs: (Y.Item | Y.GC | Y.Skip)[]; ds: DeleteSet };
  let basis: Map<number, number>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch {
    return { ok: false, reason: 'update_malformed', problem: 'not a Yjs update' };
  }
  try {
    basis = seen.basis ? Y.decodeStateVector(seen.basis) : new Map<number, number>();
  } catch {
    return { ok: false, reason: 'update_malformed', problem: 'the basis is not a state vector' };
  }
  try {
    const known = knownBy(decoded.structs, basis, seen.declared);
    return check(live, decoded, sender, role, known, attachments);
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, reason: error.reason, problem: error.problem };
    // Anything the decoder let through but our reading chokes on is malformed input, never a crash.
    return {
      ok: false,
      reason: 'update_malformed',
      problem: error instanceof Error ? error.message : 'undecodable',
    };
  }
}

function check(
  live: LiveDoc,
  { structs, ds }: { structs: (Y.Item | Y.GC | Y.Skip)[]; ds: DeleteSet },
  sender: string,
  role: Role | null,
  known: Map<number, number>,
  attachments: AttachmentRules | undefined,
): Verdict {
  const store = live.doc.store;
  const roots: Record<string, string> = live.ref.kind === 'segment' ? SEGMENT_ROOTS : USER_DOC_ROOTS;
  const inUpdate = new Map<number, (Y.Item | Y.GC | Y.Skip)[]>();
  for (const s of structs) {
    const list = inUpdate.get(s.id.client) ?? [];
    list.push(s);
    inUpdate.set(s.id.client, list);
  }
  const findInUpdate = (id: Y.ID): Y.Item | Y.GC | Y.Skip | undefined =>
    inUpdate.get(id.client)?.find((s) => s.id.clock <= id.clock && id.clock < s.id.clock + s.length);

  const locate = (item: Y.Item, depth = 0): Located => {
    if (depth > 10_000) return 'unknown';
    const parent = item.parent as unknown;
    if (typeof parent === 'string') return { root: parent, sub: item.parentSub };
    if (parent instanceof Y.AbstractType) {
      if (parent._item !== null) return 'nested';
      return { root: Y.findRootTypeKey(parent), sub: item.parentSub };
    }
    if (parent !== null && parent !== undefined) return 'nested'; // an ID: the parent is a nested type
    const neighbour = item.origin ?? item.rightOrigin;
    if (!neighbour) return 'unknown';
    const local = findInUpdate(neighbour);
    if (local instanceof Y.Item) return locate(local, depth + 1);
    if (neighbour.clock < Y.getState(store, neighbour.client)) {
      const stored = Y.getItem(store, neighbour);
      return stored instanceof Y.Item ? locate(stored, depth + 1) : 'unknown';
    }
    return 'unknown';
  };

  const newMessages: NewMessage[] = [];
  /** VAL8: each blob the new messages name, with the ciphertext size their entries imply. */
  const blobBytes = new Map<string, number>();
  const deletedMessages: string[] = [];
  const authorOf = (messageId: string): string | undefined =>
    live.messageAuthors.get(messageId) ?? newMessages.find((m) => m.id === messageId)?.author;
  const newClients: number[] = [];
  const nextClock = new Map<number, number>();
  let changes = 0;

  for (const struct of structs) {
    const client = struct.id.client;
    const have = nextClock.get(client) ?? Y.getState(store, client);
    const end = struct.id.clock + struct.length;
    if (end <= have) continue; // already stored: harmless repetition
    if (struct.id.clock > have)
      refuse('update_missing_dependency', `client ${client} skips clocks ${have}–${struct.id.clock}`);
    nextClock.set(client, end);
    changes++;
    const owner = live.clients.get(client);
    if (owner === undefined) {
      if (!newClients.includes(client)) newClients.push(client);
    } else if (owner !== sender) {
      refuse('update_foreign_client', `client id ${client} belongs to another user`);
    }
    if (!(struct instanceof Y.Item)) continue;
    const where = locate(struct);
    if (where === 'nested') refuse('update_schema', 'nested types are not part of the schema');
    if (where === 'unknown')
      refuse('update_missing_dependency', 'an entry refers to a position the server does not have');
    const { root, sub } = where as Location;
    const kind = roots[root];
    if (kind === undefined) refuse('update_schema', `unknown root type "${root}"`);
    if ((kind === 'array') !== (sub === null)) refuse('update_schema', `wrong shape of root "${root}"`);
    // Made and deleted before it was sent: no content left to check, but it had to sit in the schema.
    if (struct.content instanceof Y.ContentDeleted) continue;
    if (!(struct.content instanceof Y.ContentAny))
      refuse('update_schema', 'only plain JSON entries are allowed');
    const values = (struct.content as Y.ContentAny).arr as unknown[];
    if (kind === 'map' && values.length !== 1) refuse('update_schema', 'a keyed entry holds one value');
    if (root === 'messages') checkAppended(struct, known, live, findInUpdate);
    for (const value of values) {
      if (live.ref.kind === 'segment') {
        checkSegmentEntry(root, sub, value, {
          sender,
          role,
          authorOf,
          newMessages,
          blobBytes,
          deletedMessages,
          live,
          attachments,
        });
      } else {
        checkUserDocEntry(root, sub ?? '', value);
      }
    }
  }

  for (const [client, ranges] of ds.clients) {
    for (const range of ranges) {
      let clock = range.clock;
      const stop = range.clock + range.len;
      while (clock < stop) {
        if (clock >= Y.getState(store, client)) {
          // Deleting something created in this same update: the sender's own entry.
          const own = findInUpdate(Y.createID(client, clock));
          if (!own) refuse('update_missing_dependency', 'deletes an entry the server does not have');
          clock = own!.id.clock + own!.length;
          changes++;
          continue;
        }
        const struct = Y.getItem(store, Y.createID(client, clock)) as Y.Item | Y.GC;
        clock = struct.id.clock + struct.length;
        if (!(struct instanceof Y.Item) || struct.deleted) continue;
        changes++;
        if (live.ref.kind === 'user') continue;
        const where = locate(struct);
        const root = typeof where === 'object' ? where.root : '';
        if (root === 'messages')
          refuse('update_not_owner', 'messages are append-only; deletion is a keyed entry');
        const owner = live.clients.get(client);
        const mayModerate = root === 'deletions' && (role === 'owner' || role === 'admin');
        if (owner !== sender && !mayModerate)
          refuse('update_not_owner', `entry of "${root}" belongs to another user`);
      }
    }
  }

  if (live.ref.kind === 'segment' && newMessages.length > 0) {
    if (live.messageCount() + newMessages.length > SEGMENT_HARD_LIMIT) {
      refuse('update_schema', `a segment holds at most ${SEGMENT_HARD_LIMIT} messages`);
    }
  }
  const blobs = [...blobBytes.keys()];
  if (attachments?.usable) checkBlobs(blobBytes, attachments.usable);
  return { ok: true, noop: changes === 0, newClients, newMessages, blobs, deletedMessages };
}

/** What a segment entry is checked against. */
interface EntryContext {
  sender: string;
  role: Role | null;
  authorOf: (id: string) => string | undefined;
  newMessages: NewMessage[];
  blobBytes: Map<string, number>;
  deletedMessages: string[];
  live: LiveDoc;
  attachments: AttachmentRules | undefined;
}

/** VAL8: every blob stored, sendable by the sender here, and of the size its entry implies. */
function checkBlobs(blobBytes: ReadonlyMap<string, number>, usable: ReadonlyMap<string, number>): void {
  for (const [blob, bytes] of blobBytes) {
    const stored = usable.get(blob);
    if (stored === undefined)
      refuse(
        'update_attachment_refused',
        `attachment blob ${blob} is not one the sender uploaded for this conversation or that was sent in it`,
      );
    if (stored !== bytes)
      refuse(
        'update_attachment_refused',
        `attachment blob ${blob} is ${stored} bytes, its entry says ${bytes}`,
      );
  }
}

/** The ciphertext size each blob of these attachments must have (files and thumbnails). */
function noteBlobBytes(attachments: readonly AttachmentEntry[], blobBytes: Map<string, number>): void {
  const note = (blob: string, size: number): void => {
    const bytes = encryptedSize(size, ATTACHMENT_LIMITS.CHUNK_BYTES);
    if ((blobBytes.get(blob) ?? bytes) !== bytes)
      refuse('update_wrong_author', `attachment blob ${blob} is given two different sizes`);
    blobBytes.set(blob, bytes);
  };
  for (const attachment of attachments) {
    note(attachment.blob, attachment.size);
    if (attachment.thumbnail) note(attachment.thumbnail.blob, attachment.thumbnail.size);
  }
}

function checkSegmentEntry(root: string, key: string | null, value: unknown, context: EntryContext): void {
  const { sender, role, authorOf, newMessages, blobBytes, deletedMessages, live, attachments } = context;
  switch (root) {
    case 'messages': {
      // VAL7: attachments in their schema, each file within the operator's cap.
      const entry = checkMessageEntry(value, attachments?.maxFileBytes);
      if (!entry.ok) refuse('update_wrong_author', entry.problem);
      const message = (entry as { value: MessageEntry }).value;
      if (message.author !== sender)
        refuse('update_wrong_author', 'a message must carry its sender as author');
      if (live.messageAuthors.has(message.id) || newMessages.some((m) => m.id === message.id)) {
        refuse('update_schema', `message id ${message.id} already exists`);
      }
      if (message.attachments === undefined) {
        newMessages.push({ id: message.id, author: message.author });
        return;
      }
      if (!attachments) refuse('update_attachment_refused', 'this server keeps no attachments');
      newMessages.push({
        id: message.id,
        author: message.author,
        blobs: attachmentBlobs(message.attachments),
      });
      noteBlobBytes(message.attachments, blobBytes);
      return;
    }
    case 'edits': {
      const entry = checkEditEntry(value);
      if (!entry.ok) refuse('update_wrong_author', entry.problem);
      if (authorOf(key ?? '') !== sender) refuse('update_not_owner', 'only the author edits a message');
      return;
    }
    case 'deletions': {
      const entry = checkDeletionEntry(value);
      if (!entry.ok) refuse('update_wrong_author', entry.problem);
      if ((value as { by: string }).by !== sender)
        refuse('update_wrong_author', 'a deletion must name its sender');
      const author = authorOf(key ?? '');
      if (author === undefined) refuse('update_not_owner', 'no such message in this segment');
      if (author !== sender && role !== 'owner' && role !== 'admin') {
        refuse('update_not_owner', 'only the author, an owner or an admin deletes a message');
      }
      deletedMessages.push(key!);
      return;
    }
    case 'reactions': {
      const parsed = parseReactionKey(key ?? '');
      if (!parsed) refuse('update_schema', 'reaction key must be messageId|userId|emoji');
      if (parsed!.userId !== sender) refuse('update_not_owner', 'a reaction belongs to the user in its key');
      if (value === null || typeof value !== 'object' || Object.keys(value).join() !== 'at') {
        refuse('update_schema', 'reaction must be { at }');
      }
      if (authorOf(parsed!.messageId) === undefined)
        refuse('update_schema', 'no such message in this segment');
      return;
    }
    case 'played': {
      // PL1: like a receipt, only the listener marks a voice note played, and only a note of here.
      const parsed = parsePlayedKey(key ?? '');
      if (!parsed) refuse('update_schema', 'a played key must be messageId|userId');
      if (parsed!.userId !== sender)
        refuse('update_not_owner', 'a voice note is marked played only by the listener in its key');
      const entry = checkPlayedEntry(value);
      if (!entry.ok) refuse('update_schema', entry.problem);
      if (authorOf(parsed!.messageId) === undefined)
        refuse('update_schema', 'a played mark must name a message of this segment');
      return;
    }
    case 'receipts': {
      if (key !== sender) refuse('update_not_owner', 'a receipt is written only by the reader in its key');
      const entry = checkReceiptEntry(value);
      if (!entry.ok) refuse('update_schema', entry.problem);
      const messageId = (value as { messageId: string }).messageId;
      if (authorOf(messageId) === undefined && !newMessages.some((m) => m.id === messageId)) {
        refuse('update_schema', 'a receipt must name a message of this segment');
      }
      return;
    }
  }
}

function checkUserDocEntry(root: string, key: string, value: unknown): void {
  if (root === 'readPositions') {
    if (!isValidConversationId(key)) refuse('update_schema', 'read positions are keyed by conversation id');
    const pos = checkReadPosition(value);
    if (!pos.ok) refuse('update_schema', pos.problem);
  } else if (root === 'drafts') {
    if (!isValidConversationId(key)) refuse('update_schema', 'drafts are keyed by conversation id');
    if (typeof value !== 'string' || [...value].length > SYNC_LIMITS.MAX_MESSAGE_CHARS) {
      refuse('update_schema', `a draft is text of at most ${SYNC_LIMITS.MAX_MESSAGE_CHARS} characters`);
    }
  } else if (root === 'muted') {
    if (!isValidConversationId(key)) refuse('update_schema', 'mutes are keyed by conversation id');
    if (value !== true) refuse('update_schema', 'a mute is the value true (unmuting deletes it)');
  } else if (root === 'settings') {
    const ok =
      (key === 'theme' && (value === 'light' || value === 'dark' || value === 'system')) ||
      (key === 'notifications' && typeof value === 'boolean');
    if (!ok) refuse('update_schema', `unknown setting ${key}`);
  }
}

/**
 * POS3: what the device had seen. Its stated basis; and for an update made after its subscribe
 * on this socket (a struct at or beyond the state it declared then), at least what it declared:
 * a device cannot un-see what it said it had. Updates it made before (its outbox, resent) keep
 * their own, older basis.
 */
function knownBy(
  structs: readonly (Y.Item | Y.GC | Y.Skip)[],
  basis: Map<number, number>,
  declared: ReadonlyMap<number, number> | undefined,
): Map<number, number> {
  if (!declared) return basis;
  const madeAfter = structs.some((s) => s.id.clock + s.length > (declared.get(s.id.client) ?? 0));
  if (!madeAfter) return basis;
  const known = new Map(basis);
  for (const [client, clock] of declared) known.set(client, Math.max(clock, known.get(client) ?? 0));
  return known;
}

/**
 * POS1: a message is appended at the end of what its device had (no right neighbour).
 * POS2: every message already stored to the right of where it was put (after its origin, the
 * last message its device had) must be one the device had not seen: one it could not have
 * appended after. Otherwise a device could pick an old origin and a low client id and land
 * right after an old message (YATA orders concurrent inserts after one origin by client id).
 */
function checkAppended(
  item: Y.Item,
  known: Map<number, number>,
  live: LiveDoc,
  findInUpdate: (id: Y.ID) => Y.Item | Y.GC | Y.Skip | undefined,
): void {
  if (item.rightOrigin !== null) refuse('update_out_of_order', 'a message must be appended at the end');
  // The origin of a message in this same update is its earlier message: follow to the stored one.
  let origin = item.origin;
  for (
    let local = origin && findInUpdate(origin);
    local instanceof Y.Item;
    local = origin && findInUpdate(origin)
  ) {
    origin = local.origin;
  }
  const seen = (client: number, clock: number): boolean => (known.get(client) ?? 0) > clock;
  const store = live.doc.store;
  const messages = live.doc.getArray('messages');
  let next: Y.Item | null;
  if (origin === null) {
    next = messages._start;
  } else {
    if (origin.clock >= Y.getState(store, origin.client))
      refuse('update_missing_dependency', 'a message follows one the server does not have');
    const holder = Y.getItem(store, origin);
    if (!(holder instanceof Y.Item) || holder.parent !== messages)
      refuse('update_schema', 'a message must follow a message');
    // The origin may sit inside a stored item of several messages: the rest of that item is to the right.
    if (origin.clock < holder.id.clock + holder.length - 1 && seen(origin.client, origin.clock + 1)) {
      refuse('update_out_of_order', 'a message must land after every message its device had seen');
    }
    next = holder.right;
  }
  for (; next !== null; next = next.right) {
    if (!next.deleted && seen(next.id.client, next.id.clock)) {
      refuse('update_out_of_order', 'a message must land after every message its device had seen');
    }
  }
}
