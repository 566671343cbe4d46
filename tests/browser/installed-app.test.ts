import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signIn, signUp } from '../harness/accounts.ts';
import { deviceContext, launchProfileBrowser, watchPage, type Page } from '../harness/browser.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { REPO_DIR } from '../harness/paths.ts';
import { LIVE } from '../harness/patience.ts';
import { makeFriends } from '../harness/social.ts';

// A copy of the built app: the update test publishes a new version of it while a page is open.
const staticDir = mkdtempSync(path.join(os.tmpdir(), 'messenjo-installed-'));
cpSync(path.join(REPO_DIR, 'app', 'dist'), staticDir, { recursive: true });
afterAll(() => rmSync(staticDir, { recursive: true, force: true }));

/** Waits until the app's service worker controls the page (it does from the first reload after installing). */
async function controlled(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  if (await page.evaluate(() => navigator.serviceWorker.controller === null)) await page.reload();
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), LIVE).toBe(true);
}

describe('the installed app', () => {
  const server = useServer('browser-installed-app', { env: { STATIC_DIR: staticDir } });
  const browser = useBrowser();

  it('is installable: Chromium reports no installability error, every manifest icon loads at its size', async () => {
    const profile = mkdtempSync(path.join(os.tmpdir(), 'messenjo-profile-'));
    const context = await launchProfileBrowser(profile);
    const page = await context.newPage();
    const problems = watchPage(page);
    await page.goto(server().url);
    await controlled(page);
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
      installabilityErrors: { errorId: string }[];
    };
    expect(installabilityErrors).toEqual([]);

    const { errors, data } = (await cdp.send('Page.getAppManifest')) as {
      errors: unknown[];
      data?: string;
    };
    expect(errors).toEqual([]);
    const manifest = JSON.parse(data ?? '{}') as {
      theme_color: string;
      icons: { src: string; sizes: string; type: string; purpose: string }[];
    };
    const pngs = manifest.icons.filter((icon) => icon.type === 'image/png');
    expect(pngs.map((icon) => `${icon.purpose} ${icon.sizes}`).sort()).toEqual([
      'any 192x192',
      'any 512x512',
      'maskable 192x192',
      'maskable 512x512',
    ]);
    for (const icon of pngs) {
      const size = await page.evaluate(async (src) => {
        const bitmap = await createImageBitmap(await (await fetch(src)).blob());
        return `${bitmap.width}x${bitmap.height}`;
      }, icon.src);
      expect(size, icon.src).toBe(icon.sizes);
    }
    // One title-bar colour per scheme, each the canvas of that theme.
    const metas = await page.$$eval('meta[name="theme-color"]', (tags) =>
      tags.map((tag) => `${tag.getAttribute('media')} ${tag.getAttribute('content')}`),
    );
    expect(metas).toHaveLength(2);
    expect(problems.pageErrors).toEqual([]);
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it('the title bar follows the theme chosen in settings', async () => {
    const alice = await signUp(server().url, { username: `theme_${Math.random().toString(36).slice(2, 6)}` });
    const context = await deviceContext(browser(), server().url, (await signIn(server().url, alice)).cookie, {
      colorScheme: 'light',
    });
    const page = await context.newPage();
    await page.goto(`${server().url}/settings`);
    const colours = () =>
      page.$$eval('meta[name="theme-color"]', (tags) => [
        ...new Set(tags.map((tag) => tag.getAttribute('content'))),
      ]);
    await page.getByText('Dark', { exact: true }).click();
    await expect.poll(colours, LIVE).toEqual(['#0a0a0a']);
    await page.getByText('Light', { exact: true }).click();
    await expect.poll(colours, LIVE).toEqual(['#ffffff']);
    // Storage: how much the app keeps here, and whether the browser may clear it.
    await expect
      .poll(() => page.getByTestId('storage-usage').textContent(), LIVE)
      .toMatch(/Messenjo uses [\d.]+ (bytes|KB|MB)/);
    await expect.poll(() => page.getByTestId('storage-persisted').count(), LIVE).toBe(1);
    await context.close();
  });

  it('keeps to its own Content-Security-Policy: the conversation view makes the browser report no violation', async () => {
    const tag = Math.random().toString(36).slice(2, 6);
    const carol = await signUp(server().url, { username: `csp_${tag}` });
    const dan = await signUp(server().url, { username: `csp2_${tag}` });
    const conversationId = await makeFriends(server().url, carol, dan);
    const context = await deviceContext(browser(), server().url, (await signIn(server().url, carol)).cookie);
    const page = await context.newPage();
    // What DevTools' Issues panel lists (and Lighthouse's best practices counts), as it happens.
    const cdp = await context.newCDPSession(page);
    const violations: string[] = [];
    cdp.on('Audits.issueAdded', ({ issue }: { issue: { code: string; details: unknown } }) => {
      if (issue.code === 'ContentSecurityPolicyIssue') violations.push(JSON.stringify(issue.details));
    });
    await cdp.send('Audits.enable');
    await page.goto(`${server().url}/c/${conversationId}`);
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('under the policy');
    await box.press('Enter');
    // Stored by the server: every schema of the session, the chat and the socket has been built and used.
    await expect.poll(() => page.getByTitle('Stored by the server').count(), LIVE).toBe(1);
    await cdp.send('Runtime.evaluate', { expression: '0' });
    expect(violations).toEqual([]);
    await context.close();
  });

  it('offers a new version and applies it only when the person clicks, never under their typing', async () => {
    const bob = await signUp(server().url, { username: `update_${Math.random().toString(36).slice(2, 6)}` });
    const context = await deviceContext(browser(), server().url, (await signIn(server().url, bob)).cookie);
    const page = await context.newPage();
    const problems = watchPage(page);
    await page.goto(server().url);
    await controlled(page);
    const search = page.getByRole('searchbox', { name: 'Search conversations' });
    await search.fill('half-typed');
    await page.evaluate(() => {
      (window as unknown as { stillHere: boolean }).stillHere = true;
    });

    // A deploy: a new service worker (its precompressed copies go too, else they would still be served).
    const sw = path.join(staticDir, 'sw.js');
    writeFileSync(sw, `${readFileSync(sw, 'utf8')}\n// the next version\n`);
    rmSync(`${sw}.br`, { force: true });
    rmSync(`${sw}.gz`, { force: true });
    await page.evaluate(async () => {
      await (await navigator.serviceWorker.getRegistration())?.update();
    });

    const offer = page.getByRole('button', { name: /reload to update/ });
    await offer.waitFor(LIVE);
    // Offered, not forced: the page is the same one and the text is still there.
    expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
    expect(await search.inputValue()).toBe('half-typed');
    expect(
      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting !== null),
    ).toBe(true);

    // The page is still fetching when the person clicks, as it is in the seconds after a start
    // (the other screens' code): a fetch while the new worker takes over stalled the takeover and
    // hung the reload (register-sw.ts). The update waits for a quiet moment instead.
    await page.evaluate(() => {
      let started = 0;
      const next = (): void => {
        if (started++ < 40) void fetch(`/icon-192.png?busy=${started}`).finally(() => setTimeout(next, 10));
      };
      for (let i = 0; i < 3; i++) next();
    });
    const reloaded = page.waitForEvent('load', LIVE);
    await offer.click();
    await reloaded;
    expect(
      await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere),
    ).toBeUndefined();
    await expect
      .poll(
        () => page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null),
        LIVE,
      )
      .toBeNull();
    await page.getByRole('searchbox', { name: 'Search conversations' }).waitFor();
    expect(await offer.count()).toBe(0);
    expect(problems.pageErrors).toEqual([]);
    await context.close();
  });
});
