import { readFileSync } from 'node:fs';
import {
  appendMessage,
  deleteMessage,
  editMessage,
  newMessageId,
  setReaction,
  type MessageEntry,
} from '@messenjo/shared';
import { describe, expect, it } from 'vitest';
import { parseExport, type ExportFile } from '../../app/src/export/format.ts';
import { signIn } from '../harness/accounts.ts';
import type { Page } from '../harness/browser.ts';
import { useDevices } from '../harness/devices.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { LIVE } from '../harness/patience.ts';
import { twoFriends } from '../harness/people.ts';
import { useNodeDevices } from '../harness/writers.ts';

/** Settings → "Your data": the export is built on the device and downloaded by the browser (PRODUCT 12). */
describe('exporting your data in Chromium', () => {
  const server = useServer('browser-export');
  const browser = useBrowser();
  const devices = useDevices(server, browser);
  const nodeDevices = useNodeDevices(() => server().url);

  async function exportAs(page: Page, label: string): Promise<string> {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: label }).click(),
    ]);
    const path = await download.path();
    return readFileSync(path, 'utf8');
  }

  it('downloads JSON that reads back with replies, edits, deletions and reactions, and Markdown, with no request to the server; sign-out removes the search index', async () => {
    const { tag, alice, carol, conversationId } = await twoFriends(server().url, 'alice', 'carol');
    const carolDevice = await nodeDevices.segment(carol, conversationId);
    const { doc } = carolDevice;
    const entry = (text: string, replyTo?: string): MessageEntry => ({
      id: newMessageId(),
      author: carol.userId,
      text,
      sentAt: Date.now(),
      ...(replyTo ? { replyTo } : {}),
    });
    const question = entry('Dinner at eight?');
    const answer = entry('Or at nine', question.id);
    const typo = entry('Bring the mpa');
    const gone = entry('wrong window');
    const last = entry('last words');
    doc.transact(() => {
      for (const m of [question, answer, typo, gone, last]) appendMessage(doc, m);
    });
    editMessage(doc, typo.id, 'Bring the map', Date.now());
    deleteMessage(doc, gone.id, carol.userId, Date.now());
    setReaction(doc, question.id, carol.userId, '👍', true);
    await carolDevice.untilStored('carol’s messages are stored');

    const page = await devices.open((await signIn(server().url, alice)).cookie, { acceptDownloads: true });
    await expect
      .poll(() => page.getByTestId('conversation-preview').allTextContents(), LIVE)
      .toEqual([expect.stringContaining('last words')]);
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Export as JSON' }).waitFor();

    const apiCalls: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/')) apiCalls.push(r.url());
    });
    // The device stores what arrived a moment after showing it: export again until it is all there.
    let file: ExportFile | undefined;
    await expect
      .poll(async () => {
        file = parseExport(JSON.parse(await exportAs(page, 'Export as JSON')));
        return file.conversations.find((c) => c.id === conversationId)?.messages.length;
      }, LIVE)
      .toBe(5);
    expect(await page.getByTestId('export-done').textContent()).toMatch(
      /messenjo-export-\d{4}-\d{2}-\d{2}\.json/,
    );
    const conversation = file!.conversations.find((c) => c.id === conversationId)!;
    expect(conversation).toMatchObject({
      kind: 'direct',
      name: `carol_${tag}`,
      complete: true,
      segments: [0],
    });
    const byId = new Map(conversation.messages.map((m) => [m.id, m]));
    expect(byId.get(question.id)).toMatchObject({
      text: 'Dinner at eight?',
      reactions: [{ emoji: '👍', by: [carol.userId] }],
    });
    expect(byId.get(answer.id)).toMatchObject({ text: 'Or at nine', replyTo: question.id });
    expect(byId.get(typo.id)).toMatchObject({ text: 'Bring the map' });
    expect(byId.get(typo.id)?.edited?.at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(byId.get(gone.id)).toMatchObject({ text: '', deleted: { by: carol.userId } });
    expect(file!.people[carol.userId]?.username).toBe(`carol_${tag}`);
    expect(file!.account.id).toBe(alice.userId);

    const markdown = await exportAs(page, 'Export as Markdown');
    expect(markdown).toContain(`## carol\\_${tag}`);
    expect(markdown).toContain('Bring the map');
    expect(markdown).toContain('*message deleted*');
    expect(markdown).not.toContain('wrong window');
    expect(apiCalls).toEqual([]);

    // The search index lives on the origin's private file system; signing out removes it too.
    await page.getByLabel('Search conversations').fill('dinner');
    await expect
      .poll(() => page.getByTestId('message-result-text').allTextContents(), LIVE)
      .toEqual(['Dinner at eight?']);
    const opfs = () =>
      page.evaluate(async () => {
        const names: string[] = [];
        const root = (await navigator.storage.getDirectory()) as unknown as { keys(): AsyncIterable<string> };
        for await (const name of root.keys()) names.push(name);
        return names;
      });
    expect(await opfs()).toContain(`messenjo-search-${alice.userId}`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sign out' }).click();
    await expect
      .poll(
        () =>
          page
            .getByRole('button', { name: /passkey/i })
            .first()
            .isVisible(),
        LIVE,
      )
      .toBe(true);
    await expect.poll(opfs, LIVE).not.toContain(`messenjo-search-${alice.userId}`);
    devices.expectNoPageErrors();
  });
});
