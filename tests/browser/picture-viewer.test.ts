import { describe, expect, it } from 'vitest';
import type { TestAccount } from '../harness/accounts.ts';
import type { Page } from '../harness/browser.ts';
import { useDevices } from '../harness/devices.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { LIVE } from '../harness/patience.ts';
import { twoFriends } from '../harness/people.ts';
import { drawnPng } from '../harness/pictures.ts';
import { messageWith } from '../harness/screens.ts';

/**
 * The picture viewer's geometry (docs/attachments.md, "Receiving"): unzoomed, the whole picture is
 * on the screen, centred, its aspect kept and never larger than its own pixels; zoomed, every edge
 * of it can be scrolled to.
 */
describe('the picture viewer fits the picture to the screen, in Chromium', () => {
  const server = useServer('browser-picture-viewer');
  const browser = useBrowser();
  const devices = useDevices(server, browser);

  /** `account` sends pictures of these sizes from a device of this size, and opens the first in the viewer. */
  async function sendAndOpen(
    account: TestAccount,
    conversationId: string,
    sizes: [number, number][],
    phone: boolean,
  ): Promise<Page> {
    const page = await devices.device(account, {
      path: `/c/${conversationId}`,
      ...(phone
        ? { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true }
        : { viewport: { width: 1280, height: 800 } }),
    });
    const files = [];
    for (const [width, height] of sizes)
      files.push({
        name: `${width}x${height}.png`,
        mimeType: 'image/png',
        buffer: await drawnPng(page, width, height),
      });
    await page.getByTestId('attach-input').setInputFiles(files);
    await page.getByRole('textbox', { name: 'Message' }).fill('The views');
    await page.getByRole('button', { name: 'Send' }).click();
    const sent = messageWith(page, 'The views');
    await expect.poll(() => sent.getByTestId('upload-progress').count(), LIVE).toBe(0);
    await expect
      .poll(() => sent.locator('[data-testid="picture"][data-loaded]').count(), LIVE)
      .toBe(sizes.length);
    await sent.getByTestId('picture').first().click();
    return page;
  }

  /** Where the shown picture is, in CSS pixels of the page, once it has `natural` pixels. */
  async function shownAt(page: Page, natural: [number, number]) {
    const full = page.getByTestId('full-picture');
    await expect
      .poll(() => full.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]), LIVE)
      .toEqual(natural);
    return full.evaluate((img: HTMLImageElement) => {
      const rect = (r: DOMRect) => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom });
      const area = img.parentElement;
      if (!area) throw new Error('the picture has no area');
      const outer = area.getBoundingClientRect();
      // The part of the area that shows content (without scroll bars).
      const inner = {
        left: outer.left + area.clientLeft,
        top: outer.top + area.clientTop,
        right: outer.left + area.clientLeft + area.clientWidth,
        bottom: outer.top + area.clientTop + area.clientHeight,
      };
      return { picture: rect(img.getBoundingClientRect()), area: inner, window: [innerWidth, innerHeight] };
    });
  }

  type Shown = Awaited<ReturnType<typeof shownAt>>;

  /** The whole picture is on the screen and in its area, centred, with the aspect of its pixels. */
  function expectWhollyShown({ picture, area, window }: Shown, [width, height]: [number, number]) {
    const [windowWidth, windowHeight] = window as [number, number];
    expect(picture.left).toBeGreaterThanOrEqual(Math.max(0, area.left) - 0.5);
    expect(picture.top).toBeGreaterThanOrEqual(Math.max(0, area.top) - 0.5);
    expect(picture.right).toBeLessThanOrEqual(Math.min(windowWidth, area.right) + 0.5);
    expect(picture.bottom).toBeLessThanOrEqual(Math.min(windowHeight, area.bottom) + 0.5);
    const aspect = (picture.right - picture.left) / (picture.bottom - picture.top);
    expect(Math.abs(aspect / (width / height) - 1)).toBeLessThan(0.01);
    expect((picture.left + picture.right) / 2).toBeCloseTo((area.left + area.right) / 2, 0);
    expect((picture.top + picture.bottom) / 2).toBeCloseTo((area.top + area.bottom) / 2, 0);
  }

  it('at 1280×800 a tall picture fits the window’s height, whole and centred; a small one shows at its own size', async () => {
    const { alice, conversationId } = await twoFriends(server().url, 'alice', 'bob');
    const page = await sendAndOpen(
      alice,
      conversationId,
      [
        [600, 900],
        [200, 300],
      ],
      false,
    );

    const tall = await shownAt(page, [600, 900]);
    expectWhollyShown(tall, [600, 900]);
    // As large as the area allows: its full height (it is taller than the window).
    expect(tall.picture.bottom - tall.picture.top).toBeCloseTo(tall.area.bottom - tall.area.top, 0);

    // A picture smaller than the window is not blown up: its own pixels, centred.
    await page.keyboard.press('ArrowRight');
    const small = await shownAt(page, [200, 300]);
    expectWhollyShown(small, [200, 300]);
    expect([small.picture.right - small.picture.left, small.picture.bottom - small.picture.top]).toEqual([
      200, 300,
    ]);
    devices.expectNoPageErrors();
  });

  it('at 360×740 a wide picture fits the phone’s width, whole and centred; zoomed in, every edge can be scrolled to', async () => {
    const { alice, conversationId } = await twoFriends(server().url, 'alice', 'bob');
    const page = await sendAndOpen(alice, conversationId, [[800, 500]], true);

    const wide = await shownAt(page, [800, 500]);
    expectWhollyShown(wide, [800, 500]);
    const fittedWidth = wide.picture.right - wide.picture.left;
    expect(fittedWidth).toBeCloseTo(wide.area.right - wide.area.left, 0);

    // Zoomed in twice: four times as wide, and the area scrolls to each of its edges.
    const viewer = page.getByTestId('picture-viewer');
    await viewer.getByRole('button', { name: 'Zoom in' }).click();
    await viewer.getByRole('button', { name: 'Zoom in' }).click();
    const full = page.getByTestId('full-picture');
    await expect
      .poll(() => full.evaluate((img: HTMLImageElement) => img.getBoundingClientRect().width), LIVE)
      .toBeCloseTo(fittedWidth * 4, 0);
    // The buttons zoom about the middle of the view: the picture's middle is still there.
    const middles = () =>
      full.evaluate((img: HTMLImageElement) => {
        const area = img.parentElement;
        if (!area) throw new Error('the picture has no area');
        const picture = img.getBoundingClientRect();
        const outer = area.getBoundingClientRect();
        return [
          (picture.left + picture.right) / 2 - (outer.left + area.clientLeft + area.clientWidth / 2),
          (picture.top + picture.bottom) / 2 - (outer.top + area.clientTop + area.clientHeight / 2),
        ];
      });
    const [offX = Number.NaN, offY = Number.NaN] = await middles();
    expect(Math.abs(offX)).toBeLessThan(1.5);
    expect(Math.abs(offY)).toBeLessThan(1.5);
    const scrolledTo = (where: 'start' | 'end') =>
      full.evaluate((img: HTMLImageElement, to) => {
        const area = img.parentElement;
        if (!area) throw new Error('the picture has no area');
        area.scrollTo(
          to === 'start'
            ? { left: 0, top: 0 }
            : { left: area.scrollWidth - area.clientWidth, top: area.scrollHeight - area.clientHeight },
        );
        const picture = img.getBoundingClientRect();
        const outer = area.getBoundingClientRect();
        const left = outer.left + area.clientLeft;
        const top = outer.top + area.clientTop;
        return to === 'start'
          ? [picture.left - left, picture.top - top]
          : [picture.right - (left + area.clientWidth), picture.bottom - (top + area.clientHeight)];
      }, where);
    const [startX, startY] = await scrolledTo('start');
    expect(startX).toBeCloseTo(0, 0);
    expect(startY).toBeCloseTo(0, 0);
    const [endX, endY] = await scrolledTo('end');
    expect(endX).toBeCloseTo(0, 0);
    expect(endY).toBeCloseTo(0, 0);

    // Back to fitted; a double tap a quarter of the way across zooms in about the tapped point:
    // that point of the picture stays under the finger. Both taps in one task (a loaded machine
    // could space them wider than a double tap).
    await viewer.getByRole('button', { name: 'Zoom out' }).click();
    await viewer.getByRole('button', { name: 'Zoom out' }).click();
    await expect
      .poll(() => full.evaluate((img: HTMLImageElement) => img.getBoundingClientRect().width), LIVE)
      .toBeCloseTo(fittedWidth, 0);
    const tapped = await full.evaluate((img: HTMLImageElement) => {
      const box = img.getBoundingClientRect();
      const at = {
        clientX: box.left + box.width / 4,
        clientY: box.top + box.height / 2,
        pointerId: 7,
        pointerType: 'touch',
      };
      for (let i = 0; i < 2; i++) {
        img.dispatchEvent(new PointerEvent('pointerdown', { ...at, bubbles: true, isPrimary: true }));
        img.dispatchEvent(new PointerEvent('pointerup', { ...at, bubbles: true, isPrimary: true }));
      }
      return at.clientX;
    });
    await expect
      .poll(() => full.evaluate((img: HTMLImageElement) => img.getBoundingClientRect().width), LIVE)
      .toBeCloseTo(fittedWidth * 2, 0);
    const quarter = await full.evaluate((img: HTMLImageElement) => {
      const box = img.getBoundingClientRect();
      return box.left + box.width / 4;
    });
    expect(Math.abs(quarter - tapped)).toBeLessThan(1.5);
    devices.expectNoPageErrors();
  });

  it('while the picture downloads, the viewer shows how far it has come; a cut download asks only for the rest', async () => {
    const { alice, bob, conversationId } = await twoFriends(server().url, 'alice', 'bob');
    const [a, b] = await Promise.all([
      devices.device(alice, { path: `/c/${conversationId}` }),
      devices.device(bob, { path: `/c/${conversationId}` }),
    ]);
    await a
      .getByTestId('attach-input')
      .setInputFiles([{ name: 'big.png', mimeType: 'image/png', buffer: await drawnPng(a, 800, 600) }]);
    await a.getByRole('textbox', { name: 'Message' }).fill('The big view');
    await a.getByRole('button', { name: 'Send' }).click();
    const box = messageWith(b, 'The big view').getByTestId('picture');
    await expect.poll(() => box.getAttribute('data-loaded'), LIVE).toBe('');

    // Bob's next blob request is the picture's: its first answer is cut at half (the connection
    // drops), and the request for the rest is held until the test has seen the progress.
    const answers: { range: string | undefined; status: number; delivered: number }[] = [];
    let sealed = 0;
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    await b.context().route('**/api/blobs/*', async (route) => {
      const range = route.request().headers().range;
      const response = await route.fetch();
      const body = await response.body();
      if (answers.length === 0) {
        sealed = body.length;
        const half = Math.floor(body.length / 2);
        answers.push({ range, status: response.status(), delivered: half });
        return route.fulfill({ response, body: body.subarray(0, half) });
      }
      await released;
      answers.push({ range, status: response.status(), delivered: body.length });
      return route.fulfill({ response, body });
    });
    await box.click();
    const viewer = b.getByTestId('picture-viewer');
    // At once, the thumbnail Bob's timeline has stands in the picture's final box: whole and
    // centred, with the picture's aspect.
    const preview = viewer.getByTestId('picture-preview');
    await preview.waitFor();
    await expect
      .poll(() => preview.evaluate((element) => getComputedStyle(element).backgroundImage), LIVE)
      .toMatch(/^url\("blob:/);
    const rectOf = (element: HTMLElement) => {
      const r = element.getBoundingClientRect();
      return [r.left, r.top, r.width, r.height];
    };
    const previewRect = await preview.evaluate(rectOf);
    expect(Math.abs(previewRect[2]! / previewRect[3]! / (800 / 600) - 1)).toBeLessThan(0.01);
    expect(previewRect[2]).toBeGreaterThan(300);
    const progress = viewer.getByRole('progressbar', { name: 'Downloading big.png' });
    await expect.poll(() => answers.length, LIVE).toBe(1);
    const half = Math.floor(sealed / 2);
    await expect
      .poll(() => progress.getAttribute('aria-valuenow'), LIVE)
      .toBe(String(Math.floor((half / sealed) * 100)));
    expect(await progress.getAttribute('aria-valuetext')).toMatch(/^\d+%: .+ of .+$/);
    release();
    await expect
      .poll(() => b.getByTestId('full-picture').evaluate((img: HTMLImageElement) => img.naturalWidth), LIVE)
      .toBe(800);
    expect(await progress.count()).toBe(0);
    // The full picture took the preview's place exactly: nothing moved.
    const fullRect = await b.getByTestId('full-picture').evaluate(rectOf);
    fullRect.forEach((value, i) => expect(value).toBeCloseTo(previewRect[i]!, 0));
    expect(await preview.count()).toBe(0);
    expect(answers).toEqual([
      { range: undefined, status: 200, delivered: half },
      { range: `bytes=${half}-`, status: 206, delivered: sealed - half },
    ]);
    await b.context().unroute('**/api/blobs/*');
    devices.expectNoPageErrors();
  });
});
