/**
 * The documents' messages between server processes, on Redis (`doc-relay.ts`): a small JSON
 * header, then the updates' or awareness state's bytes as they are (binary-safe, never base64):
 *
 *   [kind: u8][header length: u16 BE][header: UTF-8 JSON][payload bytes]
 *
 * A `committed` message carries the updates of one commit batch (many documents), their bytes
 * one after another in the header's order, each `bytes` long: one publish per batch, not per
 * update. A reader parses the header first and copies an update's bytes only for a document it
 * holds.
 */
export interface RelayedUpdate {
  docId: string;
  seq: number;
  userId: string;
  /** Its length in the payload. */
  bytes: number;
}

export type RelayHeader =
  | { kind: 'committed'; from: string; updates: RelayedUpdate[] }
  | { kind: 'awareness'; from: string; conversationId: string; userId: string };

const KINDS = ['committed', 'awareness'] as const;
const PREFIX_BYTES = 3;
const MAX_HEADER_BYTES = 0xffff;
/** Updates per `committed` message: its header stays far below MAX_HEADER_BYTES (ids are short). */
export const MAX_UPDATES_PER_MESSAGE = 100;

export function encodeRelayMessage(header: RelayHeader, payload: Uint8Array | readonly Uint8Array[]): Buffer {
  const { kind, ...fields } = header;
  const json = Buffer.from(JSON.stringify(fields), 'utf8');
  if (json.byteLength > MAX_HEADER_BYTES) throw new Error('relay header too long');
  const parts = payload instanceof Uint8Array ? [payload] : payload;
  const payloadBytes = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const message = Buffer.allocUnsafe(PREFIX_BYTES + json.byteLength + payloadBytes);
  message.writeUInt8(KINDS.indexOf(kind), 0);
  message.writeUInt16BE(json.byteLength, 1);
  json.copy(message, PREFIX_BYTES);
  let at = PREFIX_BYTES + json.byteLength;
  for (const part of parts) {
    message.set(part, at);
    at += part.byteLength;
  }
  return message;
}

/** The header of a message, and where its payload starts; undefined for anything malformed. */
export function decodeRelayHeader(message: Buffer): { header: RelayHeader; payloadAt: number } | undefined {
  if (message.byteLength < PREFIX_BYTES) return undefined;
  const kind = KINDS[message.readUInt8(0)];
  const length = message.readUInt16BE(1);
  const payloadAt = PREFIX_BYTES + length;
  if (!kind || payloadAt > message.byteLength) return undefined;
  let fields: Record<string, unknown>;
  try {
    fields = JSON.parse(message.toString('utf8', PREFIX_BYTES, payloadAt)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof fields !== 'object' || fields === null || typeof fields.from !== 'string') return undefined;
  const { from } = fields;
  if (kind === 'committed') {
    const updates = readUpdates(fields.updates, message.byteLength - payloadAt);
    return updates ? { header: { kind, from, updates }, payloadAt } : undefined;
  }
  const { conversationId, userId } = fields;
  if (typeof conversationId !== 'string' || typeof userId !== 'string') return undefined;
  return { header: { kind, from, conversationId, userId }, payloadAt };
}

/** The updates a header lists, if each is well formed and their lengths add up to the payload's. */
function readUpdates(value: unknown, payloadBytes: number): RelayedUpdate[] | undefined {
  if (!Array.isArray(value)) return undefined;
  let total = 0;
  const updates: RelayedUpdate[] = [];
  for (const entry of value as unknown[]) {
    if (typeof entry !== 'object' || entry === null) return undefined;
    const { docId, seq, userId, bytes } = entry as Record<string, unknown>;
    if (typeof docId !== 'string' || typeof userId !== 'string') return undefined;
    if (!Number.isSafeInteger(seq) || (seq as number) < 1) return undefined;
    if (!Number.isSafeInteger(bytes) || (bytes as number) < 0) return undefined;
    total += bytes as number;
    updates.push({ docId, seq: seq as number, userId, bytes: bytes as number });
  }
  return total === payloadBytes ? updates : undefined;
}
