import { afterAll, describe, expect, it } from 'vitest';
import { authedFetch, signIn, signUp } from '../harness/accounts.ts';
import { deviceContext, watchPage, type BrowserContext, type Page } from '../harness/browser.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { LIVE } from '../harness/patience.ts';
import { makeFriends, ok } from '../harness/social.ts';

/**
 * A group renamed with no network (PRODUCT 9): accepted at once and shown pending, closing the
 * tab asks first while it waits, sent when the network is back, seen by the other member; a rename made offline before one made online by the
 * other member loses to it on both devices (the later rename wins).
 */
describe('renaming a group offline in Chromium', () => {
  const server = useServer('browser-offline-rename');
  const browser = useBrowser();
  const contexts: BrowserContext[] = [];
  afterAll(async () => {
    for (const context of contexts) await context.close();
  });

  const title = (page: Page) => page.getByTestId('conversation-title').textContent();
  const pendingMarks = (page: Page) => page.getByTestId('rename-pending').count();

  it('shows the new name pending, sends it on reconnect, and converges with a later rename', async () => {
    const url = server().url;
    const tag = Math.random().toString(36).slice(2, 6);
    const alice = await signUp(url, { username: `alice_${tag}` });
    const bob = await signUp(url, { username: `bob_${tag}` });
    await makeFriends(url, alice, bob);
    const group = await ok<{ id: string }>(
      authedFetch(url, alice, '/api/groups', {
        method: 'POST',
        body: JSON.stringify({ name: 'Trip', memberIds: [bob.userId] }),
      }),
      'create group',
    );

    const aliceDevice = await deviceContext(browser(), url, (await signIn(url, alice)).cookie);
    const bobDevice = await deviceContext(browser(), url, (await signIn(url, bob)).cookie);
    contexts.push(aliceDevice, bobDevice);
    const alicePage = await aliceDevice.newPage();
    const bobPage = await bobDevice.newPage();
    const problems = watchPage(alicePage);
    await alicePage.goto(`${url}/c/${group.id}`);
    await bobPage.goto(`${url}/c/${group.id}`);
    await expect.poll(() => title(bobPage), LIVE).toContain('Trip');
    await expect
      .poll(() => alicePage.locator('[data-sync-status]').getAttribute('data-sync-status'), LIVE)
      .toBe('online');

    // Offline: the rename is accepted at once, shown in the header and the list, marked pending.
    await aliceDevice.setOffline(true);
    await expect
      .poll(() => alicePage.locator('[data-sync-status]').getAttribute('data-sync-status'), LIVE)
      .toBe('offline');
    await alicePage.getByRole('button', { name: 'Group details' }).click();
    await alicePage.getByLabel('Group name').fill('Trip to Lisbon');
    await alicePage.getByRole('button', { name: 'Rename', exact: true }).click();
    await expect.poll(() => title(alicePage), LIVE).toContain('Trip to Lisbon');
    await expect.poll(() => pendingMarks(alicePage), LIVE).toBeGreaterThan(0);
    await alicePage.getByTestId('rename-waiting').waitFor(LIVE);
    expect(await title(bobPage)).toContain('Trip');
    expect(await title(bobPage)).not.toContain('Lisbon');

    // Closing the tab now asks first: the rename goes out only while the app is open. Alice stays.
    const dialog = new Promise<string>((resolve) => {
      alicePage.once('dialog', (d) => {
        resolve(d.type());
        void d.dismiss();
      });
      alicePage.once('close', () => resolve('closed without asking'));
    });
    await alicePage.close({ runBeforeUnload: true });
    expect(await dialog).toBe('beforeunload');
    expect(alicePage.isClosed()).toBe(false);

    // The network is back: it goes out, the mark goes, Bob sees the new name.
    await aliceDevice.setOffline(false);
    await expect.poll(() => pendingMarks(alicePage), LIVE).toBe(0);
    await expect.poll(() => title(bobPage), LIVE).toContain('Trip to Lisbon');

    // Conflict: Alice renames offline first, Bob renames online after; Alice's comes in last
    // and loses, so both end with Bob's name.
    await aliceDevice.setOffline(true);
    await expect
      .poll(() => alicePage.locator('[data-sync-status]').getAttribute('data-sync-status'), LIVE)
      .toBe('offline');
    // The details are still open from the first rename.
    await alicePage.getByLabel('Group name').fill('Alice was first');
    await alicePage.getByRole('button', { name: 'Rename', exact: true }).click();
    await expect.poll(() => title(alicePage), LIVE).toContain('Alice was first');
    await ok(
      authedFetch(url, bob, `/api/groups/${group.id}`, {
        method: 'PATCH',
        body: JSON.stringify({ name: 'Bob came later' }),
      }),
      'rename by bob',
    );
    await expect.poll(() => title(bobPage), LIVE).toContain('Bob came later');
    await aliceDevice.setOffline(false);
    await expect.poll(() => pendingMarks(alicePage), LIVE).toBe(0);
    await expect.poll(() => title(alicePage), LIVE).toContain('Bob came later');
    expect(await title(bobPage)).toContain('Bob came later');
    expect(problems.pageErrors).toEqual([]);

    // Everything sent: the tab closes without asking.
    const asked: string[] = [];
    alicePage.on('dialog', (d) => {
      asked.push(d.type());
      void d.accept();
    });
    const closed = new Promise<void>((resolve) => alicePage.once('close', () => resolve()));
    await alicePage.close({ runBeforeUnload: true });
    await closed;
    expect(asked).toEqual([]);
  });
});
