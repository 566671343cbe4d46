import { SEGMENT_MESSAGES } from '@messenjo/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { signUp } from '../harness/accounts.ts';
import { deviceContext, watchPage, type BrowserContext, type Page } from '../harness/browser.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { makeFriends } from '../harness/social.ts';
import { writeHistory } from '../harness/history.ts';
import { LIVE } from '../harness/patience.ts';

const SEGMENTS = 20;

/** Ids of the messages whose rows intersect the visible part of the history's scroller. */
function visibleMessages(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const scroller = document.querySelector('[data-testid="message-list"]');
    if (!scroller) return [];
    const box = scroller.getBoundingClientRect();
    return Array.from(document.querySelectorAll<HTMLElement>('[data-message-id]'))
      .filter((row) => {
        const r = row.getBoundingClientRect();
        return r.bottom > box.top && r.top < box.bottom;
      })
      .map((row) => row.dataset.messageId ?? '');
  });
}

const shownTexts = (page: Page): Promise<string[]> =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('[data-testid="message-text"]')).map(
      (e) => e.textContent ?? '',
    ),
  );

describe('a long conversation in Chromium', () => {
  const server = useServer('browser-long-conversation');
  const browser = useBrowser();
  const contexts: BrowserContext[] = [];
  afterAll(async () => {
    for (const context of contexts) await context.close();
  });

  it(`opens ${SEGMENTS * SEGMENT_MESSAGES} messages at the newest, and scrolls back to the first without the view jumping`, async () => {
    const tag = Math.random().toString(36).slice(2, 6);
    const alice = await signUp(server().url, { username: `alice_${tag}` });
    const bob = await signUp(server().url, { username: `bob_${tag}` });
    const conversationId = await makeFriends(server().url, alice, bob);
    const texts = await writeHistory(server().url, alice, conversationId, SEGMENTS);

    // Alice wrote them all, so nothing is unread for her: the conversation opens at the newest
    // (Bob would open at his first unread message, which chat.test.ts covers).
    const context = await deviceContext(browser(), server().url, alice.cookie, {
      viewport: { width: 1280, height: 800 },
    });
    contexts.push(context);
    const page = await context.newPage();
    const problems = watchPage(page);
    await page.goto(`${server().url}/c/${conversationId}`);

    // Opens at the newest message, with only the newest part of the history rendered.
    const newest = texts[texts.length - 1]!;
    await page
      .getByTestId('message-text')
      .filter({ hasText: new RegExp(`^${newest}$`) })
      .waitFor(LIVE);
    await expect.poll(async () => (await shownTexts(page)).includes(newest), LIVE).toBe(true);
    expect((await page.locator('[data-message-id]').count()) < SEGMENT_MESSAGES).toBe(true);

    // Scroll up once: when older messages arrive, the message that was in the middle of the view
    // stays in view (a jump would take the reader to the top of the older history instead).
    // The older history is held back (offline: only the newest segment is on this device) while
    // the view at the top is read, so the reading is of the view before they arrive; read while
    // they were arriving, it could be of a frame Virtuoso had not yet put back in place.
    await page.context().setOffline(true);
    await expect
      .poll(() => page.locator('[data-sync-status]').getAttribute('data-sync-status'), LIVE)
      .toBe('offline');
    let before: { visible: string[]; first: string } = { visible: [], first: '' };
    await expect
      .poll(async () => {
        // The newest rows are plain first (a reversed column: 0 is the bottom, the top negative);
        // scrolled up, the virtualized list takes over, whose top is 0.
        const atTop = await page.evaluate(() => {
          const scroller = document.querySelector('[data-testid="message-list"]');
          if (!scroller) return false;
          if (scroller.scrollTop !== 0 || scroller.hasAttribute('data-newest-rows')) {
            scroller.scrollTop = -scroller.scrollHeight;
            return false;
          }
          return true;
        });
        if (!atTop) return 0;
        const [visible, shown] = await Promise.all([visibleMessages(page), shownTexts(page)]);
        before = { visible, first: shown[0] ?? '' };
        return visible.length;
      }, LIVE)
      .toBeGreaterThan(0);
    // The same view a moment later: settled, nothing older arrived.
    await expect
      .poll(async () => JSON.stringify(await visibleMessages(page)) === JSON.stringify(before.visible), LIVE)
      .toBe(true);
    const anchor = before.visible[Math.floor(before.visible.length / 2)]!;
    await page.context().setOffline(false);
    await expect.poll(async () => (await shownTexts(page))[0] !== before.first, LIVE).toBe(true);
    expect(await visibleMessages(page)).toContain(anchor);

    // Keep scrolling to the top until the very first message shows.
    const first = texts[0]!;
    await expect
      .poll(
        async () => {
          await page.evaluate(() => {
            const scroller = document.querySelector('[data-testid="message-list"]');
            if (scroller) scroller.scrollTop = -scroller.scrollHeight;
          });
          return (await shownTexts(page)).includes(first);
        },
        { timeout: 120_000, interval: 200 },
      )
      .toBe(true);
    await page.getByText('This is the beginning of the conversation.').waitFor(LIVE);
    expect(problems.pageErrors).toEqual([]);
  }, 240_000);
});
