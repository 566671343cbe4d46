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

/** The app's folders (app/src/*), and which of them are screens: what a person sees, fed by the session. */
const APP_FOLDERS = [
  'lib',
  'api',
  'sync',
  'session',
  'chat',
  'social',
  'accounts',
  'shell',
  'ui',
  'app',
  'pwa',
  'search',
  'export',
  'notifications',
  'attachments',
];
const SCREENS = ['chat', 'social', 'accounts', 'export', 'notifications'];
/**
 * search/ has two sides: its index (the worker, the page's MessageSearch, the OPFS files) sits
 * below the session, which feeds it the message index's changes and deletes it on sign-out;
 * its views (the results list and its hook) are a screen.
 */
const SEARCH_VIEWS = ['./app/src/search/*.tsx', './app/src/search/use-*.ts'];
const SEARCH_INDEX = './app/src/search/!(*.tsx|use-*.ts)';
const appPath = (folder) => `./app/src/${folder}`;
/** The same as a glob, for zones whose `from` mixes folders and single files (all globs or none). */
const appGlob = (folder) => `./app/src/${folder}/**`;
/** The sync client's joining modules, above its layers (socket/, tabs/, core/). */
const SYNC_JOIN = ['sync-client', 'conversation-segments', 'index'].map(
  (name) => `./app/src/sync/${name}.ts`,
);

/** Layering by path (imports that reach across folders relatively), for every file. */
const BASE_ZONES = [
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
];

/** The app's layers by path, for the app's own modules (its unit tests may join real parts). */
const APP_ZONES = [
  // The app's layers (ARCHITECTURE.md "Layering"), lowest first: lib/ ← api/ ← sync/ ←
  // session/ ← the screens (chat/, social/, accounts/) ← shell/; ui/ holds primitives
  // that know no data. main.tsx, boot.ts and start-app.tsx start it
  // all and may import anything.
  {
    target: './app/src/lib',
    from: APP_FOLDERS.filter((folder) => folder !== 'lib').map(appPath),
    message: 'lib/ is the bottom of the app: it imports nothing of it.',
  },
  ...['api', 'app', 'pwa', 'attachments'].map((folder) => ({
    target: appPath(folder),
    from: APP_FOLDERS.filter((other) => other !== 'lib' && other !== folder).map(appPath),
    message: `${folder}/ stands on lib/ alone: what it needs of a session is passed in.`,
  })),
  {
    target: './app/src/sync',
    from: APP_FOLDERS.filter((folder) => !['lib', 'sync'].includes(folder)).map(appPath),
    message: 'The sync client knows no session, screens or HTTP: they use it from above.',
  },
  {
    target: './app/src/sync/core',
    from: ['./app/src/sync/socket', './app/src/sync/tabs', ...SYNC_JOIN],
    message: 'The sync core knows no socket and no tabs: it speaks through an Upstream (core/upstream.ts).',
  },
  {
    target: './app/src/sync/socket',
    from: ['./app/src/sync/core', './app/src/sync/tabs', ...SYNC_JOIN],
    message: 'The socket knows no documents and no tabs.',
  },
  {
    target: './app/src/sync/tabs',
    from: SYNC_JOIN,
    message: 'Tab sharing wraps the socket and the core; the client (sync-client.ts) joins them.',
  },
  {
    target: './app/src/session',
    from: [...SCREENS.concat(['shell', 'ui', 'app', 'pwa']).map(appGlob), ...SEARCH_VIEWS],
    message: 'The session knows no screens: they read it.',
  },
  {
    target: SEARCH_INDEX,
    from: [
      ...APP_FOLDERS.filter((folder) => !['lib', 'sync', 'search'].includes(folder)).map(appGlob),
      ...SEARCH_VIEWS,
    ],
    message: 'The search index knows no session or screens: the session feeds it (onMessagesIndexed).',
  },
  {
    target: [...[...SCREENS, 'shell'].map(appPath), ...SEARCH_VIEWS],
    from: './app/src/session',
    except: ['./index.ts'],
    message: 'Screens reach the session only through its public side, session/index.ts.',
  },
  {
    target: [...[...SCREENS, 'shell'].map(appPath), ...SEARCH_VIEWS],
    from: './app/src/sync',
    message: 'Screens reach the sync client only through the session (session/index.ts).',
  },
  {
    target: [...SCREENS.map(appPath), ...SEARCH_VIEWS],
    from: './app/src/shell',
    message: 'The shell holds the screens, never the other way round: take what the shell gives as props.',
  },
  {
    target: './app/src/ui',
    from: APP_FOLDERS.filter((folder) => !['lib', 'ui'].includes(folder)).map(appPath),
    message: 'ui/ holds primitives that know no data: pass them what they show.',
  },
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
          zones: BASE_ZONES,
        },
      ],
    },
  },
  {
    files: ['app/src/**/*.{ts,tsx}'],
    ignores: ['**/*.test.{ts,tsx}'],
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: root, zones: [...BASE_ZONES, ...APP_ZONES] }],
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
        'The sync client knows no React (screens read it through the session); app/ and sync-server/ meet only in shared/.',
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
