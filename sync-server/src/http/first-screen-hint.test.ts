import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppEnv } from './env.ts';
import { staticFiles } from './static-files.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'messenjo-hint-'));
mkdirSync(path.join(dir, 'assets'), { recursive: true });
const SHELL = `<!doctype html><head>
<script type="module" crossorigin src="/assets/index-aaa.js"></script>
<link rel="modulepreload" crossorigin href="/assets/runtime-bbb.js">
<link rel="stylesheet" crossorigin href="/assets/index-ccc.css">
<link rel="modulepreload" crossorigin href="/assets/start-app-ddd.js">
<link rel="icon" href="/icon.svg">
<link rel="modulepreload" crossorigin href="https://elsewhere.example/x.js">
<meta name="messenjo-preload:sign-in" content="/assets/SignInPage-abc.js /assets/Card-def.js">
<meta name="messenjo-preload:signed-in" content="/assets/SignedInApp-ghi.js /assets/engine-jkl.js">
<meta name="messenjo-preload:conversation" content="/assets/ConversationPane-mno.js /assets/engine-jkl.js">
</head><div id="root"></div>`;
writeFileSync(path.join(dir, 'index.html'), SHELL);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The static middleware as app.ts mounts it: a visitor is a request without the `sid` cookie. */
const app = new Hono<AppEnv>().use(
  '*',
  staticFiles(dir, { isVisitor: (c) => getCookie(c, 'sid') === undefined }),
);
const NAVIGATE = { 'Sec-Fetch-Mode': 'navigate' };

const linksOf = (response: Response): string[] =>
  (response.headers.get('link') ?? '').split(', ').filter(Boolean);
const preload = (chunk: string): string => `<${chunk}>; rel=modulepreload; crossorigin`;
/** The shell's own stylesheet and scripts come first: the first paint needs them before any screen's code. */
const SHELL_LINKS = [
  '</assets/index-ccc.css>; rel=preload; as=style; crossorigin',
  preload('/assets/index-aaa.js'),
  preload('/assets/runtime-bbb.js'),
  preload('/assets/start-app-ddd.js'),
];

describe("the shell's hint of the first screen's code", () => {
  it("announces the sign-in page's chunks, and only those, to a visitor's page load", async () => {
    for (const url of ['/', '/c/some-conversation']) {
      const response = await app.request(url, { headers: NAVIGATE });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(SHELL);
      expect(linksOf(response)).toEqual([
        ...SHELL_LINKS,
        preload('/assets/SignInPage-abc.js'),
        preload('/assets/Card-def.js'),
      ]);
      expect(response.headers.get('vary')).toContain('Cookie');
    }
  });

  it("announces the signed-in app's chunks to a page load with a session, and a conversation's pane on its address", async () => {
    const withSession = { ...NAVIGATE, Cookie: 'sid=token' };
    const list = await app.request('/', { headers: withSession });
    expect(list.status).toBe(200);
    expect(await list.text()).toBe(SHELL);
    expect(linksOf(list)).toEqual([
      ...SHELL_LINKS,
      preload('/assets/SignedInApp-ghi.js'),
      preload('/assets/engine-jkl.js'),
    ]);
    expect(list.headers.get('vary')).toContain('Cookie');
    for (const url of ['/c/c_abc', '/c/c_abc/m/m_def']) {
      const conversation = await app.request(url, { headers: withSession });
      // Each chunk once, though both screens list the engine.
      expect(linksOf(conversation)).toEqual([
        ...SHELL_LINKS,
        preload('/assets/SignedInApp-ghi.js'),
        preload('/assets/engine-jkl.js'),
        preload('/assets/ConversationPane-mno.js'),
      ]);
    }
    // Another page of the app (settings): no conversation's pane.
    const settings = await app.request('/settings', { headers: withSession });
    expect(linksOf(settings)).toEqual([
      ...SHELL_LINKS,
      preload('/assets/SignedInApp-ghi.js'),
      preload('/assets/engine-jkl.js'),
    ]);
  });

  it('announces nothing to a fetch that is not a page load', async () => {
    // The service worker's precache of the shell: kept for whoever opens the app later.
    for (const cookie of [undefined, 'sid=token']) {
      const headers: Record<string, string> = { 'Sec-Fetch-Mode': 'same-origin' };
      if (cookie) headers.Cookie = cookie;
      const precache = await app.request('/', { headers });
      expect(precache.status).toBe(200);
      expect(precache.headers.get('link')).toBeNull();
    }
  });

  it('announces nothing when the shell lists no chunks (a development build)', async () => {
    const bare = mkdtempSync(path.join(os.tmpdir(), 'messenjo-hint-bare-'));
    writeFileSync(path.join(bare, 'index.html'), '<!doctype html><div id="root"></div>');
    const plain = new Hono<AppEnv>().use('*', staticFiles(bare, { isVisitor: () => true }));
    const response = await plain.request('/', { headers: NAVIGATE });
    expect(response.status).toBe(200);
    expect(response.headers.get('link')).toBeNull();
    rmSync(bare, { recursive: true, force: true });
  });
});
