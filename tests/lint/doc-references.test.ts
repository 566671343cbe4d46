import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  checkCitedDocs,
  checkDocPaths,
  checkRuleIds,
  definedRuleIds,
  describeProblem,
  read,
  type Repository,
} from './doc-references.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SKIPPED = new Set(['node_modules', 'dist', 'coverage', 'data', '.git', '.test-artifacts']);

function walk(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED.has(entry.name)) return [];
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    return entry.isDirectory() ? walk(rel) : [rel];
  });
}

function dependencyNames(files: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const file of files.filter((f) => f.endsWith('package.json'))) {
    const pkg = JSON.parse(readFileSync(path.join(root, file), 'utf8')) as Record<string, unknown>;
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies'])
      for (const name of Object.keys((pkg[field] as Record<string, string> | undefined) ?? {}))
        names.add(name.split('/')[0]!);
  }
  return names;
}

const files = walk('');
const repo: Repository = { root, files, packages: dependencyNames(files) };
const docs = files.filter((f) => ['README.md', 'ARCHITECTURE.md'].includes(f) || /^docs\/[^/]+\.md$/.test(f));
const SOURCE = /^(shared|sync-server|app|tests)\/.*\.(ts|tsx|js|mjs)$/;
// The checker's own files quote wrong paths and ids on purpose.
const sources = files.filter((f) => SOURCE.test(f) && !f.startsWith('tests/lint/doc-references'));
const defined = definedRuleIds(read(repo, 'docs/protocol.md'));

/** A repository of the given files, for the checker's own tests. */
const fake = (...paths: string[]): Repository => ({
  root: '/nowhere',
  files: paths,
  packages: new Set(['lib0']),
});

describe('the checker', () => {
  const world = fake('sync-server/src/sync/engine/room.ts', 'tests/harness/server.ts', 'docs/protocol.md');

  it('names the doc, the line and the path that does not exist', () => {
    const text = 'intro\n\nThe room (`sync/engine/room.ts`) and `sync/room.ts`, `ui/sync-hooks.ts`.\n';
    expect(checkDocPaths('ARCHITECTURE.md', text, world).map(describeProblem)).toEqual([
      'ARCHITECTURE.md:3: `sync/room.ts` names no file or folder of the repository',
      'ARCHITECTURE.md:3: `ui/sync-hooks.ts` names no file or folder of the repository',
    ]);
  });

  it('reads paths from the root, a package or its src/, bare names anywhere, folders by their trailing slash', () => {
    const text = [
      '`sync-server/src/sync/engine/room.ts` `src/sync/engine/` `sync/engine/room.ts` `harness/server.ts`',
      '`room.ts` `engine/` `/api/me` `lib0/decoding` `@hono/node-server` `workloads/w*.ts` `conv:<id>:seg:<n>`',
      '`session.revoked` `text/html` [the protocol](protocol.md) [web](https://example.org/x.md)',
      '`sync-server/dist/main.js` `dist/commit-worker.js` `tests/.test-artifacts/` `DATA_DIR/media/`',
      '`gone/` `BENCH.md` [missing](../BENCH.md)',
    ].join('\n');
    expect(checkDocPaths('docs/x.md', text, world).map((p) => p.message)).toEqual([
      '`gone/` names no file or folder of the repository',
      '`BENCH.md` names no file or folder of the repository',
      'link ../BENCH.md names no file of the repository',
    ]);
  });

  it('skips fenced code blocks', () => {
    expect(checkDocPaths('README.md', '```sh\n`nothing/here.ts`\n```\n', world)).toEqual([]);
  });

  it('requires every quoted rule id to be defined, bracketed always, bare when its prefix is a rule prefix', () => {
    const ids = definedRuleIds('**UP3** acks\n\n**HD1** heads\n');
    const text = "UP3 and HD1, UP9; ES256 SHA256\nit('[UP3] acks', …)\nit('[CC1] close codes')";
    expect(checkRuleIds('a.md', text, ids).map(describeProblem)).toEqual([
      'a.md:1: rule UP9 is not defined in docs/protocol.md',
      'a.md:3: rule CC1 is not defined in docs/protocol.md',
    ]);
  });

  it('in code, reads bare rule ids in comments only (a constant may be named UP0)', () => {
    const ids = definedRuleIds('**UP3** acks\n');
    const text = "const UP0 = 1;\n// UP3, UP4\nit('[UP5] acks')";
    expect(checkRuleIds('a.test.ts', text, ids).map(describeProblem)).toEqual([
      'a.test.ts:2: rule UP4 is not defined in docs/protocol.md',
      'a.test.ts:3: rule UP5 is not defined in docs/protocol.md',
    ]);
  });

  it('finds documents cited in code comments that are not in the repository', () => {
    const text =
      '// see docs/protocol.md\nconst x = 1; // measured (BENCH.md)\n/** docs/gone.md */\nconst s = "README.md";';
    expect(checkCitedDocs('m.ts', text, world).map(describeProblem)).toEqual([
      'm.ts:2: cites BENCH.md, which is not in the repository',
      'm.ts:3: cites docs/gone.md, which is not in the repository',
    ]);
  });
});

describe('the docs name what exists', () => {
  it('every file and folder README.md, ARCHITECTURE.md and docs/*.md name exists', () => {
    expect(docs.length).toBeGreaterThan(3);
    const problems = docs.flatMap((doc) => checkDocPaths(doc, read(repo, doc), repo));
    expect(problems.map(describeProblem)).toEqual([]);
  });

  it('every rule id the docs, the tests and the code quote is defined in docs/protocol.md', () => {
    expect(defined.size).toBeGreaterThan(20);
    const problems = [...docs, ...sources].flatMap((file) => checkRuleIds(file, read(repo, file), defined));
    expect(problems.map(describeProblem)).toEqual([]);
  });

  it('every document a code comment cites is in the repository', () => {
    const problems = sources.flatMap((file) => checkCitedDocs(file, read(repo, file), repo));
    expect(problems.map(describeProblem)).toEqual([]);
  });
});
