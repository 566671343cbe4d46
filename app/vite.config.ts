import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// In development the Vite server proxies the API and the sync socket to the Node server.
const SERVER = process.env.MESSENJO_DEV_SERVER ?? 'http://localhost:8080';

export default defineConfig({
  plugins: [
    react(),
    tailwindcss(),
    VitePWA({
      // Our own service worker (src/sw.ts): precache plus the push and notification handlers later issues add.
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      // The app registers the worker itself and offers updates; nothing is injected inline (CSP: script-src 'self').
      injectRegister: false,
      registerType: 'prompt',
      manifest: {
        name: 'Messenjo',
        short_name: 'Messenjo',
        description: 'Your conversations, on every device, even offline.',
        theme_color: '#0a0a0b',
        background_color: '#0a0a0b',
        display: 'standalone',
        start_url: '/',
        scope: '/',
        icons: [
          { src: '/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
          { src: '/icon-maskable.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'maskable' },
        ],
      },
      injectManifest: {
        // wasm: SQLite of the search worker (search/opfs-db.ts), so search works offline from the start.
        globPatterns: ['**/*.{js,css,html,svg,webmanifest,wasm}'],
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
