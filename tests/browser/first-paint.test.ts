import { describe, expect, it } from 'vitest';
import { reloadUnderServiceWorker, useDevices } from '../harness/devices.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { LIVE } from '../harness/patience.ts';
import { twoFriends } from '../harness/people.ts';
import { rawMessageWriter } from '../harness/writers.ts';
import type { Page } from '../harness/browser.ts';

/** What the page saw of one message, frame by frame, from its navigation on (`watchFrames`). */
interface Seen {
  /** The first frame with the message on the page. */
  firstFrame: number | null;
  /**
   * Whether that frame showed it in the plain first-screen rows (`messages-preview`), or in the
   * saved screen the service worker put in the page (`#screen-snapshot`, screen-snapshot.test.ts).
   */
  inPreview: boolean;
  /** Whether the working half (Dexie, Yjs, the sync client) had loaded by then. */
  engineLoaded: boolean;
  /** Frames after the first without it: a flash. */
  framesMissing: number;
}

/**
 * Before the page's own code: samples every animation frame for `text`, so the test sees what was
 * painted in which order (the real list replacing the first screen's rows included), not only
 * where the page ends.
 */
const watchFrames = (text: string): void => {
  const seen = { firstFrame: null, inPreview: false, engineLoaded: false, framesMissing: 0 } as Seen;
  (window as unknown as { __seen: Seen }).__seen = seen;
  let frame = 0;
  const sample = (): void => {
    frame++;
    const shown = Array.from(document.querySelectorAll('[data-testid="message-text"]')).filter(
      (e) => e.textContent === text,
    );
    if (seen.firstFrame === null && shown.length > 0) {
      seen.firstFrame = frame;
      seen.inPreview = shown.some(
        (e) =>
          e.closest('[data-testid="messages-preview"]') !== null || e.closest('#screen-snapshot') !== null,
      );
      seen.engineLoaded = performance.getEntriesByName('messenjo:engine-loaded').length > 0;
    } else if (seen.firstFrame !== null && shown.length === 0) seen.framesMissing++;
    requestAnimationFrame(sample);
  };
  requestAnimationFrame(sample);
};

const seen = (page: Page): Promise<Seen> =>
  page.evaluate(() => (window as unknown as { __seen: Seen }).__seen);

/** The real (virtualized) history holds `text`: the first screen's rows have handed over. */
const inRealList = (page: Page, text: string): Promise<boolean> =>
  page.evaluate(
    (t) =>
      Array.from(document.querySelectorAll('[data-testid="message-text"]')).some(
        (e) =>
          e.textContent === t &&
          e.closest('[data-testid="messages-preview"]') === null &&
          e.closest('#screen-snapshot') === null,
      ),
    text,
  );

/*
 * Issue 15, "first paint in 100 ms": a start on a conversation's address paints its newest
 * messages from a plain IndexedDB read of the device's index, in the chat's own rows, before
 * Dexie, Yjs and the sync client have loaded; then the real history takes the rows' place
 * without a frame in between, and what arrived meanwhile shows once the network is back.
 */
describe('the first screen of a start on a conversation', () => {
  const server = useServer('browser-first-paint');
  const browser = useBrowser();
  const devices = useDevices(server, browser);

  it('paints the newest messages from the device with the network gone, hands over to the real history with no flash, and shows what was sent meanwhile', async () => {
    const { alice, bob, conversationId } = await twoFriends(server().url, 'alice', 'bob');
    const writer = await rawMessageWriter(server().url, bob, conversationId);
    try {
      for (const text of ['first from bob', 'second from bob', 'newest from bob']) await writer.say(text);

      const page = await devices.device(alice, { path: `/c/${conversationId}` });
      // The first: the conversation's preview stays over the real list until that has rendered its
      // rows, so for those frames both hold it (a strict-mode violation in CI on 7e23fa4).
      const newest = page.getByTestId('message-text').filter({ hasText: 'newest from bob' }).first();
      await newest.waitFor(LIVE);
      // Under the service worker, so the shell and its code load with no network.
      await reloadUnderServiceWorker(page);
      await newest.waitFor(LIVE);
      await expect.poll(() => inRealList(page, 'newest from bob'), LIVE).toBe(true);

      const context = page.context();
      await context.setOffline(true);
      // Sent while Alice's device has no network: only the server has it.
      await writer.say('sent while alice was offline');
      await page.addInitScript(watchFrames, 'newest from bob');
      await page.reload();

      await expect.poll(async () => (await seen(page)).firstFrame, LIVE).not.toBeNull();
      const first = await seen(page);
      // First painted by the plain rows from the device's index (or the saved screen), before the working half loaded.
      expect(first.inPreview).toBe(true);
      expect(first.engineLoaded).toBe(false);
      // The real history takes over (offline too: it is on the device), with no frame without it.
      await expect.poll(() => inRealList(page, 'newest from bob'), LIVE).toBe(true);
      await expect.poll(() => page.getByTestId('messages-preview').count(), LIVE).toBe(0);
      expect((await seen(page)).framesMissing).toBe(0);
      expect(await page.getByText('sent while alice was offline').count()).toBe(0);

      // The network is back: what was sent meanwhile shows in the same view.
      await context.setOffline(false);
      await expect.poll(() => inRealList(page, 'sent while alice was offline'), LIVE).toBe(true);
      expect((await seen(page)).framesMissing).toBe(0);
      devices.expectNoPageErrors();
    } finally {
      writer.peer.close();
    }
  });
});
