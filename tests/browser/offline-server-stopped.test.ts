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
import { writeHistory } from '../harness/history.ts';
import { LIVE } from '../harness/patience.ts';

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
  /**
   * A message's text as the person sees it. `first`: the newest segment holds a message or two,
   * too few to fill the view, so the virtualized list takes over from the plain newest rows at
   * every open, and for the frames of that hand-over the row is in both lists (the plain one on
   * top, first in the page).
   */
  const messageText = (page: Page, text: string) =>
    page.getByTestId('message-text').filter({ hasText: text }).first();
  /** Whether a message's text is on the screen (inside the window), not merely in the page. */
  const onScreen = (page: Page, text: string) =>
    page.evaluate((wanted) => {
      const shown = Array.from(document.querySelectorAll<HTMLElement>('[data-testid="message-text"]'));
      const row = shown.find((e) => e.textContent === wanted && e.checkVisibility());
      if (!row) return false;
      const box = row.getBoundingClientRect();
      return box.top >= 0 && box.bottom <= window.innerHeight;
    }, text);

  it(
    'reloads with its newest messages of a 1,000-message history, accepts messages as pending, warns before closing, and delivers them when the server is back',
    { timeout: 150_000 },
    async () => {
      const port = await freePort();
      server = await startServer({ dataDir, env: { PORT: String(port) } });
      const url = server.url;
      const tag = Math.random().toString(36).slice(2, 6);
      const alice = await signUp(url, { username: `alice_${tag}` });
      const bob = await signUp(url, { username: `bob_${tag}` });
      const conversationId = await makeFriends(url, alice, bob);
      // A full segment of history (Alice wrote it, so it opens at the newest, nothing unread).
      const history = await writeHistory(url, alice, conversationId, 1);

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
      // The shell from the service worker, the newest messages from the device, on the screen.
      await messageText(page, 'said before the stop').waitFor(LIVE);
      for (const text of ['said before the stop', ...history.slice(-3)])
        await expect.poll(() => onScreen(page, text), LIVE).toBe(true);
      // Opened at the newest: the beginning of the history is not on the screen.
      expect(await onScreen(page, history[0]!)).toBe(false);
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
      // On the screen, above the conversation, with the message box still in view below (the pane
      // must not be taller than what the banner leaves it).
      const banner = (await shownBanner(page).boundingBox())!;
      const composer = (await box.boundingBox())!;
      expect(banner.y).toBeGreaterThanOrEqual(0);
      expect(composer.y + composer.height).toBeLessThanOrEqual(740);

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

      // The same server comes back on the same address and data folder; the page in view retries
      // every few seconds at most (app/src/sync/constants.ts), so it is reached within LIVE.
      server = await startServer({ dataDir, env: { PORT: String(port) } });
      // Nothing is left only on this device (the stored mark moves to the newest message).
      await expect
        .poll(
          () => page.getByTitle('Only on this device: it goes out when the connection is back').count(),
          LIVE,
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
