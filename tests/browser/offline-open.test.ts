import { afterAll, describe, expect, it } from 'vitest';
import { signIn, signUp } from '../harness/accounts.ts';
import { deviceContext, watchPage, type BrowserContext } from '../harness/browser.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { makeFriends } from '../harness/social.ts';
import { LIVE } from '../harness/patience.ts';

/** Local first: a conversation the device lists opens offline even if it was never opened on this device. */
describe('opening a conversation offline in Chromium', () => {
  const server = useServer('browser-offline-open');
  const browser = useBrowser();
  const contexts: BrowserContext[] = [];

  afterAll(async () => {
    for (const context of contexts) await context.close();
  });

  it('a listed conversation never opened on this device opens offline after a reload, with its name and composer', async () => {
    const tag = Math.random().toString(36).slice(2, 6);
    const alice = await signUp(server().url, { username: `alice_${tag}` });
    const carol = await signUp(server().url, { username: `carol_${tag}` });
    await makeFriends(server().url, alice, carol);

    const context = await deviceContext(browser(), server().url, (await signIn(server().url, alice)).cookie);
    contexts.push(context);
    const page = await context.newPage();
    const problems = watchPage(page);
    await page.goto(server().url);
    const row = page.getByTestId('conversation-name').filter({ hasText: `carol_${tag}` });
    await row.waitFor();
    // The app's service worker serves the shell offline once it controls the page (pages loaded after it is ready).
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await page.reload();
    await expect
      .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), LIVE)
      .toBe(true);
    await row.waitFor();

    await context.setOffline(true);
    await page.reload();
    await row.click();
    await expect
      .poll(() => page.getByTestId('conversation-title').textContent(), LIVE)
      .toContain(`carol_${tag}`);
    await expect.poll(() => page.getByRole('textbox', { name: 'Message' }).isVisible(), LIVE).toBe(true);
    expect(await page.getByText('cannot be reached').count()).toBe(0);
    expect(problems.pageErrors).toEqual([]);
  });
});
