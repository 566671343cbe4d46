import { describe, expect, it } from 'vitest';
import { signIn } from '../harness/accounts.ts';
import { reloadUnderServiceWorker, useDevices } from '../harness/devices.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { LIVE } from '../harness/patience.ts';
import { twoFriends } from '../harness/people.ts';

/** Local first: a conversation the device lists opens offline even if it was never opened on this device. */
describe('opening a conversation offline in Chromium', () => {
  const server = useServer('browser-offline-open');
  const browser = useBrowser();
  const devices = useDevices(server, browser);

  it('a listed conversation never opened on this device opens offline after a reload, with its name and composer', async () => {
    const { tag, alice } = await twoFriends(server().url, 'alice', 'carol');

    const page = await devices.open((await signIn(server().url, alice)).cookie);
    const context = page.context();
    const row = page.getByTestId('conversation-name').filter({ hasText: `carol_${tag}` });
    await row.waitFor();
    await reloadUnderServiceWorker(page);
    await row.waitFor();

    await context.setOffline(true);
    await page.reload();
    await row.click();
    await expect
      .poll(() => page.getByTestId('conversation-title').textContent(), LIVE)
      .toContain(`carol_${tag}`);
    await expect.poll(() => page.getByRole('textbox', { name: 'Message' }).isVisible(), LIVE).toBe(true);
    expect(await page.getByText('cannot be reached').count()).toBe(0);
    devices.expectNoPageErrors();
  });
});
