import { afterAll, describe, expect, it } from 'vitest';
import { authedFetch, signIn, signUp } from '../harness/accounts.ts';
import { deviceContext, watchPage, type BrowserContext } from '../harness/browser.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { makeFriends, ok } from '../harness/social.ts';
import { LIVE } from '../harness/patience.ts';

/**
 * A change the server refuses does not vanish without a word: the person is told what was not
 * sent and why, in a notice they can dismiss.
 */
describe('a refused change in Chromium', () => {
  const server = useServer('browser-refusal');
  const browser = useBrowser();
  const contexts: BrowserContext[] = [];

  afterAll(async () => {
    for (const context of contexts) await context.close();
  });

  it('a message written offline in a conversation that became read-only meanwhile is reported, not silently dropped', async () => {
    const tag = Math.random().toString(36).slice(2, 6);
    const alice = await signUp(server().url, { username: `alice_${tag}` });
    const bob = await signUp(server().url, { username: `bob_${tag}` });
    const conversationId = await makeFriends(server().url, alice, bob);

    const session = await signIn(server().url, bob);
    const context = await deviceContext(browser(), server().url, session.cookie);
    contexts.push(context);
    const page = await context.newPage();
    const problems = watchPage(page);
    await page.goto(`${server().url}/c/${conversationId}`);
    const status = () => page.locator('[data-sync-status]').getAttribute('data-sync-status');
    await expect.poll(status, LIVE).toBe('online');

    await context.setOffline(true);
    await expect.poll(status, LIVE).not.toBe('online');
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('Written while away');
    await box.press('Enter');
    await expect
      .poll(() => page.getByTestId('message-text').allTextContents(), LIVE)
      .toContain('Written while away');
    expect(await page.getByTestId('refusal-notice').count()).toBe(0);

    // Alice ends the friendship while Bob is away: their conversation is read-only for both.
    await ok(
      authedFetch(server().url, alice, `/api/friends/${bob.userId}`, { method: 'DELETE' }),
      'remove friend',
    );
    await context.setOffline(false);

    const notice = page.getByTestId('refusal-notice');
    await expect.poll(() => notice.textContent(), LIVE).toContain('could not be sent');
    expect(await notice.textContent()).toContain(`alice_${tag}`);
    expect(await notice.getAttribute('role')).toBe('alert');
    // The refused message is not left looking as if it will still go out.
    await expect
      .poll(() => page.getByTestId('message-text').allTextContents(), LIVE)
      .not.toContain('Written while away');

    await notice.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => notice.count(), LIVE).toBe(0);
    expect(problems.pageErrors).toEqual([]);
  });
});
