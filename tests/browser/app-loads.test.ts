import { describe, expect, it } from 'vitest';
import { watchPage } from '../harness/browser.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';

describe('the PWA served by the built server', () => {
  const server = useServer('browser-app-loads');
  const browser = useBrowser();

  it('loads, reaches the server and runs under the CSP without errors', async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    const problems = watchPage(page);
    await page.goto(server().url);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Messenjo');
    await expect.poll(() => page.getByRole('status').getAttribute('data-state')).toBe('online');
    // The stylesheet applied: Tailwind's utilities changed the layout.
    const display = await page.locator('main').evaluate((el) => getComputedStyle(el).display);
    expect(display).toBe('flex');
    expect(problems.pageErrors).toEqual([]);
    expect(problems.consoleErrors).toEqual([]);
    await context.close();
  });

  it('installs the service worker and opens the shell with no network', async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    await page.goto(server().url);
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    // Wait until the worker controls the page, then reload it offline from the precache.
    await page.reload();
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    await context.setOffline(true);
    await page.reload();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Messenjo');
    await expect.poll(() => page.getByRole('status').getAttribute('data-state')).toBe('offline');
    // Search's SQLite comes from the precache too, stored decoded although the server sent brotli.
    const wasm = await page.evaluate(async () => {
      let url: string | undefined;
      for (const name of await caches.keys())
        url ??= (await (await caches.open(name)).keys()).map((r) => r.url).find((u) => u.endsWith('.wasm'));
      if (!url) return { url: 'none', valid: false };
      const response = await fetch(url);
      return { url, valid: WebAssembly.validate(await response.arrayBuffer()) };
    });
    expect(wasm.url).toMatch(/\/assets\/sqlite3-.+\.wasm$/);
    expect(wasm.valid).toBe(true);
    await context.close();
  });
});
