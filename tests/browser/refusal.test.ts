import { describe, expect, it } from 'vitest';
import { authedFetch, signIn } from '../harness/accounts.ts';
import { useDevices } from '../harness/devices.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { LIVE } from '../harness/patience.ts';
import { twoFriends } from '../harness/people.ts';
import { ok } from '../harness/social.ts';

/**
 * A change the server refuses does not vanish without a word: the person is told what was not
 * sent and why, in a notice they can dismiss.
 */
describe('a refused change in Chromium', () => {
  const server = useServer('browser-refusal');
  const browser = useBrowser();
  const devices = useDevices(server, browser);

  it('a message written offline in a conversation that became read-only meanwhile is reported, not silently dropped', async () => {
    const { tag, alice, bob, conversationId } = await twoFriends(server().url, 'alice', 'bob');

    const session = await signIn(server().url, bob);
    const page = await devices.open(session.cookie, { path: `/c/${conversationId}` });
    const context = page.context();
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
    devices.expectNoPageErrors();
  });
});
