import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CLOSE_CODES,
  encodeClientFrame,
  encodeServerFrame,
  type ClientFrame,
  type ServerFrame,
} from '@messenjo/shared';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const doc = readFileSync(path.join(repo, 'docs/protocol.md'), 'utf8');

const none = new Uint8Array([0]);
/** One frame of each type: a new type fails to compile here until the docs' tables are checked for it. */
const CLIENT_FRAMES: { [T in ClientFrame['type']]: Extract<ClientFrame, { type: T }> } = {
  hello: { type: 'hello', protocolVersion: 2 },
  subscribe: { type: 'subscribe', docs: [] },
  unsubscribe: { type: 'unsubscribe', docIds: [] },
  update: { type: 'update', docId: 'd', ref: 1, update: none },
  awareness: { type: 'awareness', conversationId: 'c', payload: none },
};
const SERVER_FRAMES: { [T in ServerFrame['type']]: Extract<ServerFrame, { type: T }> } = {
  hello: { type: 'hello', protocolVersion: 2, userId: 'u' },
  sync: { type: 'sync', docId: 'd', seq: 0, update: none, latestSegment: -1 },
  update: { type: 'update', docId: 'd', seq: 0, update: none },
  ack: { type: 'ack', docId: 'd', ref: 1, seq: 0 },
  denied: { type: 'denied', docId: 'd', reason: 'not_member' },
  rejected: { type: 'rejected', docId: 'd', ref: 1, code: 4020 },
  segment: { type: 'segment', conversationId: 'c', index: 1 },
  awareness: { type: 'awareness', conversationId: 'c', userId: 'u', payload: none },
  event: { type: 'event', event: { type: 'relationship.changed' } },
  head: { type: 'head', docId: 'd', seq: 1 },
};

/** The rows of the frame table whose header cell is `title` (`device → server`, `server → device`). */
function frameRows(title: string): string[] {
  const table = doc.slice(doc.indexOf(`| ${title}`));
  return table
    .slice(0, table.indexOf('\n\n'))
    .split('\n')
    .slice(2)
    .map((row) => row.split('|')[1]!.trim());
}

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) return [];
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return testFiles(full);
    return name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('docs/protocol.md', () => {
  it('[FR1] every rule id is quoted by at least one test name', () => {
    const ids = [...doc.matchAll(/^\*\*([A-Z]{2,3}\d+)\*\*/gm)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThan(20);
    const names = ['shared/src', 'sync-server/src', 'app/src', 'tests']
      .flatMap((dir) => testFiles(path.join(repo, dir)))
      .flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(/\bit\(\s*[`'"]([^`'"\n]*)/g)].map((m) => m[1]!),
      );
    const missing = ids.filter((id) => !names.some((name) => name.includes(`[${id}]`)));
    expect(missing).toEqual([]);
  });

  it('[FR1] the frame tables list every frame type of both directions with its tag', () => {
    const rows = (frames: Record<string, { type: string }>, encode: (frame: never) => Uint8Array) =>
      Object.values(frames).map((frame) => `\`${frame.type}\` (${encode(frame as never)[0]})`);
    expect(frameRows('device → server')).toEqual(rows(CLIENT_FRAMES, encodeClientFrame));
    expect(frameRows('server → device')).toEqual(rows(SERVER_FRAMES, encodeServerFrame));
  });

  it('[CC1] lists every close code with its retry and discard rule', () => {
    for (const [reason, info] of Object.entries(CLOSE_CODES)) {
      const cells = [info.code, reason, info.retry ? 'yes' : 'no', info.discardDoc ? 'yes' : 'no'];
      expect(doc).toMatch(new RegExp(`\\|\\s*${cells.join('\\s*\\|\\s*')}\\s*\\|`));
    }
  });
});
