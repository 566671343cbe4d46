import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ATTACHMENT_LIMITS } from '@messenjo/shared';
import { describe, expect, it } from 'vitest';
import type { TestAccount } from '../harness/accounts.ts';
import type { Page } from '../harness/browser.ts';
import { useDevices } from '../harness/devices.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { LIVE } from '../harness/patience.ts';
import { twoFriends } from '../harness/people.ts';
import { drawnPng } from '../harness/pictures.ts';
import { messageWith } from '../harness/screens.ts';

/** The operator's cap on one file here (ATTACHMENT_MAX_BYTES): small, so a file over it is small too. */
const MAX_FILE_BYTES = 2_000_000;

/** A file as the test hands it to the page: its bytes travel as base64 (page.evaluate's JSON). */
interface PageFile {
  name: string;
  type: string;
  base64: string;
}

const pageFile = (name: string, type: string, buffer: Buffer): PageFile => ({
  name,
  type,
  base64: buffer.toString('base64'),
});

/**
 * Files reach the composer by drop and by paste, not only by the paperclip (issue 17;
 * docs/attachments.md, "The composer"): real DOM events carrying a DataTransfer made in the page,
 * as the browser hands a drag from the desktop or a copied picture to the app. What is refused
 * (while editing, too many files, one over the operator's limit) adds nothing and says why.
 */
describe('files dropped on and pasted into the composer, in Chromium', () => {
  const server = useServer('browser-attachments-input', {
    env: { ATTACHMENT_MAX_BYTES: String(MAX_FILE_BYTES) },
  });
  const browser = useBrowser();
  const devices = useDevices(server, browser);

  async function device(account: TestAccount, conversationId: string) {
    const page = await devices.device(account, { path: `/c/${conversationId}`, acceptDownloads: true });
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    return page;
  }

  const pair = () => twoFriends(server().url, 'alice', 'bob');

  const chosenFiles = (page: Page) => page.getByRole('list', { name: 'Files to send' }).getByRole('listitem');

  /** The composer's refusal sentence (its alert line), empty when it says nothing. */
  const composerProblem = (page: Page) => page.locator('#composer-problem').textContent();

  /**
   * Hands `files` to the message box as the browser does: dragged from the desktop (a `dragover`,
   * then a `drop`, both carrying the same DataTransfer) or pasted (a `paste` carrying it). Says
   * whether each event was accepted (its default prevented: the files land in the app rather than
   * the browser opening them).
   */
  const handTo = (page: Page, how: 'drop' | 'paste', files: PageFile[]) =>
    page.getByRole('textbox', { name: 'Message' }).evaluate(
      (box, [kind, given]) => {
        const data = new DataTransfer();
        for (const file of given)
          data.items.add(
            new File([Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0))], file.name, {
              type: file.type,
            }),
          );
        const accepted = (event: Event) => !box.dispatchEvent(event);
        const init = { bubbles: true, cancelable: true };
        if (kind === 'paste')
          return { pasteAccepted: accepted(new ClipboardEvent('paste', { ...init, clipboardData: data })) };
        return {
          dragoverAccepted: accepted(new DragEvent('dragover', { ...init, dataTransfer: data })),
          dropAccepted: accepted(new DragEvent('drop', { ...init, dataTransfer: data })),
        };
      },
      [how, files] as const,
    );
  const drop = (page: Page, files: PageFile[]) => handTo(page, 'drop', files);
  const paste = (page: Page, files: PageFile[]) => handTo(page, 'paste', files);

  it('a picture and a file dropped together, and a picture pasted, reach Bob: the picture shows and the file downloads identical', async () => {
    const { alice, bob, conversationId } = await pair();
    const a = await device(alice, conversationId);
    const b = await device(bob, conversationId);
    const picture = await drawnPng(a, 400, 300);
    const notes = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(80_000)]);

    // Dragged over the composer, the files are welcome; dropped, both are chosen.
    expect(
      await drop(a, [
        pageFile('beach.png', 'image/png', picture),
        pageFile('notes.pdf', 'application/pdf', notes),
      ]),
    ).toEqual({ dragoverAccepted: true, dropAccepted: true });
    await expect.poll(() => chosenFiles(a).count(), LIVE).toBe(2);
    expect(await chosenFiles(a).allTextContents()).toEqual([
      expect.stringContaining('beach.png'),
      expect.stringContaining('notes.pdf'),
    ]);
    await a.getByRole('textbox', { name: 'Message' }).fill('Dropped from the desktop');
    await a.getByRole('button', { name: 'Send' }).click();
    expect(await chosenFiles(a).count()).toBe(0);

    // Bob sees the picture (its thumbnail, then the full one) and downloads the very same file.
    const received = messageWith(b, 'Dropped from the desktop');
    await expect.poll(() => received.getByTestId('picture').getAttribute('data-loaded'), LIVE).toBe('');
    await received.getByTestId('picture').click();
    await expect
      .poll(
        () =>
          b
            .getByTestId('full-picture')
            .evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]),
        LIVE,
      )
      .toEqual([400, 300]);
    await b.keyboard.press('Escape');
    await b.getByTestId('picture-viewer').waitFor({ state: 'detached' });
    const [download] = await Promise.all([
      b.waitForEvent('download', { timeout: LIVE.timeout }),
      received.getByRole('button', { name: 'Download notes.pdf' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('notes.pdf');
    expect((await readFile(await download.path())).equals(notes)).toBe(true);

    // A picture pasted into the message box is chosen too (and not pasted as text).
    const copied = await drawnPng(a, 300, 200);
    expect(await paste(a, [pageFile('image.png', 'image/png', copied)])).toEqual({ pasteAccepted: true });
    await expect.poll(() => chosenFiles(a).count(), LIVE).toBe(1);
    expect(await chosenFiles(a).first().textContent()).toContain('image.png');
    expect(await a.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('');
    await a.getByRole('textbox', { name: 'Message' }).fill('Pasted from the clipboard');
    await a.getByRole('button', { name: 'Send' }).click();
    const pasted = messageWith(b, 'Pasted from the clipboard');
    await expect.poll(() => pasted.getByTestId('picture').getAttribute('data-loaded'), LIVE).toBe('');
    expect(
      await pasted.getByTestId('picture').evaluate((box) => box.clientWidth / box.clientHeight),
    ).toBeCloseTo(1.5, 1);

    devices.expectCleanRun();
  });

  it('what the composer refuses adds nothing and says why: a drop while editing, too many files, a file over the operator’s limit (on a device that never asked for it)', async () => {
    const { alice, bob, conversationId } = await pair();
    const a = await device(alice, conversationId);
    const b = await device(bob, conversationId);
    const small = (name: string) => pageFile(name, 'text/plain', Buffer.from(`the text of ${name}`));

    // The first file this device is given is over the operator's limit: refused at once, with
    // the server's limit (not the default 100 MB the app knows before it asks).
    const big = pageFile('big.pdf', 'application/pdf', Buffer.alloc(MAX_FILE_BYTES + 500_000, 7));
    expect((await drop(a, [big])).dropAccepted).toBe(true);
    await expect
      .poll(() => composerProblem(a), LIVE)
      .toBe('big.pdf is 2.5 MB: files up to 2.0 MB can be sent.');
    expect(await chosenFiles(a).count()).toBe(0);

    // A file within the limit is chosen; one over it beside it refuses the whole drop.
    expect((await drop(a, [small('first.txt')])).dropAccepted).toBe(true);
    await expect.poll(() => chosenFiles(a).count(), LIVE).toBe(1);
    expect(await composerProblem(a)).toBe('');
    await drop(a, [small('second.txt'), big]);
    await expect
      .poll(() => composerProblem(a), LIVE)
      .toBe('big.pdf is 2.5 MB: files up to 2.0 MB can be sent.');
    expect(await chosenFiles(a).allTextContents()).toEqual([expect.stringContaining('first.txt')]);

    // Ten files at most in one message: the one already chosen and ten more are too many.
    const ten = Array.from({ length: ATTACHMENT_LIMITS.MAX_PER_MESSAGE }, (_, i) => small(`page-${i}.txt`));
    await drop(a, ten);
    await expect
      .poll(() => composerProblem(a), LIVE)
      .toBe(`A message can carry at most ${ATTACHMENT_LIMITS.MAX_PER_MESSAGE} files.`);
    expect(await chosenFiles(a).count()).toBe(1);
    // Pasted, the same (typing first clears the sentence, so the paste's own shows).
    await a.getByRole('textbox', { name: 'Message' }).fill('Ten pages');
    await expect.poll(() => composerProblem(a), LIVE).toBe('');
    await paste(a, ten);
    await expect
      .poll(() => composerProblem(a), LIVE)
      .toBe(`A message can carry at most ${ATTACHMENT_LIMITS.MAX_PER_MESSAGE} files.`);
    expect(await chosenFiles(a).count()).toBe(1);
    // Nine more fit: ten in all, sent as one message.
    await drop(a, ten.slice(1));
    await expect.poll(() => chosenFiles(a).count(), LIVE).toBe(ATTACHMENT_LIMITS.MAX_PER_MESSAGE);
    expect(await composerProblem(a)).toBe('');
    await a.getByRole('textbox', { name: 'Message' }).fill('Ten at once');
    await a.getByRole('button', { name: 'Send' }).click();
    await expect
      .poll(() => messageWith(b, 'Ten at once').getByTestId('file-name').count(), LIVE)
      .toBe(ATTACHMENT_LIMITS.MAX_PER_MESSAGE);

    // Editing a message, the composer takes no files: a drop is not accepted and adds nothing,
    // a pasted file neither.
    await a.getByRole('textbox', { name: 'Message' }).fill('Plain words');
    await a.getByRole('button', { name: 'Send' }).click();
    const words = messageWith(a, 'Plain words');
    await expect.poll(() => words.getAttribute('data-status'), LIVE).toMatch(/^(sent|read)$/);
    await words.hover();
    await words.getByRole('button', { name: /^Actions for message/ }).click();
    await a.getByRole('menuitem', { name: 'Edit' }).click();
    await expect.poll(() => a.getByTestId('composer-mode').textContent(), LIVE).toContain('Editing');
    expect(await drop(a, [small('while-editing.txt')])).toEqual({
      dragoverAccepted: false,
      dropAccepted: false,
    });
    expect(await paste(a, [small('pasted-while-editing.txt')])).toEqual({ pasteAccepted: false });
    expect(await chosenFiles(a).count()).toBe(0);
    expect(await a.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('Plain words');
    await a.getByRole('textbox', { name: 'Message' }).fill('Plain words, edited');
    await a.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => messageWith(b, 'Plain words, edited').count(), LIVE).toBe(1);
    expect(await messageWith(b, 'Plain words, edited').getByTestId('file-name').count()).toBe(0);
    expect(await chosenFiles(a).count()).toBe(0);

    devices.expectCleanRun();
  });
});
