import js from '@eslint/js';
import vitest from '@vitest/eslint-plugin';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { noImportCycle } from './tests/lint/no-import-cycle.js';

const root = import.meta.dirname;

// The layering of ARCHITECTURE.md ("Layering"), as packages each part may not import. A file
// gets one list (flat config replaces a rule's options, never merges them), so each list
// below includes the lists of the parts it sits in.
const OTHER_SIDES = {
  shared: ['@messenjo/app', '@messenjo/sync-server', '@messenjo/tests'],
  app: ['@messenjo/sync-server', '@messenjo/tests'],
  server: ['@messenjo/app', '@messenjo/tests'],
};
const REACT = ['react', 'react/*', 'react-dom', 'react-dom/*'];
const HTTP_AND_SOCKETS = ['hono', 'hono/*', '@hono/*', 'ws', 'node:http', 'node:https', 'node:net'];

/** The social graph's domain: everything in social/ but its routes, which speak HTTP for it. */
const SOCIAL_DOMAIN = 'sync-server/src/social/!(*routes).ts';

/**
 * The accounts domain: the rules and stores behind sign-up, usernames, sign-in methods,
 * sessions and pictures, and the OAuth providers' adapters. Routes, the session middleware
 * and the OAuth state cookie speak HTTP for it.
 */
const ACCOUNTS_DOMAIN = [
  'sync-server/src/accounts/{accounts,config,flows,refusals,registration,users}.ts',
  'sync-server/src/accounts/media/{detect-image,pictures}.ts',
  'sync-server/src/accounts/oauth/{complete,import-avatar,provider}.ts',
  'sync-server/src/accounts/oauth/providers/*.ts',
  'sync-server/src/accounts/passkeys/relying-party.ts',
  'sync-server/src/accounts/profile/{delete-account,me-view}.ts',
  'sync-server/src/accounts/session/auth-state.ts',
  'sync-server/src/sessions/!(*.test).ts',
];

/**
 * The sync server's three layers, one folder each (ARCHITECTURE.md "Layering"): `socket/` (the
 * upgrade, connections, frames), `engine/` (hub, rooms, the commit pipeline, policy) and `store/`
 * (DocStore, SQLite, the commit worker). Their code, not their tests: a test beside the code may
 * assemble the layers it drives (the hub with real connections, a store with the commit queue).
 */
const SYNC = 'sync-server/src/sync';
const syncLayer = (layer) => `${SYNC}/${layer}/!(*.test).ts`;

/** Server modules that store things: they know tables and rows, never requests or sockets. */
const SERVER_STORAGE = [
  'sync-server/src/db/**',
  'sync-server/src/**/*-store.ts',
  'sync-server/src/social/membership-queries.ts',
  syncLayer('store'),
];

function forbidPackages(packages, why) {
  return ['error', { patterns: [{ group: packages, message: why }] }];
}

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/data/**', '**/.test-artifacts/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: root },
      globals: { ...globals.node },
    },
    plugins: { 'import-x': importX, messenjo: { rules: { 'no-import-cycle': noImportCycle } } },
    settings: { 'import-x/resolver-next': [createNodeResolver()] },
    rules: {
      // Socket and storage code must never drop a promise on the floor.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'messenjo/no-import-cycle': 'error',
      // The same layering by path, for imports that reach across folders relatively.
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: root,
          zones: [
            {
              target: './shared',
              from: ['./app', './sync-server', './tests'],
              message: 'shared/ knows neither side: move what both need into shared/.',
            },
            {
              target: './app',
              from: ['./sync-server', './tests'],
              message: 'app/ and sync-server/ meet only in shared/.',
            },
            {
              target: './sync-server',
              from: ['./app', './tests'],
              message: 'app/ and sync-server/ meet only in shared/.',
            },
            {
              target: SERVER_STORAGE.map((glob) => `./${glob}`),
              from: [
                './sync-server/src/http/**',
                './sync-server/src/routes/**',
                './sync-server/src/**/routes.ts',
                './sync-server/src/**/*-routes.ts',
                `./${SYNC}/socket/**`,
              ],
              message: 'Storage knows no HTTP or sockets: let the caller turn its result into a response.',
            },
            {
              target: `./${syncLayer('store')}`,
              from: [`./${SYNC}/engine/**`, `./${SYNC}/socket/**`, `./${SYNC}/*.ts`],
              message:
                'The sync store knows neither the engine nor the sockets: the engine calls it through DocStore (store/doc-store.ts).',
            },
            {
              target: `./${syncLayer('engine')}`,
              from: [
                `./${SYNC}/socket/**`,
                `./${SYNC}/*.ts`,
                './sync-server/src/http/**',
                './sync-server/src/routes/**',
              ],
              message:
                'The sync engine knows no sockets or HTTP: it sees a connection as a Peer and is called as a ConnectionHost (engine/connection-host.ts).',
            },
            {
              target: `./${syncLayer('socket')}`,
              from: `./${SYNC}/engine`,
              except: ['./connection-host.ts'],
              message:
                'The socket side reaches the sync engine only through engine/connection-host.ts (serve-sync.ts wires the hub in).',
            },
            {
              target: `./${syncLayer('socket')}`,
              from: [`./${SYNC}/store/**`, `./${SYNC}/*.ts`],
              message: 'The socket side never touches the store: the engine reads and writes documents.',
            },
            {
              target: `./${SOCIAL_DOMAIN}`,
              from: ['./sync-server/src/http/**', './sync-server/src/**/*routes.ts'],
              message:
                'The social domain knows no HTTP: refuse with a DomainError (social/refusals.ts); onError gives the status.',
            },
            {
              target: ACCOUNTS_DOMAIN.map((glob) => `./${glob}`),
              from: [
                './sync-server/src/http/**',
                './sync-server/src/**/*routes.ts',
                './sync-server/src/accounts/*rate-limit.ts',
                './sync-server/src/accounts/session/{context,middleware,origin-check,sign-in}.ts',
              ],
              message:
                'The accounts domain knows no HTTP: refuse with a DomainError (accounts/refusals.ts); onError gives the status.',
            },
            {
              target: './app/src/sync/**',
              from: './app/src/**/*.tsx',
              message: 'The sync client knows no React: hooks and components read it from outside.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': forbidPackages(
        [...OTHER_SIDES.shared, ...REACT, ...HTTP_AND_SOCKETS],
        'shared/ knows neither side.',
      ),
    },
  },
  {
    files: ['app/**'],
    rules: {
      'no-restricted-imports': forbidPackages(OTHER_SIDES.app, 'app/ and sync-server/ meet only in shared/.'),
    },
  },
  {
    files: ['app/src/sync/**'],
    rules: {
      'no-restricted-imports': forbidPackages(
        [...OTHER_SIDES.app, ...REACT],
        'The sync client knows no React (hooks live in app/src/ui/); app/ and sync-server/ meet only in shared/.',
      ),
    },
  },
  {
    files: ['sync-server/**'],
    rules: {
      'no-restricted-imports': forbidPackages(
        OTHER_SIDES.server,
        'app/ and sync-server/ meet only in shared/.',
      ),
    },
  },
  {
    files: [SOCIAL_DOMAIN],
    rules: {
      'no-restricted-imports': forbidPackages(
        [...OTHER_SIDES.server, ...HTTP_AND_SOCKETS],
        'The social domain knows no HTTP or sockets; app/ and sync-server/ meet only in shared/.',
      ),
    },
  },
  {
    files: ACCOUNTS_DOMAIN,
    rules: {
      'no-restricted-imports': forbidPackages(
        [...OTHER_SIDES.server, ...HTTP_AND_SOCKETS],
        'The accounts domain knows no HTTP or sockets; app/ and sync-server/ meet only in shared/.',
      ),
    },
  },
  {
    files: [syncLayer('engine')],
    rules: {
      'no-restricted-imports': forbidPackages(
        [...OTHER_SIDES.server, ...HTTP_AND_SOCKETS],
        'The sync engine knows no HTTP or sockets (socket/ speaks `ws` for it); app/ and sync-server/ meet only in shared/.',
      ),
    },
  },
  {
    files: SERVER_STORAGE,
    rules: {
      'no-restricted-imports': forbidPackages(
        [...OTHER_SIDES.server, ...HTTP_AND_SOCKETS],
        'Storage knows no HTTP or sockets; app/ and sync-server/ meet only in shared/.',
      ),
    },
  },
  {
    // A focused or skipped test passes CI while testing less than it says.
    files: ['**/*.test.{ts,tsx}', '**/*.contract.ts', 'tests/**/*.ts'],
    plugins: { vitest },
    rules: {
      'vitest/no-focused-tests': ['error', { fixable: false }],
      'vitest/no-disabled-tests': 'error',
    },
  },
  {
    files: ['app/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
