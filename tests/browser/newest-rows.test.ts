import {
  appendMessage,
  newMessageId,
  segmentDocId,
  SEGMENT_MESSAGES,
  type MessageEntry,
} from '@messenjo/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { TestAccount } from '../harness/accounts.ts';
import type { Page } from '../harness/browser.ts';
import { useDevices } from '../harness/devices.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { LIVE } from '../harness/patience.ts';
import { twoFriends } from '../harness/people.ts';
import { eventually, nodeDevice } from '../harness/sync.ts';

/** What the page showed, sampled every animation frame from its navigation on. */
interface Sampled {
  /** The first frame with the newest message in the app's page: was the virtualizer's scroller there? */
  newestFrame: { virtualizer: boolean; plainRows: boolean } | null;
  /** Once `anchor` is set: where its row was in each frame (null: not in the page). */
  anchorFrames: { top: number | null; virtualizer: boolean }[];
  anchor: string | null;
}

const watchRows = (newest: string): void => {
  const sampled: Sampled = { newestFrame: null, anchorFrames: [], anchor: null };
  (window as unknown as { __rows: Sampled }).__rows = sampled;
  const sample = (): void => {
    const virtualizer = document.querySelector('[data-virtuoso-scroller]') !== null;
    if (
      sampled.newestFrame === null &&
      Array.from(document.querySelectorAll('#root [data-testid="message-text"]')).some(
        (e) => e.textContent === newest && e.closest('[data-testid="messages-preview"]') === null,
      )
    )
      sampled.newestFrame = { virtualizer, plainRows: document.querySelector('[data-newest-rows]') !== null };
    if (sampled.anchor !== null) {
      // The one painted: while the plain rows hand over they are on top, then hidden until unmounted.
      const row = Array.from(document.querySelectorAll(`#root [data-message-id="${sampled.anchor}"]`)).find(
        (r) => getComputedStyle(r).visibility !== 'hidden',
      );
      sampled.anchorFrames.push({ top: row ? row.getBoundingClientRect().top : null, virtualizer });
    }
    requestAnimationFrame(sample);
  };
  requestAnimationFrame(sample);
};

const sampled = (page: Page): Promise<Sampled> =>
  page.evaluate(() => (window as unknown as { __rows: Sampled }).__rows);

/** Ids of the message rows that intersect the visible part of the history's scroller. */
const visibleMessages = (page: Page): Promise<string[]> =>
  page.evaluate(() => {
    const scroller = document.querySelector('[data-testid="message-list"]');
    if (!scroller) return [];
    const box = scroller.getBoundingClientRect();
    return Array.from(scroller.querySelectorAll<HTMLElement>('[data-message-id]'))
      .filter((row) => {
        const r = row.getBoundingClientRect();
        return r.bottom > box.top && r.top < box.bottom;
      })
      .map((row) => row.dataset.messageId ?? '');
  });

const PHONE = { viewport: { width: 412, height: 823 }, isMobile: true, hasTouch: true };

/*
 * Issue 15 / 16: the open conversation's newest messages are painted as plain rows, with no
 * virtualizer and none of its measuring passes; react-virtuoso takes over only when the person
 * scrolls up, where the view is, without the rows on screen moving.
 */
describe('the newest messages of an open conversation', () => {
  const server = useServer('browser-newest-rows');
  const browser = useBrowser();
  const devices = useDevices(server, browser);

  /** Writes `segments` of history as `account` from a Node device; returns each segment's message ids. */
  async function seed(
    account: TestAccount,
    conversationId: string,
    segments: string[][],
  ): Promise<string[][]> {
    const client = nodeDevice(server().url, account.cookie);
    client.start();
    const ids: string[][] = [];
    for (const [index, texts] of segments.entries()) {
      const docId = segmentDocId(conversationId, index);
      const doc = await client.open(docId);
      await eventually(() => client.docState(docId) === 'synced', `${docId} synced`);
      const entries: MessageEntry[] = texts.map((text, i) => ({
        id: newMessageId(),
        author: account.userId,
        text,
        sentAt: Date.now() - (texts.length - i) * 1000,
      }));
      Y.transact(doc, () => entries.forEach((entry) => appendMessage(doc, entry)));
      ids.push(entries.map((e) => e.id));
    }
    await eventually(() => client.pendingTotal.get() === 0, 'history stored');
    await client.stop();
    return ids;
  }

  it('paint without the virtualizer; scrolled up, it takes over without moving the rows on screen, and older history loads with the place kept', async () => {
    const { alice, conversationId } = await twoFriends(server().url, 'alice', 'bob');
    const range = (n: number, label: string): string[] =>
      Array.from({ length: n }, (_, i) => `${label} ${i}`);
    await seed(alice, conversationId, [range(SEGMENT_MESSAGES, 'older'), range(120, 'recent')]);

    // Alice wrote them all: nothing unread, the conversation opens at its newest message.
    const page = await devices.device(alice, {
      ...PHONE,
      path: `/c/${conversationId}`,
      beforeLoad: (p) => p.addInitScript(watchRows, 'recent 119'),
    });
    const text = (t: string) => page.getByTestId('message-text').filter({ hasText: new RegExp(`^${t}$`) });
    await text('recent 119').waitFor(LIVE);
    await expect.poll(async () => (await sampled(page)).newestFrame, LIVE).not.toBeNull();
    // The first frame with the newest message had no virtualizer in it, and neither has the page
    // now that the device is online and the history has arrived (the view stayed at the bottom).
    expect((await sampled(page)).newestFrame).toEqual({ virtualizer: false, plainRows: true });
    expect(await page.locator('[data-virtuoso-scroller]').count()).toBe(0);
    expect(await text('recent 119').isVisible()).toBe(true);
    // What fills the screen and a margin, not the whole segment.
    const rendered = await page.locator('[data-message-id]').count();
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(120);

    // Scrolled up a little: the virtualizer takes over, and a row in the middle of the view stays
    // where it was in every frame, never missing.
    const anchor = await page.evaluate(() => {
      const list = document.querySelector<HTMLElement>('[data-newest-rows]')!;
      list.scrollTop = -150;
      const box = list.getBoundingClientRect();
      const middle = box.top + box.height / 2;
      const row = Array.from(list.querySelectorAll<HTMLElement>('[data-message-id]')).find(
        (r) => r.getBoundingClientRect().bottom > middle,
      )!;
      const sampledRows = (window as unknown as { __rows: Sampled }).__rows;
      sampledRows.anchor = row.dataset.messageId!;
      return { id: row.dataset.messageId!, top: row.getBoundingClientRect().top };
    });
    // The plain rows stay on top until the list has placed its rows (more frames on a busy
    // machine), then go; the frames sampled go on past that.
    await expect.poll(() => page.locator('[data-newest-rows]').count(), LIVE).toBe(0);
    const handedOverAt = (await sampled(page)).anchorFrames.length;
    await expect
      .poll(async () => (await sampled(page)).anchorFrames.length, LIVE)
      .toBeGreaterThan(handedOverAt + 10);
    expect((await sampled(page)).anchorFrames.filter((f) => f.virtualizer).length).toBeGreaterThan(10);
    const frames = (await sampled(page)).anchorFrames;
    const moved = frames.filter((f) => f.top === null || Math.abs(f.top - anchor.top) > 2);
    expect(moved).toEqual([]);

    // Up to the top of what is loaded, with the older segment held back (offline) so that the view
    // read is the one before it arrives; back online, it arrives and the place is kept.
    await page.context().setOffline(true);
    await expect
      .poll(() => page.locator('[data-sync-status]').getAttribute('data-sync-status'), LIVE)
      .toBe('offline');
    let before: string[] = [];
    await expect
      .poll(async () => {
        const atTop = await page.evaluate(() => {
          const list = document.querySelector<HTMLElement>('[data-testid="message-list"]')!;
          if (list.scrollTop === 0) return true;
          list.scrollTop = 0;
          return false;
        });
        if (!atTop) return 0;
        before = await visibleMessages(page);
        return before.length;
      }, LIVE)
      .toBeGreaterThan(0);
    await expect
      .poll(async () => JSON.stringify(await visibleMessages(page)) === JSON.stringify(before), LIVE)
      .toBe(true);
    expect(await text('recent 0').isVisible()).toBe(true);
    const kept = before[Math.floor(before.length / 2)]!;
    await page.context().setOffline(false);
    await text('older 999').waitFor({ state: 'attached', ...LIVE });
    expect(await visibleMessages(page)).toContain(kept);
    // (Going offline logs the socket's failed reconnection as a console error: page errors only.)
    devices.expectNoPageErrors();
  });
  it("the virtualizer's code failing to load leaves the plain rows, and it takes over once the browser is back online", async () => {
    const { alice, conversationId } = await twoFriends(server().url, 'alice', 'bob');
    await seed(alice, conversationId, [Array.from({ length: 200 }, (_, i) => `line ${i}`)]);
    // A first visit whose network fails for react-virtuoso's chunk (loaded behind the first paint,
    // chat/virtuoso-loader.ts): told apart by a string only its code holds, whatever the chunk's name.
    let refusing = true;
    let refused = 0;
    const page = await devices.device(alice, {
      ...PHONE,
      path: `/c/${conversationId}`,
      beforeLoad: (p) =>
        p.context().route(/\/assets\/[\w-]+\.js$/, async (route) => {
          try {
            const response = await route.fetch();
            const body = await response.text();
            if (refusing && body.includes('virtuoso-item-list')) {
              refused++;
              return await route.abort('internetdisconnected');
            }
            return await route.fulfill({ response, body });
          } catch {
            // The page closed with the request under way (the test is over).
          }
        }),
    });
    const text = (t: string) => page.getByTestId('message-text').filter({ hasText: new RegExp(`^${t}$`) });
    await text('line 199').waitFor(LIVE);
    // Scrolled up: the takeover asks for the code again, which fails again; the plain rows stay,
    // with the newest messages readable.
    await expect.poll(() => refused, LIVE).toBeGreaterThan(0);
    const askedBefore = refused;
    await page.evaluate(() => {
      document.querySelector<HTMLElement>('[data-newest-rows]')!.scrollTop = -150;
    });
    await expect.poll(() => refused, LIVE).toBeGreaterThan(askedBefore);
    expect(await page.locator('[data-newest-rows]').count()).toBe(1);
    expect(await page.locator('[data-virtuoso-scroller]').count()).toBe(0);
    expect(await page.locator('[data-message-id]').count()).toBeGreaterThan(10);

    // The network back (the browser says it is online again): the code loads and the virtualized
    // list takes over.
    refusing = false;
    await page.context().setOffline(true);
    await page.context().setOffline(false);
    await expect.poll(() => page.locator('[data-virtuoso-scroller]').count(), LIVE).toBe(1);
    await expect.poll(() => page.locator('[data-newest-rows]').count(), LIVE).toBe(0);
    expect(await page.locator('[data-message-id]').count()).toBeGreaterThan(0);
    devices.expectNoPageErrors();
  });
});
