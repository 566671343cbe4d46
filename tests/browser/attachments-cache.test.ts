import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TestAccount } from '../harness/accounts.ts';
import type { Page } from '../harness/browser.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { reloadUnderServiceWorker, useDevices } from '../harness/devices.ts';
import { LIVE } from '../harness/patience.ts';
import { twoFriends } from '../harness/people.ts';
import { drawnPng, recordedWebm } from '../harness/pictures.ts';
import { messageWith } from '../harness/screens.ts';

/**
 * What the device keeps of downloaded files (issue 17; docs/attachments.md, "On the device" and
 * "Downloads that resume"): a cached file whose bytes went bad is fetched again rather than
 * failing for ever, a file bad on the server too says it is damaged, and a download cut and then
 * reloaded resumes from the bytes the device kept, showing how far it has come.
 */
describe('downloaded attachments kept on the device, in Chromium', () => {
  const server = useServer('browser-attachments-cache');
  const browser = useBrowser();
  const devices = useDevices(server, browser);

  /** A device of `account` with the conversation open, online, saving downloads. */
  async function device(account: TestAccount, conversationId: string) {
    const page = await devices.device(account, { path: `/c/${conversationId}`, acceptDownloads: true });
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    return { page, context: page.context(), problems: devices.problemsOf(page) };
  }

  const pair = () => twoFriends(server().url, 'alice', 'bob');

  async function sendFile(page: Page, caption: string, name: string, buffer: Buffer) {
    await page.getByTestId('attach-input').setInputFiles([{ name, mimeType: 'application/pdf', buffer }]);
    await page.getByRole('textbox', { name: 'Message' }).fill(caption);
    await page.getByRole('button', { name: 'Send' }).click();
  }

  /** Clicks the file's download button and reads the file the browser saved. */
  async function downloaded(page: Page, message: ReturnType<typeof messageWith>, name: string) {
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: LIVE.timeout }),
      message.getByRole('button', { name: `Download ${name}` }).click(),
    ]);
    return readFile(await download.path());
  }

  /** The keys of the device's blob cache (paths), as the page sees them. */
  const cachedPaths = (page: Page) =>
    page.evaluate(async () => {
      const name = (await caches.keys()).find((n) => n.startsWith('messenjo-blobs-'));
      if (!name) return [];
      return (await (await caches.open(name)).keys()).map((request) => new URL(request.url).pathname);
    });

  /**
   * Reloads offline with the preview at `path` no longer on the device. Removed once offline:
   * removed before, the online reload that brings the service worker fetched it again whenever
   * that was quicker than going offline (the tests' flake, seen beside other tests).
   */
  async function offlineWithout(
    device: { page: Page },
    loaded: () => ReturnType<Page['locator']>,
    path: string,
  ) {
    await reloadUnderServiceWorker(device.page);
    await expect.poll(() => loaded().getAttribute('data-loaded'), LIVE).toBe('');
    await device.page.context().setOffline(true);
    await device.page.evaluate(async (target) => {
      const name = (await caches.keys()).find((n) => n.startsWith('messenjo-blobs-'));
      if (!name || !(await (await caches.open(name)).delete(target)))
        throw new Error(`${target} was not kept`);
    }, path);
    await device.page.reload();
  }

  /** Flips one byte in the middle of the cached blob at `blobPath`, in the page's Cache Storage. */
  const corruptCached = (page: Page, blobPath: string) =>
    page.evaluate(async (target) => {
      const name = (await caches.keys()).find((n) => n.startsWith('messenjo-blobs-'));
      if (!name) throw new Error('no blob cache');
      const cache = await caches.open(name);
      const hit = await cache.match(target);
      if (!hit) throw new Error(`${target} is not cached`);
      const bytes = new Uint8Array(await hit.arrayBuffer());
      const middle = bytes.length >> 1;
      bytes[middle] = (bytes[middle] ?? 0) ^ 0xff;
      await cache.put(target, new Response(bytes, { headers: hit.headers }));
    }, blobPath);

  it('a cached file whose bytes went bad is fetched again and opens identical; bad on the server too, it says it is damaged', async () => {
    const { alice, bob, conversationId } = await pair();
    const a = await device(alice, conversationId);
    const b = await device(bob, conversationId);
    const report = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(1_500_000)]);
    await sendFile(a.page, 'The figures', 'figures.pdf', report);
    const received = messageWith(b.page, 'The figures');
    await received.getByTestId('file-name').getByText('figures.pdf').waitFor({ timeout: LIVE.timeout });

    // Opened once: the ciphertext is on Bob's device.
    expect((await downloaded(b.page, received, 'figures.pdf')).equals(report)).toBe(true);
    const blobPath = (await cachedPaths(b.page)).find((p) => p.startsWith('/api/blobs/'));
    if (!blobPath) throw new Error('the file was not kept on the device');

    // Its cached bytes go bad: opening it again fetches it once more, and the file is identical.
    const fetched: string[] = [];
    await b.context.route('**/api/blobs/*', async (route) => {
      fetched.push(new URL(route.request().url()).pathname);
      await route.continue();
    });
    await corruptCached(b.page, blobPath);
    expect((await downloaded(b.page, received, 'figures.pdf')).equals(report)).toBe(true);
    expect(fetched).toEqual([blobPath]);
    // What is kept now is the good copy: a third open needs no network.
    expect((await downloaded(b.page, received, 'figures.pdf')).equals(report)).toBe(true);
    expect(fetched).toEqual([blobPath]);

    // Bad on the server's disk too: fetched once more, then said plainly; the conversation goes on.
    const blobId = blobPath.split('/').at(-1) ?? '';
    const onDisk = path.join(server().dataDir, 'blobs', blobId.slice(0, 2), blobId);
    const stored = await readFile(onDisk);
    const middle = stored.length >> 1;
    stored[middle] = (stored[middle] ?? 0) ^ 0xff;
    await writeFile(onDisk, stored);
    await corruptCached(b.page, blobPath);
    await received.getByRole('button', { name: 'Download figures.pdf' }).click();
    await expect.poll(() => received.getByRole('alert').textContent(), LIVE).toContain('damaged');
    expect(fetched).toEqual([blobPath, blobPath]);
    expect(await cachedPaths(b.page)).not.toContain(blobPath);
    // Asked again, it says so at once without fetching the same bad bytes once more.
    await received.getByRole('button', { name: 'Download figures.pdf' }).click();
    await expect.poll(() => received.getByRole('alert').textContent(), LIVE).toContain('damaged');
    expect(fetched).toEqual([blobPath, blobPath]);
    await b.page.getByRole('textbox', { name: 'Message' }).fill('Got it, thanks');
    await b.page.getByRole('button', { name: 'Send' }).click();
    await messageWith(a.page, 'Got it, thanks').waitFor({ timeout: LIVE.timeout });
    expect(b.problems).toEqual({ consoleErrors: [], pageErrors: [] });
    await b.context.unroute('**/api/blobs/*');
  });

  it('a picture whose preview cannot be opened shows its placeholder and says why: offline and not on the device, it needs the network (then loads); damaged, it says so and the picture still opens', async () => {
    const { alice, bob, conversationId } = await pair();
    const a = await device(alice, conversationId);
    const b = await device(bob, conversationId);
    await a.page
      .getByTestId('attach-input')
      .setInputFiles([{ name: 'view.png', mimeType: 'image/png', buffer: await drawnPng(a.page, 600, 400) }]);
    await a.page.getByRole('textbox', { name: 'Message' }).fill('The view');
    await a.page.getByRole('button', { name: 'Send' }).click();
    const box = () => messageWith(b.page, 'The view').getByTestId('picture');
    const problem = () => box().getByTestId('preview-problem');
    // What the box says of itself to a screen reader: its description, from the label it points to.
    const described = () =>
      box().evaluate((button) => {
        const id = button.getAttribute('aria-describedby');
        return id ? (document.getElementById(id)?.textContent ?? `#${id} is missing`) : null;
      });
    await expect.poll(() => box().getAttribute('data-loaded'), LIVE).toBe('');
    expect(await problem().count()).toBe(0);
    expect(await described()).toBeNull();
    const placeholder = await box().evaluate((button) => getComputedStyle(button).backgroundImage);
    expect(placeholder).toMatch(/^url\("data:image\/png/);
    // Only the preview was fetched: Bob has not opened the picture.
    const kept = (await cachedPaths(b.page)).filter((p) => p.startsWith('/api/blobs/'));
    expect(kept).toHaveLength(1);
    const thumbnailPath = kept[0] ?? '';

    // Offline, with the preview no longer on the device: the placeholder, and why.
    await offlineWithout(b, box, thumbnailPath);
    await expect.poll(() => problem().textContent(), LIVE).toBe('Needs the network');
    expect(await described()).toBe('Needs the network');
    expect(await problem().getAttribute('title')).toContain('needs the network');
    expect(await box().evaluate((button) => getComputedStyle(button).backgroundImage)).toBe(placeholder);
    expect(await box().getAttribute('data-loaded')).toBeNull();
    // The network returns: the preview loads by itself and the label goes.
    await b.context.setOffline(false);
    await expect.poll(() => box().getAttribute('data-loaded'), LIVE).toBe('');
    expect(await problem().count()).toBe(0);

    // The preview's bytes go bad on the server's disk and on the device: the placeholder, and
    // "damaged", after one more fetch; the picture itself is another blob and still opens.
    const blobId = thumbnailPath.split('/').at(-1) ?? '';
    const onDisk = path.join(server().dataDir, 'blobs', blobId.slice(0, 2), blobId);
    const stored = await readFile(onDisk);
    stored[stored.length >> 1] = (stored[stored.length >> 1] ?? 0) ^ 0xff;
    await writeFile(onDisk, stored);
    await corruptCached(b.page, thumbnailPath);
    await b.page.reload();
    await expect.poll(() => problem().textContent(), LIVE).toBe('Preview damaged');
    expect(await described()).toBe('Preview damaged');
    expect(await problem().getAttribute('title')).toContain('damaged');
    expect(await box().evaluate((button) => getComputedStyle(button).backgroundImage)).toBe(placeholder);
    await box().click();
    await expect
      .poll(
        () => b.page.getByTestId('full-picture').evaluate((img: HTMLImageElement) => img.naturalWidth),
        LIVE,
      )
      .toBe(600);
    expect(b.problems.pageErrors).toEqual([]);
  });

  it('a video whose poster cannot be opened shows its placeholder and says why: offline and not on the device, it needs the network; damaged, it says so and the video still plays', async () => {
    const { alice, bob, conversationId } = await pair();
    const a = await device(alice, conversationId);
    const b = await device(bob, conversationId);
    await a.page
      .getByTestId('attach-input')
      .setInputFiles([{ name: 'clip.webm', mimeType: 'video/webm', buffer: await recordedWebm(a.page) }]);
    await a.page.getByRole('textbox', { name: 'Message' }).fill('The clip');
    await a.page.getByRole('button', { name: 'Send' }).click();
    const box = () => messageWith(b.page, 'The clip').getByTestId('video');
    const problem = () => box().getByTestId('preview-problem');
    const play = () => box().getByRole('button', { name: 'Play video clip.webm' });
    // What the play button says of the poster to a screen reader: its description.
    const described = () =>
      play().evaluate((button) => {
        const id = button.getAttribute('aria-describedby');
        return id ? (document.getElementById(id)?.textContent ?? `#${id} is missing`) : null;
      });
    await expect.poll(() => box().getAttribute('data-loaded'), LIVE).toBe('');
    expect(await problem().count()).toBe(0);
    const placeholder = await box().evaluate((element) => getComputedStyle(element).backgroundImage);
    expect(placeholder).toMatch(/^url\("data:image\/png/);
    const kept = (await cachedPaths(b.page)).filter((p) => p.startsWith('/api/blobs/'));
    expect(kept).toHaveLength(1); // the poster alone: nothing played yet
    const posterPath = kept[0] ?? '';

    // Offline, with the poster no longer on the device: the placeholder, and why.
    await offlineWithout(b, box, posterPath);
    await expect.poll(() => problem().textContent(), LIVE).toBe('Needs the network');
    expect(await described()).toBe('Needs the network');
    expect(await problem().getAttribute('title')).toBe(
      'This preview needs the network: it is not on this device yet.',
    );
    expect(await box().evaluate((element) => getComputedStyle(element).backgroundImage)).toBe(placeholder);
    await b.context.setOffline(false);
    await expect.poll(() => box().getAttribute('data-loaded'), LIVE).toBe('');
    expect(await problem().count()).toBe(0);

    // The poster's bytes go bad on the server's disk and on the device: "Preview damaged"; the
    // video is another blob and still plays.
    const blobId = posterPath.split('/').at(-1) ?? '';
    const onDisk = path.join(server().dataDir, 'blobs', blobId.slice(0, 2), blobId);
    const stored = await readFile(onDisk);
    stored[stored.length >> 1] = (stored[stored.length >> 1] ?? 0) ^ 0xff;
    await writeFile(onDisk, stored);
    await corruptCached(b.page, posterPath);
    await b.page.reload();
    await expect.poll(() => problem().textContent(), LIVE).toBe('Preview damaged');
    expect(await described()).toBe('Preview damaged');
    expect(await problem().getAttribute('title')).toMatch(/^This preview is damaged/);
    await play().click();
    const player = messageWith(b.page, 'The clip').getByTestId('video-player');
    await expect
      .poll(() => player.evaluate((video: HTMLVideoElement) => [video.videoWidth, video.videoHeight]), LIVE)
      .toEqual([320, 240]);
    expect(b.problems.pageErrors).toEqual([]);
  });

  it('pieces of a download not continued for a week are dropped once the page opens a file; fresher ones stay', async () => {
    const { alice, bob, conversationId } = await pair();
    const a = await device(alice, conversationId);
    const b = await device(bob, conversationId);
    // Bob's device holds pieces of two downloads never finished: one last added to 8 days ago,
    // one an hour ago (as the blob cache keeps them: a piece per path, its time in the index).
    const old = `/__messenjo/partial/${'a'.repeat(64)}/0`;
    const fresh = `/__messenjo/partial/${'b'.repeat(64)}/0`;
    await b.page.evaluate(
      async ([cacheName, oldPath, freshPath]) => {
        const cache = await caches.open(cacheName);
        const day = 24 * 60 * 60 * 1000;
        const index: Record<string, { bytes: number; openedAt: number }> = {};
        for (const [path, age] of [
          [oldPath, 8 * day],
          [freshPath, day / 24],
        ] as const) {
          await cache.put(
            path,
            new Response(new Uint8Array(1000), { headers: { 'X-Messenjo-ETag': '"x"' } }),
          );
          index[path] = { bytes: 1000, openedAt: Date.now() - age };
        }
        await cache.put('/__messenjo/blob-index', new Response(JSON.stringify(index)));
      },
      [`messenjo-blobs-${bob.userId}`, old, fresh] as const,
    );
    await b.page.reload();
    expect(await cachedPaths(b.page)).toEqual(expect.arrayContaining([old, fresh]));

    await sendFile(a.page, 'The menu', 'menu.pdf', Buffer.from('%PDF-1.4 the menu'));
    const received = messageWith(b.page, 'The menu');
    await received.getByTestId('file-name').getByText('menu.pdf').waitFor({ timeout: LIVE.timeout });
    expect((await downloaded(b.page, received, 'menu.pdf')).toString()).toBe('%PDF-1.4 the menu');
    await expect.poll(() => cachedPaths(b.page), LIVE).not.toContain(old);
    expect(await cachedPaths(b.page)).toContain(fresh);
  });

  it('[BL1] a download cut at half and then reloaded asks for exactly the rest, showing its progress; the file is identical', async () => {
    const { alice, bob, conversationId } = await pair();
    const a = await device(alice, conversationId);
    const b = await device(bob, conversationId);
    // Three 1 MiB chunks and a bit: the cut falls inside a chunk.
    const report = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(3 * 1024 * 1024 + 5_000)]);
    await sendFile(a.page, 'The long report', 'long.pdf', report);
    const received = () => messageWith(b.page, 'The long report');
    await received().getByTestId('file-name').getByText('long.pdf').waitFor({ timeout: LIVE.timeout });

    // The first answer is cut at half; then the network is gone, so the download stops there.
    const answers: { range: string | undefined; status: number; delivered: number }[] = [];
    let phase: 'cut' | 'gated' = 'cut';
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    await b.context.route('**/api/blobs/*', async (route) => {
      const range = route.request().headers().range;
      if (phase === 'cut' && answers.length > 0) {
        answers.push({ range, status: 0, delivered: 0 });
        return route.abort('internetdisconnected');
      }
      const response = await route.fetch();
      const body = await response.body();
      if (phase === 'cut') {
        const half = Math.floor(body.length / 2);
        answers.push({ range, status: response.status(), delivered: half });
        return route.fulfill({ response, body: body.subarray(0, half) });
      }
      // After the reload: held back until the test has seen the progress, then whole.
      await released;
      answers.push({ range, status: response.status(), delivered: body.length });
      return route.fulfill({ response, body });
    });
    await received().getByRole('button', { name: 'Download long.pdf' }).click();
    await expect.poll(() => received().getByRole('alert').textContent(), LIVE).toContain('needs the network');
    const sealed = report.length + 4 * 16; // four chunks, each with its GCM tag
    const half = Math.floor(sealed / 2);
    expect(answers[0]).toEqual({ range: undefined, status: 200, delivered: half });

    // The page is reloaded: what came is still on the device, and only the rest is asked for.
    phase = 'gated';
    answers.length = 0;
    await b.page.reload();
    await received().getByTestId('file-name').getByText('long.pdf').waitFor({ timeout: LIVE.timeout });
    const saved = b.page.waitForEvent('download', { timeout: LIVE.timeout });
    await received().getByRole('button', { name: 'Download long.pdf' }).click();
    // While the rest is on its way the file shows how far it has come: half, from the device.
    const progress = received().getByRole('progressbar', { name: 'Downloading long.pdf' });
    await expect
      .poll(() => progress.getAttribute('aria-valuenow'), LIVE)
      .toBe(String(Math.floor((half / sealed) * 100)));
    expect(await progress.getAttribute('aria-valuetext')).toMatch(/^\d+%: .+ of .+$/);
    release();
    const file = await readFile(await (await saved).path());
    expect(file.equals(report)).toBe(true);
    expect(answers).toEqual([{ range: `bytes=${half}-`, status: 206, delivered: sealed - half }]);
    await expect.poll(() => progress.count(), LIVE).toBe(0);
    // Whole now: the pieces are gone, the blob is kept.
    const kept = await cachedPaths(b.page);
    expect(kept.filter((p) => p.startsWith('/__messenjo/partial/'))).toEqual([]);
    expect(kept.filter((p) => p.startsWith('/api/blobs/'))).toHaveLength(1);
    await b.context.unroute('**/api/blobs/*');
  });
});
