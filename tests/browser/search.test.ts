import { appendMessage, deleteMessage, editMessage, newMessageId } from '@messenjo/shared';
import { describe, expect, it } from 'vitest';
import { signIn } from '../harness/accounts.ts';
import { seriousA11yViolations } from '../harness/axe.ts';
import { watchPage, type Page } from '../harness/browser.ts';
import { reloadUnderServiceWorker, useDevices } from '../harness/devices.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { LIVE } from '../harness/patience.ts';
import { twoFriends } from '../harness/people.ts';
import { useNodeDevices } from '../harness/writers.ts';

/**
 * Search on the device (PRODUCT 11): full-text over the messages this device holds, in a worker,
 * offline; an edit is found by its new text only, a deletion not at all, Chinese and Japanese
 * inside sentences; a result opens the conversation at that message.
 */
describe('search on the device in Chromium', () => {
  const server = useServer('browser-search');
  const browser = useBrowser();
  const devices = useDevices(server, browser);
  const nodeDevices = useNodeDevices(() => server().url);

  const searchBox = (page: Page) => page.getByLabel('Search conversations');
  const results = (page: Page) => page.getByTestId('message-result');
  const resultTexts = (page: Page) => page.getByTestId('message-result-text').allTextContents();
  async function search(page: Page, query: string): Promise<void> {
    await searchBox(page).fill(query);
  }

  it('finds what is only on this device while offline, follows edits and deletions, finds CJK, and opens the conversation at the message', async () => {
    const { tag, alice, carol, conversationId } = await twoFriends(server().url, 'alice', 'carol');

    // Carol's device writes a history: the message to find first, then enough to scroll it away.
    const carolDevice = await nodeDevices.segment(carol, conversationId);
    const { doc } = carolDevice;
    const typo = {
      id: newMessageId(),
      author: carol.userId,
      text: 'Meet at the habrour at nine',
      sentAt: Date.now(),
    };
    const secret = {
      id: newMessageId(),
      author: carol.userId,
      text: 'The secret password is swordfish',
      sentAt: Date.now(),
    };
    doc.transact(() => {
      appendMessage(doc, {
        id: newMessageId(),
        author: carol.userId,
        text: 'Remember the zanzibar trip?',
        sentAt: Date.now() - 60_000,
      });
      for (let i = 0; i < 60; i++)
        appendMessage(doc, {
          id: newMessageId(),
          author: carol.userId,
          text: `filler line ${i}`,
          sentAt: Date.now() - 59_000 + i,
        });
      appendMessage(doc, {
        id: newMessageId(),
        author: carol.userId,
        text: '明日東京に行きます',
        sentAt: Date.now(),
      });
      appendMessage(doc, typo);
      appendMessage(doc, secret);
    });
    await carolDevice.untilStored('carol’s history is stored');

    const page = await devices.open((await signIn(server().url, alice)).cookie);
    const context = page.context();
    await page
      .getByTestId('conversation-name')
      .filter({ hasText: `carol_${tag}` })
      .waitFor();
    await reloadUnderServiceWorker(page);

    await search(page, 'zanzibar');
    await expect.poll(() => resultTexts(page), LIVE).toEqual(['Remember the zanzibar trip?']);
    expect(await results(page).first().locator('mark').textContent()).toBe('zanzibar');
    expect(await seriousA11yViolations(page)).toEqual([]);
    // People by username, from the friends on the device.
    await search(page, `carol_${tag}`);
    await expect.poll(() => page.getByTestId('person-result').count(), LIVE).toBe(1);

    await search(page, 'swordfish');
    await expect.poll(() => resultTexts(page), LIVE).toEqual(['The secret password is swordfish']);

    // Carol fixes the typo and deletes the secret: the index follows the documents.
    editMessage(doc, typo.id, 'Meet at the harbour at nine', Date.now());
    deleteMessage(doc, secret.id, carol.userId, Date.now());
    await search(page, 'harbour');
    await expect.poll(() => resultTexts(page), LIVE).toEqual(['Meet at the harbour at nine']);
    await search(page, 'habrour');
    await expect.poll(() => page.getByTestId('no-message-results').count(), LIVE).toBe(1);
    await search(page, 'swordfish');
    await expect.poll(() => page.getByTestId('no-message-results').count(), LIVE).toBe(1);

    // Chinese and Japanese are found inside sentences written without spaces.
    await search(page, '東京');
    await expect.poll(() => resultTexts(page), LIVE).toEqual(['明日東京に行きます']);
    expect(await results(page).first().locator('mark').textContent()).toBe('東京');

    // The network is cut: a message written now exists on this device alone, and is found.
    await context.setOffline(true);
    await page.reload();
    await page
      .getByTestId('conversation-name')
      .filter({ hasText: `carol_${tag}` })
      .click();
    const composer = page.getByRole('textbox', { name: 'Message' });
    await composer.fill('pineapple pizza tonight?');
    await composer.press('Enter');
    await page.getByTestId('message-text').filter({ hasText: 'pineapple pizza tonight?' }).waitFor();
    await search(page, 'pineap');
    await expect.poll(() => resultTexts(page), LIVE).toEqual(['pineapple pizza tonight?']);

    // Offline, after a reload (the index is on the device), an old result opens the conversation at it.
    await page.reload();
    await search(page, 'zanzibar');
    await expect.poll(() => resultTexts(page), LIVE).toEqual(['Remember the zanzibar trip?']);
    await results(page).first().click();
    expect(new URL(page.url()).pathname).toMatch(new RegExp(`^/c/${conversationId}/m/m`));
    const target = page.locator('[data-highlighted="true"]');
    await expect.poll(() => target.textContent(), LIVE).toContain('Remember the zanzibar trip?');
    await expect.poll(() => target.isVisible(), LIVE).toBe(true);

    // A second tab: its worker does not hold the index (one connection at a time on OPFS) and asks
    // the first tab's, which answers over the tabs' channel.
    const second = await context.newPage();
    watchPage(second);
    await second.goto(server().url);
    await search(second, '東京');
    await expect.poll(() => resultTexts(second), LIVE).toEqual(['明日東京に行きます']);
    await second.close();
    await expect
      .poll(
        () =>
          target.evaluate((e) => {
            const box = e.getBoundingClientRect();
            return box.top >= 0 && box.bottom <= window.innerHeight;
          }),
        LIVE,
      )
      .toBe(true);
    expect(await page.getByText('cannot be reached').count()).toBe(0);
    devices.expectNoPageErrors();
  });
});
