import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { signIn, signUp, type TestAccount } from '../harness/accounts.ts';
import { deviceContext, watchPage, type BrowserContext, type Page } from '../harness/browser.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { LIVE } from '../harness/patience.ts';
import { makeFriends } from '../harness/social.ts';
import { drawnPng, recordedWebm } from '../harness/pictures.ts';
import { messageWith } from '../harness/screens.ts';

/**
 * Attachments on the device (issue 17; docs/attachments.md, "On the device"): what the device
 * keeps of downloaded files within the person's budget opens offline, and what it does not keep
 * says it needs the network instead of loading forever.
 */
describe('attachments on the device, in Chromium', () => {
  const server = useServer('browser-attachments-device');
  const browser = useBrowser();
  const contexts: BrowserContext[] = [];

  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
  });

  async function device(
    account: TestAccount,
    conversationId: string,
    touch = false,
  ): Promise<{ page: Page; context: BrowserContext }> {
    const session = await signIn(server().url, account, { userAgent: `device ${contexts.length}` });
    const context = await deviceContext(browser(), server().url, session.cookie, {
      acceptDownloads: true,
      hasTouch: touch,
    });
    contexts.push(context);
    const page = await context.newPage();
    const problems = watchPage(page);
    page.on('close', () => {
      if (problems.pageErrors.length + problems.consoleErrors.length > 0)
        console.warn(account.username, problems);
    });
    await page.goto(`${server().url}/c/${conversationId}`);
    await expect
      .poll(() => page.locator('[data-sync-status]').getAttribute('data-sync-status'), LIVE)
      .toBe('online');
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    return { page, context };
  }

  async function pair() {
    const tag = Math.random().toString(36).slice(2, 6);
    const alice = await signUp(server().url, { username: `alice_${tag}` });
    const bob = await signUp(server().url, { username: `bob_${tag}` });
    const conversationId = await makeFriends(server().url, alice, bob);
    return { alice, bob, conversationId };
  }

  async function send(
    page: Page,
    caption: string,
    files: { name: string; mimeType: string; buffer: Buffer }[],
  ) {
    await page.getByTestId('attach-input').setInputFiles(files);
    await page.getByRole('textbox', { name: 'Message' }).fill(caption);
    await page.getByRole('button', { name: 'Send' }).click();
  }

  it('a picture opened once opens offline after a reload; a file never opened says it needs the network; settings show what is kept', async () => {
    const { alice, bob, conversationId } = await pair();
    const a = await device(alice, conversationId);
    const b = await device(bob, conversationId);
    await send(a.page, 'For the trip', [
      { name: 'map.png', mimeType: 'image/png', buffer: await drawnPng(a.page, 600, 400) },
      {
        name: 'tickets.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(50_000)]),
      },
    ]);

    // Bob sees the thumbnail and opens the full picture: both are now on his device.
    const received = messageWith(b.page, 'For the trip');
    await expect.poll(() => received.getByTestId('picture').getAttribute('data-loaded'), LIVE).toBe('');
    await received.getByTestId('picture').click();
    const full = b.page.getByTestId('full-picture');
    await expect
      .poll(() => full.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]), LIVE)
      .toEqual([600, 400]);
    await b.page.keyboard.press('Escape');
    await b.page.getByTestId('picture-viewer').waitFor({ state: 'detached' });

    // Settings say what is kept: the thumbnail and the picture, within the default budget.
    await b.page.goto(`${server().url}/settings`);
    expect(await b.page.getByTestId('downloads-budget').inputValue()).toBe('500000000');
    await expect.poll(() => b.page.getByTestId('downloads-usage').textContent(), LIVE).toContain('(2 files)');

    // Offline, after a reload (the service worker serves the app).
    await b.page.goto(`${server().url}/c/${conversationId}`);
    await b.page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await b.page.reload();
    await expect
      .poll(() => b.page.evaluate(() => navigator.serviceWorker.controller !== null), LIVE)
      .toBe(true);
    await b.context.setOffline(true);
    await b.page.reload();
    const offline = messageWith(b.page, 'For the trip');
    await expect.poll(() => offline.getByTestId('picture').getAttribute('data-loaded'), LIVE).toBe('');
    await offline.getByTestId('picture').click();
    await expect
      .poll(
        () => b.page.getByTestId('full-picture').evaluate((img: HTMLImageElement) => img.naturalWidth),
        LIVE,
      )
      .toBe(600);
    await b.page.keyboard.press('Escape');
    await b.page.getByTestId('picture-viewer').waitFor({ state: 'detached' });

    // The PDF was never opened on this device: it says so, at once, rather than spinning.
    await offline.getByRole('button', { name: 'Download tickets.pdf' }).click();
    await expect.poll(() => offline.getByRole('alert').textContent(), LIVE).toContain('needs the network');
    expect(await offline.getByRole('button', { name: 'Download tickets.pdf' }).isEnabled()).toBe(true);

    // Back online, the same button downloads it.
    await b.context.setOffline(false);
    const [download] = await Promise.all([
      b.page.waitForEvent('download'),
      offline.getByRole('button', { name: 'Download tickets.pdf' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('tickets.pdf');
  });

  it('the viewer goes through the conversation’s pictures, newest last, with the arrow keys and the buttons, fetching only its neighbours ahead; it zooms with a double tap', async () => {
    const { alice, bob, conversationId } = await pair();
    const a = await device(alice, conversationId);
    const b = await device(bob, conversationId, true);
    await send(a.page, 'Three views', [
      { name: 'one.png', mimeType: 'image/png', buffer: await drawnPng(a.page, 300, 200) },
      { name: 'two.png', mimeType: 'image/png', buffer: await drawnPng(a.page, 200, 300) },
      { name: 'three.png', mimeType: 'image/png', buffer: await drawnPng(a.page, 400, 100) },
    ]);
    // The second message is written once Bob has the first: the timeline's order is known.
    const views = messageWith(b.page, 'Three views');
    await expect.poll(() => views.getByTestId('picture').count(), LIVE).toBe(3);
    await send(a.page, 'The fourth', [
      { name: 'four.png', mimeType: 'image/png', buffer: await drawnPng(a.page, 500, 250) },
    ]);
    const fourth = messageWith(b.page, 'The fourth');
    await expect.poll(() => fourth.getByTestId('picture').getAttribute('data-loaded'), LIVE).toBe('');
    // Bob's thumbnails are all on his device before he opens anything.
    await expect.poll(() => views.locator('[data-testid="picture"][data-loaded]').count(), LIVE).toBe(3);

    // Opened at the newest picture, the viewer counts every picture of the conversation.
    await fourth.getByTestId('picture').click();
    const viewer = b.page.getByTestId('picture-viewer');
    const full = b.page.getByTestId('full-picture');
    const shown = () => full.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
    const position = () => viewer.getByTestId('picture-position').textContent();
    await expect.poll(shown, LIVE).toEqual([500, 250]);
    expect(await position()).toBe('4 of 4');
    expect(await viewer.getByRole('button', { name: 'Next picture' }).isDisabled()).toBe(true);

    // Its neighbour comes onto the device meanwhile (the four thumbnails, this picture and
    // three.png: six blobs), so stepping back opens it offline; the one beyond was not fetched.
    const keptBlobs = () =>
      b.page.evaluate(async () => {
        const name = (await caches.keys()).find((n) => n.startsWith('messenjo-blobs-'));
        if (!name) return 0;
        const keys = await (await caches.open(name)).keys();
        return keys.filter((request) => request.url.includes('/api/blobs/')).length;
      });
    await expect.poll(keptBlobs, LIVE).toBe(6);
    await b.context.setOffline(true);
    await b.page.keyboard.press('ArrowLeft');
    await expect.poll(shown, LIVE).toEqual([400, 100]);
    expect(await position()).toBe('3 of 4');
    await b.page.keyboard.press('ArrowLeft');
    await expect
      .poll(() => viewer.getByRole('alert').textContent(), LIVE)
      .toContain('This picture needs the network');
    expect(await position()).toBe('2 of 4');
    // Back online, the picture shown loads by itself.
    await b.context.setOffline(false);
    await expect.poll(shown, LIVE).toEqual([200, 300]);

    await viewer.getByRole('button', { name: 'Previous picture' }).click();
    await expect.poll(shown, LIVE).toEqual([300, 200]);
    expect(await position()).toBe('1 of 4');
    expect(await viewer.getByRole('button', { name: 'Previous picture' }).isDisabled()).toBe(true);
    await viewer.getByRole('button', { name: 'Next picture' }).click();
    await expect.poll(shown, LIVE).toEqual([200, 300]);

    // A double tap (touch) zooms to twice the width, another zooms back. Both taps are sent in
    // one task: driven one by one, a loaded machine can space them wider than a double tap.
    const width = () => full.evaluate((img: HTMLImageElement) => img.getBoundingClientRect().width);
    const before = await width();
    const doubleTap = () =>
      full.evaluate((img: HTMLImageElement) => {
        const box = img.getBoundingClientRect();
        // Near the top left, inside the picture at either zoom (200×300, shown at its own size).
        const at = { clientX: box.x + 100, clientY: box.y + 50, pointerId: 7, pointerType: 'touch' };
        for (let i = 0; i < 2; i++) {
          img.dispatchEvent(new PointerEvent('pointerdown', { ...at, bubbles: true, isPrimary: true }));
          img.dispatchEvent(new PointerEvent('pointerup', { ...at, bubbles: true, isPrimary: true }));
        }
      });
    await doubleTap();
    await expect.poll(width, LIVE).toBeGreaterThan(before * 1.5);
    await doubleTap();
    await expect.poll(width, LIVE).toBeCloseTo(before, 0);

    await b.page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
  });

  it('[BL1] a download cut in the middle resumes from the bytes the device has: the server sends the rest once, the file is identical', async () => {
    const { alice, bob, conversationId } = await pair();
    const a = await device(alice, conversationId);
    const b = await device(bob, conversationId);
    // Three 1 MiB chunks and a bit: the cut falls inside a chunk.
    const report = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(3 * 1024 * 1024 + 5_000)]);
    await send(a.page, 'The long report', [
      { name: 'long.pdf', mimeType: 'application/pdf', buffer: report },
    ]);
    const received = messageWith(b.page, 'The long report');
    await received.getByTestId('file-name').getByText('long.pdf').waitFor({ timeout: LIVE.timeout });

    // What the server answers each of Bob's requests for the blob, and what reaches his page:
    // the first answer is cut at half (the connection drops), the rest pass as they are.
    const answers: { range: string | undefined; status: number; delivered: number }[] = [];
    await b.context.route('**/api/blobs/*', async (route) => {
      const response = await route.fetch();
      const body = await response.body();
      const range = route.request().headers().range;
      if (answers.length === 0) {
        const half = Math.floor(body.length / 2);
        answers.push({ range, status: response.status(), delivered: half });
        return route.fulfill({ response, body: body.subarray(0, half) });
      }
      answers.push({ range, status: response.status(), delivered: body.length });
      return route.fulfill({ response, body });
    });
    const [download] = await Promise.all([
      b.page.waitForEvent('download', { timeout: LIVE.timeout }),
      received.getByRole('button', { name: 'Download long.pdf' }).click(),
    ]);
    expect((await readFile(await download.path())).equals(report)).toBe(true);

    const sealed = report.length + 4 * 16; // four chunks, each with its GCM tag
    const half = Math.floor(sealed / 2);
    expect(answers).toEqual([
      { range: undefined, status: 200, delivered: half },
      { range: `bytes=${half}-`, status: 206, delivered: sealed - half },
    ]);
    await b.context.unroute('**/api/blobs/*');
  });

  it('a video shows its poster with a play button and its length, and plays on the other device', async () => {
    const { alice, bob, conversationId } = await pair();
    const a = await device(alice, conversationId);
    const b = await device(bob, conversationId);
    // A WebM recorded in Alice's browser from a canvas: 48 drawn frames, 320×240.
    const clip = await recordedWebm(a.page);
    await send(a.page, 'Watch this', [{ name: 'clip.webm', mimeType: 'video/webm', buffer: clip }]);

    const received = messageWith(b.page, 'Watch this');
    const box = received.getByTestId('video');
    await expect.poll(() => box.getAttribute('data-loaded'), LIVE).toBe('');
    // The box has the video's shape (320×240 → 280×210) before anything plays.
    expect(await box.evaluate((element) => [element.clientWidth, element.clientHeight])).toEqual([280, 210]);
    expect(await box.getByTestId('video-duration').textContent()).toMatch(/^0:0\d$/);
    await received.getByRole('button', { name: 'Play video clip.webm' }).click();
    const player = received.getByTestId('video-player');
    await expect
      .poll(() => player.evaluate((video: HTMLVideoElement) => [video.videoWidth, video.videoHeight]), LIVE)
      .toEqual([320, 240]);
    expect(await player.getAttribute('src')).toMatch(/^blob:/);
  });
});
