import { appendMessage, newMessageId, segmentDocId, SEGMENT_MESSAGES } from '@messenjo/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { TestAccount } from '../harness/accounts.ts';
import type { Page } from '../harness/browser.ts';
import { useDevices } from '../harness/devices.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { LIVE } from '../harness/patience.ts';
import { twoFriends } from '../harness/people.ts';
import { drawnPng } from '../harness/pictures.ts';
import { RawPeer } from '../harness/sync.ts';
import { messageWith } from '../harness/screens.ts';

/**
 * The picture viewer on a phone (docs/attachments.md, "Receiving"): at 360 px, driven by real
 * touch input (Chromium's touch events, not synthetic pointer events), a swipe steps between
 * pictures, stepping back past the oldest loaded picture loads older history until the older
 * picture shows, and a swipe down closes.
 */
describe('the picture viewer on a phone, in Chromium', () => {
  const server = useServer('browser-picture-viewer-phone');
  const browser = useBrowser();
  const devices = useDevices(server, browser);

  /** A device of `account` with the conversation open and online; `phone`: 360×740, touch. */
  const open = (account: TestAccount, conversationId: string, phone: boolean): Promise<Page> =>
    devices.device(account, {
      path: `/c/${conversationId}`,
      ...(phone && { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true }),
    });

  async function sendPicture(page: Page, caption: string, name: string, width: number, height: number) {
    await page
      .getByTestId('attach-input')
      .setInputFiles([{ name, mimeType: 'image/png', buffer: await drawnPng(page, width, height) }]);
    await page.getByRole('textbox', { name: 'Message' }).fill(caption);
    await page.getByRole('button', { name: 'Send' }).click();
    // Uploaded and written: the upload's progress is gone.
    await expect.poll(() => messageWith(page, caption).getByTestId('upload-progress').count(), LIVE).toBe(0);
    await expect
      .poll(() => messageWith(page, caption).getByTestId('picture').getAttribute('data-loaded'), LIVE)
      .toBe('');
    // Stored by the server: the segment's count must include it before the next segment is
    // written (SEG1 refused segment 1 with 4026 when segment 0 held 999 of its 1,000 in CI).
    await expect
      .poll(() => messageWith(page, caption).getByTitle('Stored by the server').count(), LIVE)
      .toBe(1);
  }

  /** Writes `count` text messages into a segment through the protocol, after what it holds. */
  async function writeTexts(author: TestAccount, conversationId: string, segment: number, count: number) {
    const peer = await RawPeer.connect(server().url, author.cookie);
    let ref = 1;
    try {
      const docId = segmentDocId(conversationId, segment);
      peer.send({ type: 'subscribe', docs: [{ docId, seq: 0, stateVector: new Uint8Array([0]) }] });
      const doc = new Y.Doc();
      Y.applyUpdate(doc, (await peer.next('sync', (f) => f.docId === docId)).update);
      for (let i = 0; i < count; i += 100) {
        let update: Uint8Array | undefined;
        doc.once('update', (u: Uint8Array) => (update = u));
        doc.transact(() => {
          for (let j = i; j < Math.min(count, i + 100); j++)
            appendMessage(doc, {
              id: newMessageId(),
              author: author.userId,
              text: `filler ${segment}.${j + 1}`,
              sentAt: Date.now(),
            });
        });
        const sent = ref++;
        peer.send({ type: 'update', docId, ref: sent, update: update! });
        await peer.next('ack', (f) => f.ref === sent, 15_000);
      }
    } finally {
      peer.close();
    }
  }

  it('at 360 px a swipe steps between pictures, back into older history, and a swipe down closes', async () => {
    const { alice, conversationId } = await twoFriends(server().url, 'alice', 'bob');

    // The first picture opens the conversation; a full segment of text follows it, then a
    // screenful in the next segment and the second picture: the first is in older history.
    const desk = await open(alice, conversationId, false);
    await sendPicture(desk, 'The old view', 'old.png', 300, 200);
    await writeTexts(alice, conversationId, 0, SEGMENT_MESSAGES - 1);
    await writeTexts(alice, conversationId, 1, 40);
    // `first`: while the newest segment is too short to fill the view the virtualized list takes
    // over, and for the frames of that hand-over the row is in both lists (the plain one on top).
    await desk.getByTestId('message-text').getByText('filler 1.40', { exact: true }).first().waitFor(LIVE);
    await sendPicture(desk, 'The new view', 'new.png', 200, 300);

    // Alice's phone opens at the newest: only the newest segment is there.
    const phone = await open(alice, conversationId, true);
    const newest = messageWith(phone, 'The new view');
    await expect.poll(() => newest.getByTestId('picture').getAttribute('data-loaded'), LIVE).toBe('');
    expect(await messageWith(phone, 'The old view').count()).toBe(0);
    await newest.getByTestId('picture').tap();
    const viewer = phone.getByTestId('picture-viewer');
    const full = phone.getByTestId('full-picture');
    const shown = () => full.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
    const position = () => viewer.getByTestId('picture-position').textContent();
    await expect.poll(shown, LIVE).toEqual([200, 300]);
    expect(await position()).toBe('1 of 1 loaded');
    // The whole viewer fits the phone: its close button is on screen.
    const close = await viewer.getByRole('button', { name: 'Close picture' }).boundingBox();
    expect(close && close.x >= 0 && close.x + close.width <= 360).toBe(true);

    // Real touches, through Chromium's input pipeline, across the middle of the picture.
    const cdp = await phone.context().newCDPSession(phone);
    const swipe = async (dx: number, dy: number) => {
      const box = await full.boundingBox();
      if (!box) throw new Error('no picture shown');
      const from = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [from] });
      for (let step = 1; step <= 6; step++)
        await cdp.send('Input.dispatchTouchEvent', {
          type: 'touchMove',
          touchPoints: [{ x: from.x + (dx * step) / 6, y: from.y + (dy * step) / 6 }],
        });
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    };

    // A swipe to the right goes back: past the oldest loaded picture, older history comes and
    // the old view shows; nothing older remains, so the count is final.
    await swipe(150, 0);
    await expect.poll(shown, LIVE).toEqual([300, 200]);
    await expect.poll(position, LIVE).toBe('1 of 2');
    // To the left, forward again.
    await swipe(-150, 0);
    await expect.poll(shown, LIVE).toEqual([200, 300]);
    expect(await position()).toBe('2 of 2');
    // Down, it closes.
    await swipe(0, 150);
    await viewer.waitFor({ state: 'detached', timeout: LIVE.timeout });
    expect(devices.problemsOf(phone).pageErrors).toEqual([]);
  });
});
