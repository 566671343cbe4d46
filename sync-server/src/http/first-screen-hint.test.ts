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
<meta name="messenjo-preload:sign-in" content="/assets/SignInPage-abc.js /assets/Card-def.js">
<meta name="messenjo-preload:signed-in" content="/assets/SignedInApp-ghi.js">
</head><div id="root"></div>`;
writeFileSync(path.join(dir, 'index.html'), SHELL);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The static middleware as app.ts mounts it: a visitor is a request without the `sid` cookie. */
const app = new Hono<AppEnv>().use(
  '*',
  staticFiles(dir, { isVisitor: (c) => getCookie(c, 'sid') === undefined }),
);
const NAVIGATE = { 'Sec-Fetch-Mode': 'navigate' };

describe("the shell's hint of the sign-in page's code", () => {
  it("announces the sign-in page's chunks, and only those, to a visitor's page load", async () => {
    for (const url of ['/', '/c/some-conversation']) {
      const response = await app.request(url, { headers: NAVIGATE });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(SHELL);
      expect(response.headers.get('link')).toBe(
        '</assets/SignInPage-abc.js>; rel=modulepreload; crossorigin, </assets/Card-def.js>; rel=modulepreload; crossorigin',
      );
      expect(response.headers.get('vary')).toContain('Cookie');
    }
  });

  it('announces nothing to a device with a session, nor to a fetch that is not a page load', async () => {
    const signedIn = await app.request('/', { headers: { ...NAVIGATE, Cookie: 'sid=token' } });
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.get('link')).toBeNull();
    expect(signedIn.headers.get('vary')).toContain('Cookie');
    // The service worker's precache of the shell: kept for whoever opens the app later.
    const precache = await app.request('/', { headers: { 'Sec-Fetch-Mode': 'same-origin' } });
    expect(precache.headers.get('link')).toBeNull();
  });

  it('announces nothing when the shell lists no sign-in chunks (a development build)', async () => {
    const bare = mkdtempSync(path.join(os.tmpdir(), 'messenjo-hint-bare-'));
    writeFileSync(path.join(bare, 'index.html'), '<!doctype html><div id="root"></div>');
    const plain = new Hono<AppEnv>().use('*', staticFiles(bare, { isVisitor: () => true }));
    const response = await plain.request('/', { headers: NAVIGATE });
    expect(response.status).toBe(200);
    expect(response.headers.get('link')).toBeNull();
    rmSync(bare, { recursive: true, force: true });
  });
});
