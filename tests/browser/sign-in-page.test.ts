import { describe, expect, it } from 'vitest';
import { watchPage } from '../harness/browser.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { freePort, startServer, type RunningServer } from '../harness/server.ts';

describe('the sign-in page reached by an IP address', () => {
  const browser = useBrowser();

  it('explains that passkeys need a domain name and https, instead of the browser\'s "invalid domain"', async () => {
    const port = await freePort();
    const server: RunningServer = await startServer({
      env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` },
    });
    const context = await browser().newContext();
    try {
      const page = await context.newPage();
      const problems = watchPage(page);
      await page.goto(server.url);
      const advice = page.getByTestId('passkey-origin-problem');
      await expect.poll(() => advice.textContent()).toContain('Passkeys need a domain name');
      expect(await advice.textContent()).toContain('https://');
      // Not offered where the browser would refuse them.
      expect(await page.getByRole('button', { name: 'Sign in with a passkey' }).isDisabled()).toBe(true);
      expect(problems.pageErrors).toEqual([]);
    } finally {
      await context.close();
      await server.dispose();
    }
  });
});

describe('the sign-in page at localhost', () => {
  const server = useServer('browser-sign-in-page');
  const browser = useBrowser();

  it('offers passkeys with no address warning', async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    await page.goto(server().url);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).waitFor();
    expect(await page.getByRole('button', { name: 'Sign in with a passkey' }).isDisabled()).toBe(false);
    expect(await page.getByTestId('passkey-origin-problem').count()).toBe(0);
    await context.close();
  });

  it('loads only what signing in needs: no Yjs, no Dexie, no sync client, no signed-in shell', async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    const scripts: Promise<{ url: string; text: string }>[] = [];
    page.on('response', (response) => {
      if (response.request().resourceType() === 'script') {
        scripts.push(response.text().then((text) => ({ url: response.url(), text })));
      }
    });
    await page.goto(server().url);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).waitFor();
    // The page settles (idle preloads would show here too) before the scripts are read.
    await page.waitForLoadState('networkidle');
    const loaded = await Promise.all(scripts);
    expect(loaded.length).toBeGreaterThan(0);
    // Strings only those libraries' code holds, whatever chunk the bundler puts them in.
    // (the sync client's socket: its close reason; the sync constants alone may load for sign-out;
    // the signed-in shell: its search box, shell/ChatShell.tsx).
    for (const marker of [
      'Yjs was already imported',
      'Dexie',
      'dropped by client',
      'Search conversations, people and messages',
    ]) {
      expect(
        loaded.filter((script) => script.text.includes(marker)).map((script) => script.url),
        marker,
      ).toEqual([]);
    }
    await context.close();
  });
});
