import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Page } from '../harness/browser.ts';
import { reloadUnderServiceWorker, useDevices } from '../harness/devices.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { LIVE } from '../harness/patience.ts';
import { twoFriends } from '../harness/people.ts';
import { messageWith } from '../harness/screens.ts';

/** The blob cache's index of what it keeps (blob-cache.ts): a path's bytes and when it was last opened. */
const INDEX_PATH = '/__messenjo/blob-index';
type BlobIndex = Record<string, { bytes: number; openedAt: number }>;

/**
 * The budget for downloaded files (issue 17; docs/attachments.md, "The budget"): lowered in
 * settings, it drops the files opened longest ago at once, and the settings line says what is
 * kept. The smallest choice is 100 MB, so besides one file really sent and opened, the device's
 * blob cache is given three more as the app keeps them (ciphertext under `/api/blobs/<id>` in
 * `messenjo-blobs-<user id>`, each in the cache's index with its size and when it was opened).
 */
describe('the downloaded-files budget, in Chromium', () => {
  const server = useServer('browser-attachments-budget');
  const browser = useBrowser();
  const devices = useDevices(server, browser);

  /** Clicks the file's download button and reads the file the browser saved. */
  async function downloaded(page: Page, message: ReturnType<typeof messageWith>, name: string) {
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: LIVE.timeout }),
      message.getByRole('button', { name: `Download ${name}` }).click(),
    ]);
    return readFile(await download.path());
  }

  /** The device's blob cache as the page sees it: its paths, and its index. */
  const cacheOf = (page: Page, userId: string) =>
    page.evaluate(
      async ([name, indexPath]) => {
        if (!(await caches.has(name))) return { paths: [], index: {} };
        const cache = await caches.open(name);
        const paths = (await cache.keys()).map((request) => new URL(request.url).pathname).sort();
        const index = ((await (await cache.match(indexPath))?.json()) ?? {}) as BlobIndex;
        return { paths, index };
      },
      [`messenjo-blobs-${userId}`, INDEX_PATH] as const,
    );

  const usageLine = (page: Page) => page.getByTestId('downloads-usage').textContent();

  it('lowered to 100 MB, the files opened longest ago go at once (a real one among them: offline it needs the network, online it downloads again); raised again, nothing returns', async () => {
    const { alice, bob, conversationId } = await twoFriends(server().url, 'alice', 'bob');
    const a = await devices.device(alice, { path: `/c/${conversationId}`, acceptDownloads: true });
    const b = await devices.device(bob, { path: `/c/${conversationId}` });
    await b.getByRole('textbox', { name: 'Message' }).waitFor();

    // Bob sends a file; Alice opens it: its ciphertext is now kept on her device (1,200,000
    // bytes and a 16-byte tag for each of its two chunks).
    const report = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(1_200_000 - 9)]);
    await b
      .getByTestId('attach-input')
      .setInputFiles([{ name: 'report.pdf', mimeType: 'application/pdf', buffer: report }]);
    await b.getByRole('textbox', { name: 'Message' }).fill('The report');
    await b.getByRole('button', { name: 'Send' }).click();
    const received = messageWith(a, 'The report');
    await received.getByTestId('file-name').getByText('report.pdf').waitFor({ timeout: LIVE.timeout });
    expect((await downloaded(a, received, 'report.pdf')).equals(report)).toBe(true);
    await expect.poll(async () => Object.keys((await cacheOf(a, alice.userId)).index), LIVE).toHaveLength(1);
    const { index: opened } = await cacheOf(a, alice.userId);
    const [reportPath, reportEntry] = Object.entries(opened)[0] ?? [];
    if (!reportPath || !reportEntry) throw new Error('the report was not kept');
    expect(reportPath).toMatch(/^\/api\/blobs\/[0-9a-f]{64}$/);
    expect(reportEntry.bytes).toBe(1_200_000 + 2 * 16);

    // Three more files on the device, as the app keeps them: one opened two days ago (before the
    // report), two opened after it.
    const seeded = {
      lastWeek: { path: `/api/blobs/${'a'.repeat(64)}`, bytes: 30e6, openedAt: Date.now() - 2 * 864e5 },
      later: { path: `/api/blobs/${'b'.repeat(64)}`, bytes: 44e6, openedAt: reportEntry.openedAt + 1000 },
      latest: { path: `/api/blobs/${'c'.repeat(64)}`, bytes: 55e6, openedAt: reportEntry.openedAt + 2000 },
    };
    await a.evaluate(
      async ([name, indexPath, files]) => {
        const cache = await caches.open(name);
        const index = (await (await cache.match(indexPath))?.json()) as BlobIndex;
        for (const file of files) {
          const ciphertext = new Uint8Array(file.bytes);
          ciphertext.fill(file.bytes % 251);
          await cache.put(
            file.path,
            new Response(ciphertext, { headers: { 'Content-Type': 'application/octet-stream' } }),
          );
          index[file.path] = { bytes: file.bytes, openedAt: file.openedAt };
        }
        await cache.put(
          indexPath,
          new Response(JSON.stringify(index), { headers: { 'Content-Type': 'application/json' } }),
        );
      },
      [`messenjo-blobs-${alice.userId}`, INDEX_PATH, Object.values(seeded)] as const,
    );

    // Settings say what is kept: 130 MB in four files, within the default 500 MB.
    await a.goto(`${server().url}/settings`);
    const budget = a.getByTestId('downloads-budget');
    expect(await budget.inputValue()).toBe('500000000');
    await expect.poll(() => usageLine(a), LIVE).toMatch(/^130 MB kept now \(4 files\)\./);

    // Lowered to 100 MB: the two opened longest ago go at once (last week's, then the report:
    // without it the other two would still be over), the two opened last stay.
    await budget.selectOption('100000000');
    await expect.poll(() => usageLine(a), LIVE).toMatch(/^99 MB kept now \(2 files\)\./);
    const kept = await cacheOf(a, alice.userId);
    expect(kept.paths).toEqual([seeded.later.path, seeded.latest.path, INDEX_PATH].sort());
    expect(kept.index).toEqual({
      [seeded.later.path]: { bytes: seeded.later.bytes, openedAt: seeded.later.openedAt },
      [seeded.latest.path]: { bytes: seeded.latest.bytes, openedAt: seeded.latest.openedAt },
    });

    // Raised again, nothing comes back: measured afresh, still the same two.
    await budget.selectOption('500000000');
    await a.reload();
    expect(await a.getByTestId('downloads-budget').inputValue()).toBe('500000000');
    await expect.poll(() => usageLine(a), LIVE).toMatch(/^99 MB kept now \(2 files\)\./);
    expect((await cacheOf(a, alice.userId)).paths).toEqual(kept.paths);

    // The report is no longer on the device: offline, it says it needs the network.
    await a.goto(`${server().url}/c/${conversationId}`);
    await reloadUnderServiceWorker(a);
    await a.context().setOffline(true);
    await a.reload();
    const offline = messageWith(a, 'The report');
    await offline.getByRole('button', { name: 'Download report.pdf' }).click();
    await expect.poll(() => offline.getByRole('alert').textContent(), LIVE).toContain('needs the network');
    // Online again, it downloads, identical, and is kept once more.
    await a.context().setOffline(false);
    expect((await downloaded(a, offline, 'report.pdf')).equals(report)).toBe(true);
    await expect.poll(async () => (await cacheOf(a, alice.userId)).paths, LIVE).toContain(reportPath);

    devices.expectNoPageErrors();
  });
});
