import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signIn, signUp } from '../harness/accounts.ts';
import { deviceContext, watchPage, type BrowserContext, type Page } from '../harness/browser.ts';
import { reloadUnderServiceWorker } from '../harness/devices.ts';
import { useBrowser } from '../harness/fixtures.ts';
import { freePort, startServer, type RunningServer } from '../harness/server.ts';
import { makeFriends } from '../harness/social.ts';
import { LIVE } from '../harness/patience.ts';

/** The app retries with a jittered backoff capped at 30 s (app/src/sync/constants.ts): a stop of ~15 s waits up to ~16 s more. */
const BACK = { timeout: LIVE.timeout + 30_000 };

/**
 * The server itself stopped (a deploy, a crash, the home server rebooting), not the browser's
 * network switched off: the app must start from the device, keep what is written, warn before the
 * tab closes, and send it all once the same server is back on the same address.
 */
describe('the app with its server stopped', () => {
  const browser = useBrowser();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'messenjo-stopped-'));
  const contexts: BrowserContext[] = [];
  let server: RunningServer | undefined;
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await server?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The banner the person sees (the list's copy is in the page too, hidden behind the pane on a phone). */
  const shownBanner = (page: Page) => page.locator('[data-testid="offline-banner"]:visible');
  const messageText = (page: Page, text: string) =>
    page.getByTestId('message-text').filter({ hasText: text });

  it(
    'reloads with history, accepts messages as pending, warns before closing, and delivers them when the server is back',
    { timeout: 150_000 },
    async () => {
      const port = await freePort();
      server = await startServer({ dataDir, env: { PORT: String(port) } });
      const url = server.url;
      const tag = Math.random().toString(36).slice(2, 6);
      const alice = await signUp(url, { username: `alice_${tag}` });
      const bob = await signUp(url, { username: `bob_${tag}` });
      const conversationId = await makeFriends(url, alice, bob);

      // Alice on a phone (360 px: one pane at a time).
      const phone = await deviceContext(browser(), url, (await signIn(url, alice)).cookie, {
        viewport: { width: 360, height: 740 },
      });
      contexts.push(phone);
      const page = await phone.newPage();
      const problems = watchPage(page);
      await page.goto(`${url}/c/${conversationId}`);
      const box = page.getByRole('textbox', { name: 'Message' });
      await box.fill('said before the stop');
      await box.press('Enter');
      await expect.poll(() => page.getByTitle('Stored by the server').count(), LIVE).toBe(1);
      await reloadUnderServiceWorker(page);
      await messageText(page, 'said before the stop').waitFor(LIVE);

      expect(await server.stop('SIGTERM')).toBe(0);
      await page.reload();
      // The shell from the service worker, the history from the device.
      await messageText(page, 'said before the stop').waitFor(LIVE);
      // The chat pane itself says it is offline (the list's banner is hidden behind it on a phone).
      await expect.poll(() => shownBanner(page).count(), LIVE).toBe(1);

      await box.fill('written while the server was down');
      await box.press('Enter');
      await messageText(page, 'written while the server was down').waitFor(LIVE);
      await expect
        .poll(
          () => page.getByTitle('Only on this device: it goes out when the connection is back').count(),
          LIVE,
        )
        .toBe(1);
      await expect.poll(() => shownBanner(page).textContent(), LIVE).toContain('1 message waits');

      // Closing the tab now asks first; the person stays.
      const dialog = new Promise<string>((resolve) =>
        page.once('dialog', (d) => {
          resolve(d.type());
          void d.dismiss();
        }),
      );
      await page.close({ runBeforeUnload: true });
      expect(await dialog).toBe('beforeunload');
      expect(page.isClosed()).toBe(false);

      // The same server comes back on the same address and data folder.
      server = await startServer({ dataDir, env: { PORT: String(port) } });
      // Nothing is left only on this device (the stored mark moves to the newest message).
      await expect
        .poll(
          () => page.getByTitle('Only on this device: it goes out when the connection is back').count(),
          BACK,
        )
        .toBe(0);
      await expect.poll(() => shownBanner(page).count(), LIVE).toBe(0);

      // Bob's laptop, opened afterwards, has it.
      const laptop = await deviceContext(browser(), url, (await signIn(url, bob)).cookie);
      contexts.push(laptop);
      const bobPage = await laptop.newPage();
      await bobPage.goto(`${url}/c/${conversationId}`);
      await messageText(bobPage, 'written while the server was down').waitFor(LIVE);
      expect(problems.pageErrors).toEqual([]);
    },
  );
});
