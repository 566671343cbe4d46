import type { SystemEntry } from '@messenjo/shared';

/**
 * The export file, version 1 (documented in docs/export.md). A newer version adds fields or
 * bumps `version`; a reader refuses versions it does not know rather than misreading them.
 */
export const EXPORT_FORMAT = 'messenjo-export';
export const EXPORT_VERSION = 1;

export interface ExportPerson {
  username: string | null;
  displayName: string;
}

export interface ExportReaction {
  emoji: string;
  /** User ids, sorted. */
  by: string[];
}

export interface ExportMessage {
  id: string;
  /** The segment document holding it (`conv:<id>:seg:<n>`). */
  segment: number;
  /** A user id (`people` names it), or `system` for a server line. */
  author: string;
  /** The sender's clock when written (ISO 8601, UTC). */
  sentAt: string;
  /** The newest text (an edit's, when edited); empty when deleted. */
  text: string;
  replyTo?: string;
  edited?: { at: string };
  /** A tombstone: the message was deleted, by whom and when. */
  deleted?: { by: string; at: string };
  reactions?: ExportReaction[];
  /** A server line (`author` is `system`): what happened; `text` says it with names. */
  system?: SystemEntry;
}

export interface ExportConversation {
  id: string;
  kind: 'direct' | 'group' | 'unknown';
  name: string;
  /** The segments this device holds, in order. */
  segments: number[];
  /** False when older history (segment 0, or a segment between) is not on this device. */
  complete: boolean;
  messages: ExportMessage[];
}

export interface ExportFile {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  exportedAt: string;
  account: { id: string } & ExportPerson;
  /** Everyone an export names, by user id, as this device knows them. */
  people: Record<string, ExportPerson>;
  conversations: ExportConversation[];
}

/** An export file that is not one this version reads: where and what is wrong. */
export class ExportFormatError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'ExportFormatError';
  }
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function record(v: unknown, path: string): Json {
  if (!isRecord(v)) throw new ExportFormatError(path, 'must be an object');
  return v;
}
function string(v: unknown, path: string): string {
  if (typeof v !== 'string') throw new ExportFormatError(path, 'must be a string');
  return v;
}
function time(v: unknown, path: string): string {
  if (!ISO.test(string(v, path))) throw new ExportFormatError(path, 'must be an ISO 8601 UTC time');
  return v as string;
}
function array(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw new ExportFormatError(path, 'must be an array');
  return v;
}
function person(v: unknown, path: string): ExportPerson {
  const p = record(v, path);
  if (p.username !== null) string(p.username, `${path}.username`);
  return { username: p.username as string | null, displayName: string(p.displayName, `${path}.displayName`) };
}

function message(v: unknown, path: string): ExportMessage {
  const m = record(v, path);
  const out: ExportMessage = {
    id: string(m.id, `${path}.id`),
    segment: m.segment as number,
    author: string(m.author, `${path}.author`),
    sentAt: time(m.sentAt, `${path}.sentAt`),
    text: string(m.text, `${path}.text`),
  };
  if (!Number.isInteger(m.segment) || (m.segment as number) < 0)
    throw new ExportFormatError(`${path}.segment`, 'must be a segment index');
  if (m.replyTo !== undefined) out.replyTo = string(m.replyTo, `${path}.replyTo`);
  if (m.edited !== undefined)
    out.edited = { at: time(record(m.edited, `${path}.edited`).at, `${path}.edited.at`) };
  if (m.deleted !== undefined) {
    const d = record(m.deleted, `${path}.deleted`);
    out.deleted = { by: string(d.by, `${path}.deleted.by`), at: time(d.at, `${path}.deleted.at`) };
  }
  if (m.reactions !== undefined)
    out.reactions = array(m.reactions, `${path}.reactions`).map((r, i) => {
      const reaction = record(r, `${path}.reactions[${i}]`);
      return {
        emoji: string(reaction.emoji, `${path}.reactions[${i}].emoji`),
        by: array(reaction.by, `${path}.reactions[${i}].by`).map((u, j) =>
          string(u, `${path}.reactions[${i}].by[${j}]`),
        ),
      };
    });
  if (m.system !== undefined) {
    const system = record(m.system, `${path}.system`);
    string(system.kind, `${path}.system.kind`);
    out.system = system as unknown as SystemEntry;
  }
  return out;
}

/** Reads an export file (the parsed JSON), checking every field this version writes. */
export function parseExport(json: unknown): ExportFile {
  const file = record(json, '$');
  if (file.format !== EXPORT_FORMAT) throw new ExportFormatError('$.format', `must be "${EXPORT_FORMAT}"`);
  if (file.version !== EXPORT_VERSION)
    throw new ExportFormatError(
      '$.version',
      `version ${String(file.version)} is not one this app reads (${EXPORT_VERSION})`,
    );
  const account = record(file.account, '$.account');
  const people = record(file.people, '$.people');
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: time(file.exportedAt, '$.exportedAt'),
    account: { id: string(account.id, '$.account.id'), ...person(account, '$.account') },
    people: Object.fromEntries(Object.entries(people).map(([id, p]) => [id, person(p, `$.people.${id}`)])),
    conversations: array(file.conversations, '$.conversations').map((c, i) => {
      const path = `$.conversations[${i}]`;
      const conversation = record(c, path);
      const kind = conversation.kind;
      if (kind !== 'direct' && kind !== 'group' && kind !== 'unknown')
        throw new ExportFormatError(`${path}.kind`, 'must be direct, group or unknown');
      if (typeof conversation.complete !== 'boolean')
        throw new ExportFormatError(`${path}.complete`, 'must be true or false');
      return {
        id: string(conversation.id, `${path}.id`),
        kind,
        name: string(conversation.name, `${path}.name`),
        segments: array(conversation.segments, `${path}.segments`).map((s, j) => {
          if (!Number.isInteger(s))
            throw new ExportFormatError(`${path}.segments[${j}]`, 'must be a segment index');
          return s as number;
        }),
        complete: conversation.complete,
        messages: array(conversation.messages, `${path}.messages`).map((m, j) =>
          message(m, `${path}.messages[${j}]`),
        ),
      };
    }),
  };
}
