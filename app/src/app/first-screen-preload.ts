/**
 * The code of the first screen, fetched as soon as the app knows which screen that is (boot.ts),
 * instead of once React has rendered and the screen's lazy import asks for it. The build writes
 * each screen's chunks into index.html as `<meta name="messenjo-preload:<screen>">` (vite.config.ts,
 * `preloadChunks`); this adds a `<link rel="modulepreload">` per chunk: fetched and compiled,
 * not run, so nothing here costs the main thread before the first paint. In development (no
 * build) there are no such tags and nothing happens.
 */
export type FirstScreenCode =
  /** The sign-in page (a visitor). */
  | 'sign-in'
  /** The signed-in app (shell/SignedInApp.tsx) and its working half (the session engine: Dexie, Yjs, the sync client). */
  | 'signed-in'
  /** An open conversation's pane. */
  | 'conversation';

const asked = new Set<string>();

export function preloadFirstScreen(screen: FirstScreenCode): void {
  const meta = document.querySelector<HTMLMetaElement>(`meta[name="messenjo-preload:${screen}"]`);
  for (const href of meta?.content.split(' ') ?? []) {
    if (!href || asked.has(href)) continue;
    asked.add(href);
    const link = document.createElement('link');
    link.rel = 'modulepreload';
    link.crossOrigin = '';
    link.href = href;
    document.head.append(link);
  }
}
