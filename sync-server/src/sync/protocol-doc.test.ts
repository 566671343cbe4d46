import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '@messenjo/shared';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const doc = readFileSync(path.join(repo, 'docs/protocol.md'), 'utf8');

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

  it('[CC1] lists every close code with its retry and discard rule', () => {
    for (const [reason, info] of Object.entries(CLOSE_CODES)) {
      const cells = [info.code, reason, info.retry ? 'yes' : 'no', info.discardDoc ? 'yes' : 'no'];
      expect(doc).toMatch(new RegExp(`\\|\\s*${cells.join('\\s*\\|\\s*')}\\s*\\|`));
    }
  });
});
