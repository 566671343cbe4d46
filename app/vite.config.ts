import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

/**
 * The preloads of index.html. `app`: a chunk the entry imports dynamically (and the chunks it
 * imports) gets a `<link rel="modulepreload">`: main.tsx is a small entry that starts reading the
 * device's index, then imports React and the shell (`start-app.tsx`); preloaded, their fetch and
 * compile run beside that read instead of after the entry (docs/benchmarks.md, W6).
 * `screens`: each first screen's chunks (those not preloaded already) as a
 * `<meta name="messenjo-preload:<screen>">` list, which boot.ts turns into preloads once it knows
 * the screen (app/src/app/first-screen-preload.ts): a visitor never fetches the signed-in app.
 */
function preloadChunks(app: string, screens: Record<string, string[]>): Plugin {
  let base = '/';
  return {
    name: 'messenjo:preload-chunks',
    apply: 'build',
    configResolved(config) {
      base = config.base;
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, { bundle, chunk: entry }) {
        if (!bundle || !entry) return [];
        const chunks = Object.values(bundle).flatMap((c) => (c.type === 'chunk' ? [c] : []));
        const chunkOf = (source: string) => {
          const found = chunks.find((c) => c.facadeModuleId?.endsWith(source));
          if (!found) throw new Error(`preloadChunks: no chunk for ${source}`);
          return found.fileName;
        };
        const byName = new Map(chunks.map((c) => [c.fileName, c]));
        const graph = (from: string, seen: Set<string>): Set<string> => {
          if (seen.has(from)) return seen;
          seen.add(from);
          for (const next of byName.get(from)?.imports ?? []) graph(next, seen);
          return seen;
        };
        const already = graph(entry.fileName, new Set());
        const appFiles = [...graph(chunkOf(app), new Set())].filter((file) => !already.has(file));
        for (const file of appFiles) already.add(file);
        const links = appFiles.map((file) => ({
          tag: 'link',
          attrs: { rel: 'modulepreload', crossorigin: true, href: `${base}${file}` },
          injectTo: 'head' as const,
        }));
        const metas = Object.entries(screens).map(([screen, sources]) => {
          const files = new Set<string>();
          for (const source of sources) graph(chunkOf(source), files);
          return {
            tag: 'meta',
            attrs: {
              name: `messenjo-preload:${screen}`,
              content: [...files]
                .filter((file) => !already.has(file))
                .map((file) => `${base}${file}`)
                .join(' '),
            },
            injectTo: 'head' as const,
          };
        });
        return [...links, ...metas];
      },
    },
  };
}

// In development the Vite server proxies the API and the sync socket to the Node server.
const SERVER = process.env.MESSENJO_DEV_SERVER ?? 'http://localhost:8080';

export default defineConfig({
  plugins: [
    react(),
    tailwindcss(),
    preloadChunks('/src/start-app.tsx', {
      'sign-in': ['/src/accounts/SignInPage.tsx'],
      // The signed-in app first: start-app.tsx waits for it before the first render.
      'signed-in': ['/src/shell/SignedInApp.tsx', '/src/session/session-engine.ts'],
      conversation: ['/src/social/ConversationPane.tsx'],
    }),
    VitePWA({
      // Our own service worker (src/sw.ts): precache plus the push and notification handlers later issues add.
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      // The app registers the worker itself and offers updates; nothing is injected inline (CSP: script-src 'self').
      injectRegister: false,
      registerType: 'prompt',
      manifest: {
        // A stable identity: the installed app stays the same app if start_url ever changes.
        id: '/',
        name: 'Messenjo',
        short_name: 'Messenjo',
        description: 'Your conversations, on every device, even offline.',
        // The dark canvas (index.css); index.html's per-scheme theme-color tags override it in the page.
        theme_color: '#0a0a0a',
        background_color: '#0a0a0a',
        display: 'standalone',
        start_url: '/',
        scope: '/',
        lang: 'en',
        categories: ['social', 'communication'],
        // PNGs beside the SVGs: rendered from them by tests/scripts/make-icons.mjs (committed).
        icons: [
          { src: '/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icon-maskable.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'maskable' },
          { src: '/icon-maskable-192.png', sizes: '192x192', type: 'image/png', purpose: 'maskable' },
          { src: '/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: {
        // The shell, every chunk, the icons and the wasm SQLite of the search worker
        // (search/opfs-db.ts): the app, search included, starts with no network.
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest,wasm}'],
        // sqlite-wasm's own "Worker1" API chunk, which the app never starts.
        globIgnores: ['**/sqlite3-worker1-*.js'],
      },
      devOptions: { enabled: false },
    }),
  ],
  build: {
    target: 'es2022',
    sourcemap: true,
  },
  server: {
    proxy: {
      '/api': SERVER,
      '/healthz': SERVER,
      '/readyz': SERVER,
      '/sync': { target: SERVER.replace(/^http/, 'ws'), ws: true },
    },
  },
});
