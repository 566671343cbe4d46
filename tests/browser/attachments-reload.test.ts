import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ATTACHMENT_LIMITS, encryptedSize } from '@messenjo/shared';
import { describe, expect, it } from 'vitest';
import { signIn, type TestAccount } from '../harness/accounts.ts';
import { pageShows, type BrowserContext, type Page } from '../harness/browser.ts';
import { reloadUnderServiceWorker, untilOnline, useDevices } from '../harness/devices.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { LIVE } from '../harness/patience.ts';
import { drawnJpeg } from '../harness/pictures.ts';
import { twoFriends } from '../harness/people.ts';
import { messageWith } from '../harness/screens.ts';

/**
 * An upload cut by a reload (issue 17; docs/attachments.md, "Resumable uploads"): Alice sends a
 * file of a few cipher chunks, and her page reloads when the server has about half of it. The new
 * page finds the message in its outbox (IndexedDB, the same ciphertext) and the upload's URL in
 * tus's storage, asks the server its offset and sends only the rest; Bob downloads her bytes.
 * A file sent offline survives a reload made while still offline, and goes once the network is back.
 * A photo she sends shows at once, her own thumbnail in it, while it is still encrypted, and opens
 * from her device, before and after it goes out.
 */
describe('an upload cut by a reload, in Chromium', () => {
  const server = useServer('browser-attachments-reload');
  const browser = useBrowser();
  const devices = useDevices(server, browser);

  /** A device of `account` with the conversation open, online. */
  async function device(
    account: TestAccount,
    conversationId: string,
  ): Promise<{ page: Page; context: BrowserContext }> {
    const page = await devices.device(account, { path: `/c/${conversationId}`, acceptDownloads: true });
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    return { page, context: page.context() };
  }

  it('a page reloaded when the server has half of a file resumes from half; Bob gets the same bytes', async () => {
    const { alice, bob, conversationId } = await twoFriends(server().url, 'alice', 'bob');
    // Both devices open at once: each is a sign-in and a page load, slow on a loaded machine.
    const [a, b] = await Promise.all([device(alice, conversationId), device(bob, conversationId)]);
    const session = await signIn(server().url, alice, { userAgent: 'the reload' });

    // Every tus request of Alice's device, in order. The first PATCH reaches the server with only
    // its first half (forwarded here), and is left hanging: the reload is what ends it.
    const requests: { method: string; offset?: number; bytes?: number }[] = [];
    let cut: { total: number; half: number; offset: number } | undefined;
    let reloaded: () => void = () => {};
    const reloadDone = new Promise<void>((resolve) => (reloaded = resolve));
    await a.context.route('**/api/uploads**', async (route) => {
      const request = route.request();
      if (request.method() !== 'PATCH') {
        requests.push({ method: request.method() });
        return route.continue();
      }
      const body = request.postDataBuffer() ?? Buffer.alloc(0);
      const offset = Number(request.headers()['upload-offset']);
      requests.push({ method: 'PATCH', offset, bytes: body.length });
      if (cut) return route.continue();
      const half = Math.floor(body.length / 2);
      const forwarded = await fetch(request.url(), {
        method: 'PATCH',
        headers: {
          cookie: session.cookie,
          origin: server().url,
          'tus-resumable': '1.0.0',
          'upload-offset': String(offset),
          'content-type': 'application/offset+octet-stream',
        },
        body: new Uint8Array(body.subarray(0, half)),
      });
      expect(forwarded.status).toBe(204);
      cut = { total: body.length, half, offset };
      await reloadDone;
      // The page that sent it is gone; aborting its request is only tidying up.
      await route.abort('connectionreset').catch(() => {});
    });

    const file = Buffer.concat([
      Buffer.from('%PDF-1.4\n'),
      randomBytes(2 * ATTACHMENT_LIMITS.CHUNK_BYTES + 300_000 - 9),
    ]);
    const ciphertextBytes = encryptedSize(file.length, ATTACHMENT_LIMITS.CHUNK_BYTES);
    await a.page
      .getByTestId('attach-input')
      .setInputFiles([{ name: 'big.pdf', mimeType: 'application/pdf', buffer: file }]);
    await a.page.getByRole('textbox', { name: 'Message' }).fill('Cut by a reload');
    await a.page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => cut, LIVE).toBeDefined();
    const { total, half, offset } = cut ?? { total: 0, half: 0, offset: -1 };
    // One PATCH with the whole ciphertext from 0: the server now has exactly its first half.
    expect([offset, total]).toEqual([0, ciphertextBytes]);
    const beforeReload = requests.length;

    await a.page.reload();
    reloaded();
    await untilOnline(a.page).catch(async (error: unknown) => {
      throw new Error(`after the reload: ${await pageShows(a.page)}`, { cause: error });
    });
    // Alice's message is still shown after the reload (kept in the outbox), and reaches Bob.
    await messageWith(a.page, 'Cut by a reload').waitFor();
    const received = messageWith(b.page, 'Cut by a reload');
    await received
      .getByTestId('file-name')
      .getByText('big.pdf')
      .waitFor()
      .catch(async (error: unknown) => {
        throw new Error(`Bob never got it; Alice's page: ${await pageShows(a.page)}`, { cause: error });
      });

    // The new page created no new upload: it asked the server its offset and sent only the rest.
    const after = requests.slice(beforeReload);
    expect(after.filter((r) => r.method === 'POST')).toEqual([]);
    expect(after.filter((r) => r.method === 'PATCH')).toEqual([
      { method: 'PATCH', offset: half, bytes: total - half },
    ]);
    expect(after[0]?.method).toBe('HEAD');
    // Sent in all: the ciphertext once (the half forwarded before the reload and the rest after).
    expect(half + (after.find((r) => r.method === 'PATCH')?.bytes ?? 0)).toBe(ciphertextBytes);

    // Alice's message is sent, and Bob downloads her exact bytes.
    await expect
      .poll(() => messageWith(a.page, 'Cut by a reload').getAttribute('data-status'), LIVE)
      .toMatch(/^(sent|read)$/);
    const [download] = await Promise.all([
      b.page.waitForEvent('download'),
      received.getByRole('button', { name: 'Download big.pdf' }).click(),
    ]);
    expect((await readFile(await download.path())).equals(file)).toBe(true);
  });
  it('a file sent offline, then a reload while still offline: it is still pending, and goes out once the network is back', async () => {
    const { alice, bob, conversationId } = await twoFriends(server().url, 'alice', 'bob');
    const [a, b] = await Promise.all([device(alice, conversationId), device(bob, conversationId)]);
    // Offline, the app itself comes from the service worker.
    await reloadUnderServiceWorker(a.page);
    await untilOnline(a.page);

    await a.context.setOffline(true);
    await expect
      .poll(() => a.page.locator('[data-sync-status]').getAttribute('data-sync-status'), LIVE)
      .toBe('offline');
    const file = Buffer.concat([
      Buffer.from('%PDF-1.4\n'),
      randomBytes(ATTACHMENT_LIMITS.CHUNK_BYTES + 1_000),
    ]);
    await a.page
      .getByTestId('attach-input')
      .setInputFiles([{ name: 'train.pdf', mimeType: 'application/pdf', buffer: file }]);
    await a.page.getByRole('textbox', { name: 'Message' }).fill('Written offline, reloaded offline');
    await a.page.getByRole('button', { name: 'Send' }).click();
    await messageWith(a.page, 'Written offline, reloaded offline').getByTestId('upload-progress').waitFor();

    // The reload, still offline: the message is still there, pending, waiting for the network.
    await a.page.reload();
    const pending = messageWith(a.page, 'Written offline, reloaded offline');
    await pending
      .getByTestId('upload-progress')
      .waitFor()
      .catch(async (error: unknown) => {
        throw new Error(`after the offline reload: ${await pageShows(a.page)}`, { cause: error });
      });
    expect(await pending.getAttribute('data-status')).toBe('pending');
    expect(await pending.getByTestId('upload-progress').getAttribute('aria-label')).toMatch(
      /^Waiting for the network/,
    );
    expect(await messageWith(b.page, 'Written offline, reloaded offline').count()).toBe(0);

    // The network is back: it goes out, and Bob downloads Alice's exact bytes.
    await a.context.setOffline(false);
    const received = messageWith(b.page, 'Written offline, reloaded offline');
    await received
      .getByTestId('file-name')
      .getByText('train.pdf')
      .waitFor()
      .catch(async (error: unknown) => {
        throw new Error(`Bob never got it; Alice's page: ${await pageShows(a.page)}`, { cause: error });
      });
    await expect
      .poll(() => messageWith(a.page, 'Written offline, reloaded offline').getAttribute('data-status'), LIVE)
      .toMatch(/^(sent|read)$/);
    const [download] = await Promise.all([
      b.page.waitForEvent('download'),
      received.getByRole('button', { name: 'Download train.pdf' }).click(),
    ]);
    expect((await readFile(await download.path())).equals(file)).toBe(true);
  });

  it('her photo shows with its thumbnail while it is still encrypted, offline and after an offline reload; sent, it opens from her device', async () => {
    const { alice, bob, conversationId } = await twoFriends(server().url, 'alice', 'bob');
    const [a, b] = await Promise.all([device(alice, conversationId), device(bob, conversationId)]);
    await reloadUnderServiceWorker(a.page);
    await untilOnline(a.page);
    // A 12 MP photo: re-encoded and encrypted on the device, which takes seconds.
    const photo = await drawnJpeg(a.page, 4000, 3000);

    await a.context.setOffline(true);
    await expect
      .poll(() => a.page.locator('[data-sync-status]').getAttribute('data-sync-status'), LIVE)
      .toBe('offline');
    // Every change of the page from here: was her thumbnail on screen while the progress said
    // the photo was still being encrypted?
    await a.page.evaluate(() => {
      const seen = { preparing: false, thumbnailWhilePreparing: false };
      (window as unknown as { __seen: typeof seen }).__seen = seen;
      new MutationObserver(() => {
        const preparing = document.querySelector('[aria-label="Encrypting on this device"]');
        if (!preparing) return;
        seen.preparing = true;
        const row = preparing.closest('[data-message-id]');
        if (row?.querySelector('[data-testid="picture"] img')) seen.thumbnailWhilePreparing = true;
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await a.page
      .getByTestId('attach-input')
      .setInputFiles([{ name: 'harbour.jpg', mimeType: 'image/jpeg', buffer: photo }]);
    await a.page.getByRole('textbox', { name: 'Message' }).fill('The harbour at dawn');
    await a.page.getByRole('button', { name: 'Send' }).click();
    const mine = messageWith(a.page, 'The harbour at dawn');
    await expect
      .poll(() => mine.getByTestId('upload-progress').getAttribute('aria-label'), LIVE)
      .toMatch(/^Waiting for the network/);
    expect(await a.page.evaluate(() => (window as unknown as { __seen: unknown }).__seen)).toEqual({
      preparing: true,
      thumbnailWhilePreparing: true,
    });
    expect(await mine.getByTestId('picture').getAttribute('data-loaded')).toBe('');

    // Reloaded offline: still waiting, and her thumbnail is still there, from the device.
    await a.page.reload();
    const reloaded = messageWith(a.page, 'The harbour at dawn');
    await expect.poll(() => reloaded.getByTestId('picture').getAttribute('data-loaded'), LIVE).toBe('');
    expect(await reloaded.getByTestId('upload-progress').getAttribute('aria-label')).toMatch(
      /^Waiting for the network/,
    );

    // Online, it goes out; Bob sees it.
    await a.context.setOffline(false);
    await expect.poll(() => messageWith(b.page, 'The harbour at dawn').count(), LIVE).toBe(1);
    await expect
      .poll(
        () => messageWith(b.page, 'The harbour at dawn').getByTestId('picture').getAttribute('data-loaded'),
        LIVE,
      )
      .toBe('');
    await expect.poll(() => reloaded.getAttribute('data-status'), LIVE).toMatch(/^(sent|read)$/);

    // Offline again, her photo opens whole in the viewer: it never had to come back down.
    await a.context.setOffline(true);
    await reloaded.getByTestId('picture').click();
    await expect
      .poll(
        () => a.page.getByTestId('full-picture').evaluate((img: HTMLImageElement) => img.naturalWidth),
        LIVE,
      )
      .toBe(4000);
  });
});
