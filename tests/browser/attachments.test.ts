import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ATTACHMENT_LIMITS, blobPath, encryptedSize } from '@messenjo/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { signIn, signUp, type TestAccount } from '../harness/accounts.ts';
import { deviceContext, watchPage, type BrowserContext, type Page, type Route } from '../harness/browser.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { LIVE } from '../harness/patience.ts';
import { makeFriends } from '../harness/social.ts';
import { drawnPng } from '../harness/pictures.ts';
import { messageWith } from '../harness/screens.ts';

/**
 * Attachments in Chromium (issue 17; docs/attachments.md): two people, the real server. Files are
 * encrypted in Alice's browser, uploaded with tus, and decrypted in Bob's; the server's disk holds
 * ciphertext only. An upload cut at half continues from half, and a file sent offline goes once
 * the network is back.
 */
describe('attachments in Chromium', () => {
  const server = useServer('browser-attachments');
  const browser = useBrowser();
  const contexts: BrowserContext[] = [];

  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
  });

  async function device(
    account: TestAccount,
    conversationId: string,
  ): Promise<{ page: Page; context: BrowserContext }> {
    const session = await signIn(server().url, account, { userAgent: `device ${contexts.length}` });
    const context = await deviceContext(browser(), server().url, session.cookie, { acceptDownloads: true });
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

  /** A PDF-looking file; more than one cipher chunk, so chunking shows in what is compared. */
  function pdf(bytes: number): Buffer {
    return Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(bytes - 9)]);
  }

  /** What the server counts against the page's person (the quota's used bytes). */
  const usedBytes = (page: Page): Promise<number> =>
    page.evaluate(async () => {
      const answer = await fetch('/api/attachments/limits');
      return ((await answer.json()) as { usedBytes: number }).usedBytes;
    });

  /** Sends one PDF of `bytes` with `text` from the composer; returns its message. */
  async function sendPdf(page: Page, name: string, bytes: number, text: string) {
    await page
      .getByTestId('attach-input')
      .setInputFiles([{ name, mimeType: 'application/pdf', buffer: pdf(bytes) }]);
    await page.getByRole('textbox', { name: 'Message' }).fill(text);
    await page.getByRole('button', { name: 'Send' }).click();
    return messageWith(page, text);
  }

  /** Lets an upload's termination through to the server and records its status. */
  async function passDelete(route: Route, statuses: number[]): Promise<void> {
    const response = await route.fetch();
    statuses.push(response.status());
    await route.fulfill({ response });
  }

  /** Every stored blob file on the server's disk (DATA_DIR/blobs/<2 hex>/<id>). */
  async function blobsOnDisk(): Promise<{ id: string; bytes: Buffer }[]> {
    const root = path.join(server().dataDir, 'blobs');
    const found: { id: string; bytes: Buffer }[] = [];
    for (const folder of await readdir(root).catch(() => [])) {
      for (const id of await readdir(path.join(root, folder)))
        found.push({ id, bytes: await readFile(path.join(root, folder, id)) });
    }
    return found;
  }

  it('Alice sends a picture and a PDF with a caption; Bob sees the picture and downloads the same PDF; the server keeps ciphertext', async () => {
    const { alice, bob, conversationId } = await pair();
    const a = await device(alice, conversationId);
    const b = await device(bob, conversationId);
    const picture = await drawnPng(a.page, 640, 480);
    const report = pdf(ATTACHMENT_LIMITS.CHUNK_BYTES + 12_345);

    await a.page.getByTestId('attach-input').setInputFiles([
      { name: 'sunset.png', mimeType: 'image/png', buffer: picture },
      { name: 'report.pdf', mimeType: 'application/pdf', buffer: report },
    ]);
    await expect
      .poll(() => a.page.getByRole('list', { name: 'Files to send' }).getByRole('listitem').count())
      .toBe(2);
    await a.page.getByRole('textbox', { name: 'Message' }).fill('Holiday pictures and the bill');
    await a.page.getByRole('button', { name: 'Send' }).click();

    // Shown at once on Alice's device, its picture box already the picture's shape (640×480 → 280×210).
    const sent = messageWith(a.page, 'Holiday pictures and the bill');
    await sent.getByTestId('picture').waitFor();
    expect(await sent.getByTestId('picture').evaluate((box) => [box.clientWidth, box.clientHeight])).toEqual([
      280, 210,
    ]);
    // Stored by the server (Bob has the conversation open, so it may already show as read).
    await expect.poll(() => sent.getAttribute('data-status'), LIVE).toMatch(/^(sent|read)$/);

    // Bob: the placeholder box, then the decrypted thumbnail in it; the viewer shows the full picture.
    const received = messageWith(b.page, 'Holiday pictures and the bill');
    const box = received.getByTestId('picture');
    await box.waitFor();
    await expect.poll(() => box.getAttribute('data-loaded'), LIVE).toBe('');
    expect(await box.evaluate((element) => [element.clientWidth, element.clientHeight])).toEqual([280, 210]);
    await box.click();
    const full = b.page.getByTestId('full-picture');
    await full.waitFor();
    await expect
      .poll(() => full.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]), LIVE)
      .toEqual([640, 480]);
    await b.page.keyboard.press('Escape');
    await b.page.getByTestId('picture-viewer').waitFor({ state: 'detached' });

    // The PDF downloads under its name with Alice's exact bytes.
    await received.getByTestId('file-name').getByText('report.pdf').waitFor();
    // Its type shows as a drawn icon (a character would be an empty box without an emoji font).
    expect(await received.getByTestId('file-icon').locator('svg path').count()).toBe(1);
    expect(await received.getByTestId('file-icon').textContent()).toBe('');
    const [download] = await Promise.all([
      b.page.waitForEvent('download'),
      received.getByRole('button', { name: 'Download report.pdf' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('report.pdf');
    const downloaded = await readFile(await download.path());
    expect(downloaded.equals(report)).toBe(true);

    // The server's disk: the PDF's blob is ciphertext of the right size, never the file itself.
    const stored = await blobsOnDisk();
    const pdfBlob = stored.find(
      (blob) => blob.bytes.length === encryptedSize(report.length, ATTACHMENT_LIMITS.CHUNK_BYTES),
    );
    expect(pdfBlob).toBeDefined();
    expect(pdfBlob?.bytes.subarray(0, 8).toString('latin1')).not.toBe('%PDF-1.4');
    for (const blob of stored) {
      expect(blob.bytes.equals(report)).toBe(false);
      expect(blob.bytes.equals(picture)).toBe(false);
      expect(blob.bytes.includes(report.subarray(100, 164))).toBe(false);
    }

    // Only a member may fetch it: from Bob's page the ciphertext, from a stranger's signed-in page
    // the same 404 as for a blob that does not exist.
    const fetchStatus = (page: Page, blob: string) =>
      page.evaluate(async (p) => (await fetch(p, { cache: 'no-store' })).status, blobPath(blob));
    expect(await fetchStatus(b.page, pdfBlob!.id)).toBe(200);
    const carol = await signUp(server().url, { username: `carol_${Math.random().toString(36).slice(2, 6)}` });
    const stranger = await signIn(server().url, carol, { userAgent: 'a stranger' });
    const strangerContext = await deviceContext(browser(), server().url, stranger.cookie);
    contexts.push(strangerContext);
    const strangerPage = await strangerContext.newPage();
    await strangerPage.goto(server().url);
    expect(await fetchStatus(strangerPage, pdfBlob!.id)).toBe(404);
    expect(await fetchStatus(strangerPage, 'f'.repeat(64))).toBe(404);
  });

  it('an upload cut at half resumes from half, and a file sent offline arrives once the network is back', async () => {
    const { alice, bob, conversationId } = await pair();
    const a = await device(alice, conversationId);
    const b = await device(bob, conversationId);
    const session = await signIn(server().url, alice, { userAgent: 'the cut' });

    // The first PATCH reaches the server with only its first half, then the connection fails.
    const patches: { offset: number; bytes: number }[] = [];
    let cut: { total: number; half: number } | undefined;
    await a.context.route('**/api/uploads/*', async (route) => {
      const request = route.request();
      if (request.method() !== 'PATCH') return route.continue();
      const body = request.postDataBuffer() ?? Buffer.alloc(0);
      const offset = Number(request.headers()['upload-offset']);
      patches.push({ offset, bytes: body.length });
      if (cut) return route.continue();
      const half = Math.floor(body.length / 2);
      cut = { total: body.length, half };
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
      return route.abort('connectionreset');
    });
    const file = pdf(ATTACHMENT_LIMITS.CHUNK_BYTES + 500_000);
    await a.page
      .getByTestId('attach-input')
      .setInputFiles([{ name: 'cut.pdf', mimeType: 'application/pdf', buffer: file }]);
    await a.page.getByRole('textbox', { name: 'Message' }).fill('Cut at half');
    await a.page.getByRole('button', { name: 'Send' }).click();
    await messageWith(b.page, 'Cut at half').getByTestId('file-name').getByText('cut.pdf').waitFor();
    // The second PATCH starts where the server stopped and sends only the rest.
    expect(cut).toBeDefined();
    expect(patches.slice(0, 2)).toEqual([
      { offset: 0, bytes: cut?.total },
      { offset: cut?.half, bytes: (cut?.total ?? 0) - (cut?.half ?? 0) },
    ]);
    await a.context.unroute('**/api/uploads/*');

    // Offline: the message shows at once, waiting; nothing reaches Bob until the network returns.
    await a.context.setOffline(true);
    await expect
      .poll(() => a.page.locator('[data-sync-status]').getAttribute('data-sync-status'), LIVE)
      .toBe('offline');
    await a.page
      .getByTestId('attach-input')
      .setInputFiles([
        { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('written on the train') },
      ]);
    await a.page.getByRole('textbox', { name: 'Message' }).fill('Sent from the train');
    await a.page.getByRole('button', { name: 'Send' }).click();
    const pending = messageWith(a.page, 'Sent from the train');
    await pending.getByTestId('upload-progress').waitFor();
    expect(await pending.getAttribute('data-status')).toBe('pending');
    expect(await messageWith(b.page, 'Sent from the train').count()).toBe(0);
    await a.context.setOffline(false);
    const arrived = messageWith(b.page, 'Sent from the train');
    await arrived.getByTestId('file-name').getByText('notes.txt').waitFor();
    const [download] = await Promise.all([
      b.page.waitForEvent('download'),
      arrived.getByRole('button', { name: 'Download notes.txt' }).click(),
    ]);
    expect((await readFile(await download.path())).toString()).toBe('written on the train');
  });
  it('a file cancelled while it uploads leaves the conversation, and its unfinished upload stops counting against the quota at once', async () => {
    const { alice, bob, conversationId } = await pair();
    const a = await device(alice, conversationId);
    const b = await device(bob, conversationId);
    expect(await usedBytes(a.page)).toBe(0);

    // The server gets the upload's creation; every PATCH fails (a network that never carries the
    // bytes), so the message waits; a DELETE is let through and counted.
    const deletes: number[] = [];
    await a.context.route('**/api/uploads/*', async (route) => {
      const method = route.request().method();
      if (method === 'PATCH') return route.abort('connectionreset');
      if (method === 'DELETE') return passDelete(route, deletes);
      return route.continue();
    });
    const stuck = await sendPdf(a.page, 'stuck.pdf', 300_000, 'Never mind');
    await stuck.getByTestId('upload-progress').waitFor();
    // The upload the server holds counts against Alice's quota (its declared length).
    await expect
      .poll(() => usedBytes(a.page), LIVE)
      .toBe(encryptedSize(300_000, ATTACHMENT_LIMITS.CHUNK_BYTES));

    await stuck.getByRole('button', { name: 'Cancel sending' }).click();
    await expect.poll(() => stuck.count(), LIVE).toBe(0);
    await expect.poll(() => deletes, LIVE).toEqual([204]);
    expect(await usedBytes(a.page)).toBe(0);
    // Gone after a reload too, and never on Bob's device.
    await a.page.reload();
    await a.page.getByRole('textbox', { name: 'Message' }).waitFor();
    expect(await messageWith(a.page, 'Never mind').count()).toBe(0);
    expect(await messageWith(b.page, 'Never mind').count()).toBe(0);
    await a.context.unroute('**/api/uploads/*');
  });
  it('a file cancelled while the server creates its upload: the upload is ended once the answer comes, and stops counting against the quota', async () => {
    const { alice, conversationId } = await pair();
    const a = await device(alice, conversationId);
    // The creation reaches the server, which makes the upload; its answer is held back from the
    // page (a slow network) until the test lets it go. A DELETE is let through and counted.
    let letAnswerGo = (): void => {};
    const answerHeld = new Promise<void>((resolve) => (letAnswerGo = resolve));
    const deletes: number[] = [];
    await a.context.route('**/api/uploads**', async (route) => {
      const method = route.request().method();
      if (method === 'POST') {
        const response = await route.fetch();
        await answerHeld;
        // Main's build cut the request short meanwhile: nothing is waiting for this answer.
        return route.fulfill({ response }).catch(() => {});
      }
      if (method === 'DELETE') return passDelete(route, deletes);
      return route.continue();
    });
    const pending = await sendPdf(a.page, 'slow.pdf', 200_000, 'Changed my mind');
    // The server has made the upload (it counts against her quota); the page has no answer yet.
    await expect
      .poll(() => usedBytes(a.page), LIVE)
      .toBe(encryptedSize(200_000, ATTACHMENT_LIMITS.CHUNK_BYTES));
    await pending.getByRole('button', { name: 'Cancel sending' }).click();
    await expect.poll(() => pending.count(), LIVE).toBe(0);
    letAnswerGo();
    // With the answer comes the upload's address, and the upload is ended: main's build had cut
    // the creation short, never learnt it, and the bytes counted until the server's expiry.
    await expect.poll(() => deletes, LIVE).toEqual([204]);
    expect(await usedBytes(a.page)).toBe(0);
    await a.context.unroute('**/api/uploads**');
  });

  it('a photo’s EXIF (where it was taken) is stripped before it leaves the device, unless Alice keeps it', async () => {
    const { alice, bob, conversationId } = await pair();
    const a = await device(alice, conversationId);
    const b = await device(bob, conversationId);
    // A JPEG drawn by Chromium with an EXIF segment (APP1) after its start marker, holding a
    // marker text where a camera writes the GPS position.
    const drawn = Buffer.from(
      await a.page.evaluate(async () => {
        const canvas = new OffscreenCanvas(400, 300);
        const context = canvas.getContext('2d');
        if (!context) throw new Error('no 2d canvas');
        context.fillStyle = '#2a6';
        context.fillRect(0, 0, 400, 300);
        const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
        return [...new Uint8Array(await blob.arrayBuffer())];
      }),
    );
    const secret = 'GPS 52.5200N 13.4050E';
    const tiff = Buffer.concat([
      Buffer.from('Exif\0\0', 'latin1'),
      Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00]), // big-endian, an empty IFD
      Buffer.from(secret, 'latin1'),
    ]);
    const app1 = Buffer.concat([
      Buffer.from([0xff, 0xe1, (tiff.length + 2) >> 8, (tiff.length + 2) & 0xff]),
      tiff,
    ]);
    const photo = Buffer.concat([drawn.subarray(0, 2), app1, drawn.subarray(2)]);
    expect(photo.includes(Buffer.from(secret))).toBe(true);

    // The page's policy keeps fetch() off blob: URLs: Bob's page notes the Blob behind each URL
    // the app makes, to read the bytes it shows.
    await b.page.evaluate(() => {
      const made = new Map<string, Blob>();
      (window as unknown as { madeUrls: Map<string, Blob> }).madeUrls = made;
      const create = URL.createObjectURL.bind(URL);
      URL.createObjectURL = (object: Blob | MediaSource) => {
        const url = create(object);
        if (object instanceof Blob) made.set(url, object);
        return url;
      };
    });

    /** Sends the photo (ticking "keep" or not) and returns the bytes Bob's viewer opens. */
    const sendAndOpen = async (caption: string, keep: boolean): Promise<Buffer> => {
      await a.page
        .getByTestId('attach-input')
        .setInputFiles([{ name: 'trip.jpg', mimeType: 'image/jpeg', buffer: photo }]);
      const keepBox = a.page.getByRole('checkbox', { name: 'Keep the photos’ location and camera details' });
      expect(await keepBox.isChecked()).toBe(false);
      if (keep) await keepBox.check();
      await a.page.getByRole('textbox', { name: 'Message' }).fill(caption);
      await a.page.getByRole('button', { name: 'Send' }).click();
      const box = messageWith(b.page, caption).getByTestId('picture');
      await expect.poll(() => box.getAttribute('data-loaded'), LIVE).toBe('');
      await box.click();
      const full = b.page.getByTestId('full-picture');
      await expect.poll(() => full.evaluate((img: HTMLImageElement) => img.naturalWidth), LIVE).toBe(400);
      const bytes = Buffer.from(
        await full.evaluate(async (img: HTMLImageElement) => {
          const made = (window as unknown as { madeUrls: Map<string, Blob> }).madeUrls.get(img.src);
          if (!made) throw new Error('the picture’s URL was not made here');
          return [...new Uint8Array(await made.arrayBuffer())];
        }),
      );
      await b.page.keyboard.press('Escape');
      await b.page.getByTestId('picture-viewer').waitFor({ state: 'detached' });
      return bytes;
    };

    const stripped = await sendAndOpen('From the trip', false);
    expect(stripped.includes(Buffer.from(secret))).toBe(false);
    expect(stripped.includes(Buffer.from('Exif\0\0', 'latin1'))).toBe(false);
    expect(stripped.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8])); // still a JPEG

    const kept = await sendAndOpen('With the place', true);
    expect(kept.equals(photo)).toBe(true);
  });
});
