import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { afterEach, describe, expect, it } from 'vitest';
import { noImportCycle } from './no-import-cycle.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** Lints a throwaway TypeScript project made of `files` with only this rule on; returns the messages per file. */
async function lintProject(
  files: Record<string, string>,
  allow: [string, string][] = [],
): Promise<Record<string, string[]>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'messenjo-cycle-'));
  folders.push(dir);
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'ESNext',
        moduleResolution: 'Bundler',
        allowImportingTsExtensions: true,
        noEmit: true,
        strict: true,
      },
      include: ['*.ts'],
    }),
  );
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  const eslint = new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: {
          parser: tseslint.parser,
          parserOptions: { projectService: true, tsconfigRootDir: dir },
        },
        plugins: { messenjo: { rules: { 'no-import-cycle': noImportCycle } } },
        rules: {
          'messenjo/no-import-cycle': [
            'error',
            { allow: allow.map((pair) => pair.map((file) => path.join(dir, file))) },
          ],
        },
      },
    ],
  });
  const results = await eslint.lintFiles(Object.keys(files));
  return Object.fromEntries(
    results.map((result) => [path.relative(dir, result.filePath), result.messages.map((m) => m.message)]),
  );
}

describe('messenjo/no-import-cycle', () => {
  it('reports both imports of a two-file cycle, naming the way round', async () => {
    const messages = await lintProject({
      'a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
      'b.ts': "import { a } from './a.ts';\nexport const b = () => a;\n",
    });
    expect(messages).toEqual({
      'a.ts': ['Import cycle: a.ts → b.ts → a.ts'],
      'b.ts': ['Import cycle: b.ts → a.ts → b.ts'],
    });
  });

  it('counts type-only imports and re-exports (a cycle of types still ties the modules together)', async () => {
    const messages = await lintProject({
      'env.ts': "import type { Auth } from './context.ts';\nexport interface Env { auth: Auth }\n",
      'context.ts': "export type { Env } from './env.ts';\nexport interface Auth { id: string }\n",
    });
    expect(messages['env.ts']).toEqual(['Import cycle: env.ts → context.ts → env.ts']);
    expect(messages['context.ts']).toEqual(['Import cycle: context.ts → env.ts → context.ts']);
  });

  it('follows a longer cycle and leaves the files outside it alone', async () => {
    const messages = await lintProject({
      'a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
      'b.ts': "import { c } from './c.ts';\nexport const b = () => c;\n",
      'c.ts':
        "import { a } from './a.ts';\nimport { leaf } from './leaf.ts';\nexport const c = () => [a, leaf];\n",
      'leaf.ts': 'export const leaf = 1;\n',
    });
    expect(messages['a.ts']).toEqual(['Import cycle: a.ts → b.ts → c.ts → a.ts']);
    expect(messages['c.ts']).toEqual(['Import cycle: c.ts → a.ts → b.ts → c.ts']);
    expect(messages['leaf.ts']).toEqual([]);
  });

  it('passes a graph without cycles', async () => {
    const messages = await lintProject({
      'a.ts': "import { b } from './b.ts';\nexport const a = b;\n",
      'b.ts': 'export const b = 1;\n',
    });
    expect(messages).toEqual({ 'a.ts': [], 'b.ts': [] });
  });

  it('leaves out exactly the allowed pair, still catching a cycle around it', async () => {
    const files = {
      'hub.ts': "import { connection } from './connection.ts';\nexport const hub = () => connection;\n",
      'connection.ts': "import { hub } from './hub.ts';\nexport const connection = () => hub;\n",
    };
    expect(await lintProject(files, [['connection.ts', 'hub.ts']])).toEqual({
      'hub.ts': [],
      'connection.ts': [],
    });
    const around = await lintProject(
      {
        ...files,
        'room.ts': "import { hub } from './hub.ts';\nexport const room = () => hub;\n",
        'hub.ts':
          "import { connection } from './connection.ts';\nimport { room } from './room.ts';\nexport const hub = () => [connection, room];\n",
      },
      [['connection.ts', 'hub.ts']],
    );
    expect(around['room.ts']).toEqual(['Import cycle: room.ts → hub.ts → room.ts']);
    expect(around['connection.ts']).toEqual([]);
  });
});
