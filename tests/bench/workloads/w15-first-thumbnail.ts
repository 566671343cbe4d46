import { appendMessage, newMessageId, type MessageEntry } from '@messenjo/shared';
import * as Y from 'yjs';
import type { Browser, Page } from '../../harness/browser.ts';
import { uploadBlob } from '../../harness/uploads.ts';
import { openBenchPage } from '../attachments/bench-page.ts';
import type { AttachmentBenchPage, PreparedForSending } from '../attachments/page.ts';
import type { AppAccess, BenchDevice, TargetInstance } from '../targets/types.ts';
import { median } from '../stats.ts';
import { signedInContext, withBrowser } from './app-open.ts';
import type { Measurement, Workload } from './types.ts';

/**
 * W15 (docs/workloads.md): time to the first thumbnail in the timeline, in the built app in
 * Chromium against our built server. A person has a conversation open on her laptop:
 * - **a photo arrives from her phone** (another device of hers, here a minimal device in Node
 *   that uploads the blobs the app's own code prepared and then sends the message): from the
 *   message's update leaving the phone to its placeholder (the ThumbHash, in the picture's box)
 *   painted, and to the thumbnail painted (fetched, decrypted, decoded);
 * - **she attaches a photo herself**: from pressing Send (the file already chosen) to the
 *   placeholder painted (the device first decodes the photo for its thumbnail and ThumbHash;
 *   encrypting it comes after), and to her thumbnail painted (from her device, before the
 *   upload).
 * Times are on the wall clock, which Node and Chromium on one machine share
 * (`performance.timeOrigin + performance.now()` on both sides); a page's moment is the animation
 * frame in which it was first seen.
 */

/** A phone's photo: 12 MP (2 MP at the quick size, which must fit CI's minute). */
const PHOTO = { width: 4032, height: 3024 };
const QUICK_PHOTO = { width: 1600, height: 1200 };
/** Pictures timed per round, each a new photo (a fetched thumbnail is kept on the device). */
const ARRIVALS = 3;
const ATTACHED = 2;
const PAINT_TIMEOUT_MS = 120_000;

const wallClock = (): number => performance.timeOrigin + performance.now();

interface Painted {
  placeholder: number;
  thumbnail: number;
}

/**
 * Watches, every animation frame, the message whose caption is its argument: when its picture
 * box shows the placeholder, and when the thumbnail in it is decoded (in `window.__w15[caption]`).
 * Runs in the app's page; a string, not a function: tsx names inner functions with a helper the
 * page does not have.
 */
const WATCH_PICTURE = `(caption) => {
  const seen = { placeholder: 0, thumbnail: 0 };
  (window.__w15 ??= {})[caption] = seen;
  const tick = () => {
    const now = performance.timeOrigin + performance.now();
    const message = Array.from(document.querySelectorAll('[data-message-id]')).find((m) =>
      Array.from(m.querySelectorAll('[data-testid="message-text"]')).some((e) => e.textContent === caption),
    );
    const box = message?.querySelector('[data-testid="picture"]');
    if (box && !seen.placeholder && box.style.backgroundImage.startsWith('url(')) seen.placeholder = now;
    const img = box?.querySelector('img');
    if (img?.complete && img.naturalWidth > 0 && !seen.thumbnail) seen.thumbnail = now;
    if (!seen.thumbnail) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}`;

const watchPicture = (page: Page, caption: string): Promise<void> =>
  page.evaluate(`(${WATCH_PICTURE})(${JSON.stringify(caption)})`);

async function painted(page: Page, caption: string): Promise<Painted> {
  const handle = await page.waitForFunction(
    (c) => {
      const seen = (window as unknown as { __w15?: Record<string, Painted> }).__w15?.[c];
      return seen && seen.thumbnail > 0 ? seen : null;
    },
    caption,
    { timeout: PAINT_TIMEOUT_MS },
  );
  return (await handle.jsonValue())!;
}

async function photo(bench: Page, size: { width: number; height: number }): Promise<string> {
  return bench.evaluate(
    ([w, h]) => (globalThis as unknown as { attbench: AttachmentBenchPage }).attbench.photo(w, h),
    [size.width, size.height] as const,
  );
}

/** The conversation open on the laptop, synced and ready to type in. */
async function openConversation(browser: Browser, app: AppAccess, laptop: BenchDevice, conversation: string) {
  const context = await signedInContext(browser, app, laptop);
  const page = await context.newPage();
  await page.goto(`${app.url}/c/${conversation}`);
  await page.waitForSelector('[data-sync-status="online"]', { timeout: PAINT_TIMEOUT_MS });
  await page.getByRole('textbox', { name: 'Message' }).waitFor({ timeout: PAINT_TIMEOUT_MS });
  return { context, page };
}

/** A photo from the phone: prepared by the app's code in the bench page, uploaded, then sent. */
async function arrival(
  target: TargetInstance,
  app: AppAccess,
  phone: BenchDevice,
  docId: string,
  bench: Page,
  page: Page,
  n: number,
  size: typeof PHOTO,
): Promise<Painted> {
  const conversation = docId.split(':')[1]!;
  const prepared: PreparedForSending = await bench.evaluate(
    ([jpeg, name]) =>
      (globalThis as unknown as { attbench: AttachmentBenchPage }).attbench.prepare(jpeg, name),
    [await photo(bench, size), `phone-${n}.jpg`] as const,
  );
  const cookie = { cookie: app.cookie(phone) };
  for (const { blob, ciphertext } of prepared.blobs) {
    const bytes = new Uint8Array(Buffer.from(ciphertext, 'base64'));
    const answer = await uploadBlob(app.url, cookie, conversation, { bytes, blob });
    if (answer.status !== 204) throw new Error(`upload answered ${answer.status}: ${await answer.text()}`);
  }
  const writer = await target.connect(phone);
  try {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, (await writer.subscribe(docId)).update);
    const caption = `from the phone ${n}`;
    const entry: MessageEntry = {
      id: newMessageId(),
      author: writer.userId,
      text: caption,
      sentAt: Date.now(),
      attachments: [prepared.entry],
    };
    let update: Uint8Array | undefined;
    doc.once('update', (u: Uint8Array) => (update = u));
    appendMessage(doc, entry);
    await watchPicture(page, caption);
    const sent = wallClock();
    const acked = writer.send(docId, update!);
    const seen = await painted(page, caption);
    await acked;
    return { placeholder: seen.placeholder - sent, thumbnail: seen.thumbnail - sent };
  } finally {
    writer.close();
  }
}

/** A photo the person attaches on the laptop: chosen, then Send pressed. */
async function attached(bench: Page, page: Page, n: number, size: typeof PHOTO): Promise<Painted> {
  const jpeg = Buffer.from(await photo(bench, size), 'base64');
  await page
    .getByTestId('attach-input')
    .setInputFiles([{ name: `laptop-${n}.jpg`, mimeType: 'image/jpeg', buffer: jpeg }]);
  await page.getByRole('list', { name: 'Files to send' }).getByRole('listitem').waitFor();
  const caption = `from the laptop ${n}`;
  await page.getByRole('textbox', { name: 'Message' }).fill(caption);
  await watchPicture(page, caption);
  // Pressed in the page, so the moment is the click's own (not Playwright's checks before it).
  const sent = await page.evaluate(() => {
    const send = Array.from(document.querySelectorAll('button')).find(
      (b) => b.textContent?.trim() === 'Send',
    );
    if (!send) throw new Error('no Send button');
    const at = performance.timeOrigin + performance.now();
    send.click();
    return at;
  });
  const seen = await painted(page, caption);
  return { placeholder: seen.placeholder - sent, thumbnail: seen.thumbnail - sent };
}

export const w15FirstThumbnail: Workload = {
  id: 'W15',
  title: 'time to the first thumbnail in the timeline (Chromium)',
  rounds: 1,
  oursOnly: true,
  async run(target, { scale, progress }) {
    const app = target?.app;
    if (!target || !app) return [];
    const arrivals = scale >= 1 ? ARRIVALS : 1;
    const attaches = scale >= 1 ? ATTACHED : 1;
    const size = scale >= 1 ? PHOTO : QUICK_PHOTO;
    const megapixels = Math.round((size.width * size.height) / 1e6);
    const { device: phone, docIds } = await target.createUserConversations(1);
    const docId = docIds[0]!;
    const laptop = await target.addDevice(phone.userIndex);
    return withBrowser(async (browser) => {
      const benchContext = await browser.newContext();
      const bench = await openBenchPage(benchContext);
      const { context, page } = await openConversation(browser, app, laptop, docId.split(':')[1]!);
      try {
        const received: Painted[] = [];
        for (let n = 1; n <= arrivals; n++) {
          progress(`a photo from the phone, ${n}/${arrivals}`);
          received.push(await arrival(target, app, phone, docId, bench, page, n, size));
        }
        const sent: Painted[] = [];
        for (let n = 1; n <= attaches; n++) {
          progress(`a photo attached on the laptop, ${n}/${attaches}`);
          sent.push(await attached(bench, page, n, size));
        }
        const of = (list: Painted[], pick: keyof Painted) => median(list.map((p) => p[pick]));
        return [
          {
            metric: `from another device: update sent → placeholder painted (median of ${arrivals})`,
            value: of(received, 'placeholder'),
            unit: 'ms',
          },
          {
            metric: 'from another device: update sent → thumbnail painted',
            value: of(received, 'thumbnail'),
            unit: 'ms',
          },
          {
            metric: `attached here (${megapixels} MP JPEG): Send → placeholder painted (median of ${attaches})`,
            value: of(sent, 'placeholder'),
            unit: 'ms',
          },
          {
            metric: 'attached here: Send → own thumbnail painted',
            value: of(sent, 'thumbnail'),
            unit: 'ms',
          },
        ] satisfies Measurement[];
      } finally {
        await context.close();
        await benchContext.close();
      }
    });
  },
};
