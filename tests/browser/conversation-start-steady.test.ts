import { describe, expect, it } from 'vitest';
import { useDevices } from '../harness/devices.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { LIVE } from '../harness/patience.ts';
import { twoFriends } from '../harness/people.ts';
import { rawMessageWriter } from '../harness/writers.ts';
import type { Page } from '../harness/browser.ts';

/** What the page showed while it started, sampled every animation frame from its navigation on. */
interface Watched {
  /** Frames in which the offline banner was on the page. */
  bannerFrames: number;
  /** Frames in which "Jump to latest" was offered (the list is opened at its newest message). */
  jumpFrames: number;
  /** The layout shifts the browser counted (none after input), with what moved. */
  shifts: { value: number; moved: string[] }[];
}

const watchStart = (): void => {
  const watched: Watched = { bannerFrames: 0, jumpFrames: 0, shifts: [] };
  (window as unknown as { __watched: Watched }).__watched = watched;
  const sample = (): void => {
    if (document.querySelector('[data-testid="offline-banner"]')) watched.bannerFrames++;
    if (document.querySelector('[data-testid="jump-to-latest"]')) watched.jumpFrames++;
    requestAnimationFrame(sample);
  };
  requestAnimationFrame(sample);
  const describe = (node: Node | null): string => {
    if (!(node instanceof Element)) return String(node?.nodeName);
    const id = node.getAttribute('data-testid') ?? node.getAttribute('aria-label');
    return `${node.tagName.toLowerCase()}${id ? `(${id})` : ''} "${(node.textContent ?? '').slice(0, 40)}"`;
  };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as PerformanceEntry[] &
      { value: number; hadRecentInput: boolean; sources: { node: Node | null }[] }[])
      if (!entry.hadRecentInput)
        watched.shifts.push({ value: entry.value, moved: entry.sources.map((s) => describe(s.node)) });
  }).observe({ type: 'layout-shift', buffered: true });
};

const watched = (page: Page): Promise<Watched> =>
  page.evaluate(() => (window as unknown as { __watched: Watched }).__watched);

const PHONE = { viewport: { width: 412, height: 823 }, isMobile: true, hasTouch: true };

/*
 * Issue 16 (Lighthouse's layout shift on the conversation view): a start on a conversation's
 * address, online, on a phone. The device never says "Offline" while it makes its first
 * connection (the banner came and went at every start, moving the whole conversation down and
 * up again), nor offers "Jump to latest" while the list places its rows (it flashed), on a fresh
 * device as on one that holds the conversation.
 */
describe('a conversation opened while online', () => {
  const server = useServer('browser-conversation-start-steady');
  const browser = useBrowser();
  const devices = useDevices(server, browser);

  it('never shows the offline banner while connecting, on a new device and after a reload, and the conversation does not move', async () => {
    const { alice, bob, conversationId } = await twoFriends(server().url, 'alice', 'bob');
    const writer = await rawMessageWriter(server().url, bob, conversationId);
    try {
      for (let i = 1; i <= 30; i++) await writer.say(`Message ${i} from bob, about the weekend's plan.`);
    } finally {
      writer.peer.close();
    }
    const page = await devices.device(alice, {
      ...PHONE,
      path: `/c/${conversationId}`,
      beforeLoad: (p) => p.addInitScript(watchStart),
    });
    // `first`: while the conversation's code loads its preview shows the kept messages, and it
    // stays over the real list until that has rendered its rows: for those frames both hold it.
    const newest = page.getByTestId('message-text').filter({ hasText: 'Message 30 from bob' }).first();
    await newest.waitFor(LIVE);
    const fresh = await watched(page);
    expect(fresh.bannerFrames).toBe(0);
    expect(fresh.jumpFrames).toBe(0);
    expect(fresh.shifts).toEqual([]);

    // A device that holds the conversation: the first paint is its own, then the connection.
    await page.reload();
    await newest.waitFor(LIVE);
    await expect
      .poll(() => page.locator('[data-sync-status]').getAttribute('data-sync-status'), LIVE)
      .toBe('online');
    const again = await watched(page);
    expect(again.bannerFrames).toBe(0);
    expect(again.jumpFrames).toBe(0);
    expect(again.shifts).toEqual([]);

    // Scrolled up by the person, the list offers the way back, and takes it.
    await page.getByTestId('message-list').hover();
    await page.mouse.wheel(0, -800);
    await page.getByTestId('jump-to-latest').click(LIVE);
    await newest.waitFor(LIVE);
    await expect.poll(() => page.getByTestId('jump-to-latest').count(), LIVE).toBe(0);
    devices.expectCleanRun();
  });
});
