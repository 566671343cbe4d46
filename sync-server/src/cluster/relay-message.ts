/**
 * The documents' messages between server processes, on Redis (`doc-relay.ts`): a small JSON
 * header, then the update's or awareness state's bytes as they are (binary-safe, never base64):
 *
 *   [kind: u8][header length: u16 BE][header: UTF-8 JSON][payload bytes]
 *
 * A reader parses the header first and copies the payload only for a document it holds.
 */
export type RelayHeader =
  | { kind: 'committed'; from: string; docId: string; seq: number; userId: string }
  | { kind: 'awareness'; from: string; conversationId: string; userId: string };

const KINDS = ['committed', 'awareness'] as const;
const PREFIX_BYTES = 3;
const MAX_HEADER_BYTES = 0xffff;

export function encodeRelayMessage(header: RelayHeader, payload: Uint8Array): Buffer {
  const { kind, ...fields } = header;
  const json = Buffer.from(JSON.stringify(fields), 'utf8');
  if (json.byteLength > MAX_HEADER_BYTES) throw new Error('relay header too long');
  const message = Buffer.allocUnsafe(PREFIX_BYTES + json.byteLength + payload.byteLength);
  message.writeUInt8(KINDS.indexOf(kind), 0);
  message.writeUInt16BE(json.byteLength, 1);
  json.copy(message, PREFIX_BYTES);
  message.set(payload, PREFIX_BYTES + json.byteLength);
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
  if (typeof fields !== 'object' || fields === null) return undefined;
  const { from, userId } = fields;
  if (typeof from !== 'string' || typeof userId !== 'string') return undefined;
  if (kind === 'committed') {
    const { docId, seq } = fields;
    if (typeof docId !== 'string' || !Number.isSafeInteger(seq) || (seq as number) < 1) return undefined;
    return { header: { kind, from, docId, seq: seq as number, userId }, payloadAt };
  }
  const { conversationId } = fields;
  if (typeof conversationId !== 'string') return undefined;
  return { header: { kind, from, conversationId, userId }, payloadAt };
}
