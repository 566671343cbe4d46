import { describe, expect, it } from 'vitest';
import { authedFetch, type TestAccount } from '../harness/accounts.ts';
import {
  appendMessage,
  decodeServerFrame,
  newMessageId,
  readMessages,
  segmentDocId,
  SEGMENT_MESSAGES,
  userDocId,
  userDocOf,
  type MessageEntry,
} from '@messenjo/shared';
import type { Locator } from 'playwright-core';
import * as Y from 'yjs';
import type { BrowserContext, Page } from '../harness/browser.ts';
import { useDevices } from '../harness/devices.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { createGroup, twoFriends } from '../harness/people.ts';
import { ok } from '../harness/social.ts';
import { readPositionOf } from '../harness/reads.ts';
import { eventually, nodeDevice, RawPeer, replicaOf } from '../harness/sync.ts';
import { rawMessageWriter } from '../harness/writers.ts';
import { LIVE } from '../harness/patience.ts';

/**
 * The conversation itself in Chromium: two people, Bob on two devices (browser contexts with
 * sessions of their own). What one device does shows on the others without a reload.
 */
describe('the conversation in Chromium', () => {
  const server = useServer('browser-chat');
  const browser = useBrowser();
  /**
   * This test's devices and their pages' problems: closed after it, so no test runs beside
   * another's pages, and each test answers for the pages it opened (offline ones log their failed
   * requests).
   */
  const devices = useDevices(server, browser);

  interface Device {
    page: Page;
    context: BrowserContext;
  }

  /** A device of `account` with the conversation open, its sync online. */
  async function device(
    account: TestAccount,
    conversationId: string,
    viewport?: { width: number; height: number },
  ): Promise<Device> {
    const page = await devices.device(account, {
      path: `/c/${conversationId}`,
      ...(viewport ? { viewport } : {}),
    });
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    return { page, context: page.context() };
  }

  const pair = () => twoFriends(server().url, 'alice', 'bob');

  /** The message whose own text (not a quote of it) contains `text`. */
  const message = (page: Page, text: string): Locator =>
    page
      .locator('[data-message-id]')
      .filter({ has: page.getByTestId('message-text').filter({ hasText: text }) })
      .last();

  async function send(page: Page, text: string): Promise<void> {
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill(text);
    await box.press('Enter');
  }

  async function act(page: Page, text: string, action: string): Promise<void> {
    const row = message(page, text);
    await row.hover();
    await row.getByRole('button', { name: /^Actions for message/ }).click();
    await page.getByRole('menuitem', { name: action }).click();
  }

  it('sends and receives; reply, edit, react and delete show on every device; read receipt and typing come and go', async () => {
    const { alice, bob, conversationId, tag } = await pair();
    const a = await device(alice, conversationId);
    const bobLaptop = await device(bob, conversationId);
    const bobPhone = await device(bob, conversationId);

    await send(a.page, 'Hello Bob, see https://example.org/x.');
    await expect
      .poll(() => message(a.page, 'Hello Bob').getAttribute('data-status'), LIVE)
      .toMatch(/sent|read/);
    for (const { page } of [bobLaptop, bobPhone]) {
      await expect.poll(() => message(page, 'Hello Bob').textContent(), LIVE).toContain('Hello Bob');
      // Screen readers hear it once, from the polite live region.
      expect(await page.getByTestId('live-region').textContent()).toBe(
        `alice_${tag}: Hello Bob, see https://example.org/x.`,
      );
      const link = message(page, 'Hello Bob').getByRole('link', { name: 'https://example.org/x' });
      expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
      expect(await link.getAttribute('target')).toBe('_blank');
    }
    // The message box was emptied at once, and the draft with it.
    expect(await a.page.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('');

    // Bob's devices have it on screen in a focused window: Alice sees "Read".
    await expect
      .poll(() => message(a.page, 'Hello Bob').getByTestId('send-state').textContent(), LIVE)
      .toContain('Read');

    // Typing on Bob's laptop shows to Alice, and goes when he clears the box.
    const box = bobLaptop.page.getByRole('textbox', { name: 'Message' });
    await box.pressSequentially('typ');
    await expect.poll(() => a.page.getByTestId('typing').textContent(), LIVE).toBe(`bob_${tag} is typing…`);
    await box.fill('');
    await expect.poll(() => a.page.getByTestId('typing').textContent(), LIVE).toBe('');

    // Bob replies from his laptop: Alice sees the quote, and clicking it goes to the original.
    await act(bobLaptop.page, 'Hello Bob', 'Reply');
    await expect
      .poll(() => bobLaptop.page.getByTestId('composer-mode').textContent(), LIVE)
      .toContain('Hello Bob');
    await send(bobLaptop.page, 'Hi Alice');
    await expect
      .poll(() => message(a.page, 'Hi Alice').getByTestId('reply-quote').textContent(), LIVE)
      .toContain('Hello Bob');
    await message(a.page, 'Hi Alice').getByTestId('reply-quote').click();

    // Alice edits hers: both of Bob's devices show the new text, marked edited.
    await act(a.page, 'Hello Bob', 'Edit');
    const aliceBox = a.page.getByRole('textbox', { name: 'Message' });
    expect(await aliceBox.inputValue()).toBe('Hello Bob, see https://example.org/x.');
    await aliceBox.fill('Hello Bob (edited text)');
    await aliceBox.press('Enter');
    for (const { page } of [bobLaptop, bobPhone]) {
      await expect
        .poll(() => message(page, 'Hello Bob (edited text)').getByTestId('edited').count(), LIVE)
        .toBe(1);
    }

    // Bob reacts from his phone: Alice sees the count and who reacted.
    await act(bobPhone.page, 'Hello Bob (edited', 'React with 👍');
    const reaction = message(a.page, 'Hello Bob (edited').getByTestId('reaction');
    await expect.poll(() => reaction.textContent(), LIVE).toBe('👍 1');
    expect(await reaction.getAttribute('title')).toBe(`bob_${tag}`);

    // Alice deletes it after confirming: a tombstone on every device.
    await act(a.page, 'Hello Bob (edited', 'Delete');
    await a.page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    for (const { page } of [a, bobLaptop, bobPhone]) {
      await expect.poll(() => page.getByTestId('message-deleted').count(), LIVE).toBe(1);
      expect(await page.locator('[data-message-id]').filter({ hasText: 'Hello Bob (edited' }).count()).toBe(
        0,
      );
    }

    devices.expectCleanRun();
  });
  it('a second tab of the same browser (no socket of its own) shows the conversation, and sends and hears typing', async () => {
    const { alice, bob, conversationId, tag } = await pair();
    const a = await device(alice, conversationId);
    const b = await device(bob, conversationId);
    const second = await b.context.newPage();
    devices.watch(second);
    let sockets = 0;
    second.on('websocket', () => sockets++);
    await second.goto(`${server().url}/c/${conversationId}`);
    await expect.poll(() => second.getByTestId('no-messages').isVisible(), LIVE).toBe(true);
    // It shows the device's connection (the first tab's socket), not "offline".
    await expect
      .poll(() => second.locator('[data-sync-status]').getAttribute('data-sync-status'), LIVE)
      .toBe('online');
    expect(await second.getByTestId('offline-banner').count()).toBe(0);

    await second.getByRole('textbox', { name: 'Message' }).pressSequentially('typ');
    await expect.poll(() => a.page.getByTestId('typing').textContent(), LIVE).toBe(`bob_${tag} is typing…`);
    await second.getByRole('textbox', { name: 'Message' }).fill('');
    await expect.poll(() => a.page.getByTestId('typing').textContent(), LIVE).toBe('');

    await a.page.getByRole('textbox', { name: 'Message' }).pressSequentially('typ');
    await expect.poll(() => second.getByTestId('typing').textContent(), LIVE).toBe(`alice_${tag} is typing…`);
    await send(a.page, 'Heard in both tabs');
    await expect.poll(() => message(second, 'Heard in both tabs').count(), LIVE).toBe(1);
    // The first tab holds the device's one socket; this one went through it.
    expect(sockets).toBe(0);
  });

  it('on a phone, the menu of the newest messages is whole, inside the window, and works by keyboard', async () => {
    const { alice, bob, conversationId } = await pair();
    const b = await device(bob, conversationId);
    const phone = await device(alice, conversationId, { width: 360, height: 740 });
    await send(phone.page, 'Mine, at the bottom on the right');
    await expect.poll(() => message(b.page, 'Mine, at the bottom').count(), LIVE).toBe(1);
    await send(b.page, 'Theirs, the newest, on the left side of a narrow screen');
    const theirs = message(phone.page, 'Theirs, the newest');
    await expect.poll(() => theirs.count(), LIVE).toBe(1);

    for (const text of ['Mine, at the bottom', 'Theirs, the newest']) {
      const actions = message(phone.page, text).getByRole('button', { name: /^Actions for message/ });
      await actions.click();
      const menu = phone.page.getByRole('menu');
      await menu.waitFor();
      const items = menu.getByRole('menuitem');
      const labels = await items.evaluateAll((els) =>
        els.map((el) => el.getAttribute('aria-label') ?? el.textContent),
      );
      expect(labels).toContain('React with 🙏');
      expect(labels).toContain('Reply');
      // Every item is on screen and is what a tap at its centre hits (nothing covers or clips it).
      const hits = await items.evaluateAll((els) =>
        els.map((el) => {
          const r = el.getBoundingClientRect();
          const inside = r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight;
          const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          return {
            label: el.getAttribute('aria-label') ?? el.textContent,
            inside,
            hit: hit === el || el.contains(hit),
          };
        }),
      );
      for (const h of hits) expect(h).toEqual({ label: h.label, inside: true, hit: true });

      // Keyboard: the first reaction has focus; Right moves along the row, Down goes to Reply.
      const focused = () =>
        phone.page.evaluate(
          () => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent,
        );
      expect(await focused()).toBe('React with 👍');
      await phone.page.keyboard.press('ArrowRight');
      expect(await focused()).toBe('React with ❤️');
      await phone.page.keyboard.press('ArrowLeft');
      await phone.page.keyboard.press('ArrowDown');
      expect(await focused()).toBe('Reply');
      await phone.page.keyboard.press('ArrowUp');
      expect(await focused()).toBe('React with 👍');
      await phone.page.keyboard.press('End');
      expect(await focused()).toBe(labels.at(-1));
      await phone.page.keyboard.press('Escape');
      expect(await menu.count()).toBe(0);
      expect(await focused()).toMatch(/^Actions for message/);
    }

    // Reply from the menu on the newest message, by tapping it, still works.
    await act(phone.page, 'Theirs, the newest', 'Reply');
    await expect
      .poll(() => phone.page.getByTestId('composer-mode').textContent(), LIVE)
      .toContain('Theirs, the newest');
    devices.expectCleanRun();
  });
  it('a message written offline is pending, survives an offline reload, and arrives when the network returns', async () => {
    const { alice, bob, conversationId } = await pair();
    const a = await device(alice, conversationId);
    const phone = await device(bob, conversationId);
    // The service worker must control the page for the app to load with no network.
    await phone.page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await phone.page.reload();
    await expect
      .poll(() => phone.page.evaluate(() => navigator.serviceWorker.controller !== null), LIVE)
      .toBe(true);
    await send(a.page, 'Before the tunnel');
    await expect.poll(() => message(phone.page, 'Before the tunnel').count(), LIVE).toBe(1);

    await phone.context.setOffline(true);
    await expect
      .poll(() => phone.page.locator('[data-sync-status]').getAttribute('data-sync-status'), LIVE)
      .toBe('offline');
    await send(phone.page, 'Written in the tunnel');
    await expect
      .poll(() => message(phone.page, 'Written in the tunnel').getAttribute('data-status'), LIVE)
      .toBe('pending');
    expect(
      await message(phone.page, 'Written in the tunnel').getByTestId('send-state').textContent(),
    ).toContain('Pending');

    await phone.page.reload();
    // The pane's header comes from the device's index (no request answers offline).
    await expect
      .poll(() => phone.page.getByTestId('conversation-title').textContent(), LIVE)
      .toContain('alice_');
    await expect.poll(() => message(phone.page, 'Before the tunnel').count(), LIVE).toBe(1);
    await expect
      .poll(() => message(phone.page, 'Written in the tunnel').getAttribute('data-status'), LIVE)
      .toBe('pending');
    expect(await message(a.page, 'Written in the tunnel').count()).toBe(0);

    await phone.context.setOffline(false);
    await expect.poll(() => message(a.page, 'Written in the tunnel').count(), LIVE).toBe(1);
    await expect
      .poll(() => message(phone.page, 'Written in the tunnel').getAttribute('data-status'), LIVE)
      .toMatch(/sent|read/);
  });

  it('a 4,000-character word and right-to-left text render whole, wrapped, in their direction', async () => {
    const { alice, bob, conversationId } = await pair();
    const a = await device(alice, conversationId);
    const b = await device(bob, conversationId);
    const box = a.page.getByRole('textbox', { name: 'Message' });
    await box.fill('w'.repeat(4001));
    expect(await a.page.getByTestId('char-counter').textContent()).toBe('4,001 / 4,000');
    expect(await a.page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    await box.press('Backspace');
    expect(await a.page.getByTestId('char-counter').textContent()).toBe('4,000 / 4,000');
    await box.press('Enter');
    const long = message(b.page, 'wwwww');
    await expect.poll(() => long.getByTestId('message-text').textContent(), LIVE).toBe('w'.repeat(4000));
    // Wrapped inside the list: nothing sticks out sideways.
    const list = await b.page.getByTestId('message-list').boundingBox();
    const bubble = await long.getByTestId('message-text').boundingBox();
    expect(bubble!.x + bubble!.width).toBeLessThanOrEqual(list!.x + list!.width);

    await send(a.page, 'שלום עולם');
    const rtl = message(b.page, 'שלום עולם').getByTestId('message-text');
    await expect.poll(() => rtl.evaluate((el) => getComputedStyle(el).direction), LIVE).toBe('rtl');
    await send(a.page, '🎉');
    const emoji = message(b.page, '🎉').getByTestId('message-text');
    await expect
      .poll(() => emoji.evaluate((el) => parseFloat(getComputedStyle(el).fontSize)), LIVE)
      .toBeGreaterThan(30);
  });
  /** Writes history as `account` from a Node device: `count` messages per segment, in one update each. */
  async function seed(
    account: TestAccount,
    conversationId: string,
    segments: { index: number; texts: string[] }[],
  ) {
    const client = nodeDevice(server().url, account.cookie);
    client.start();
    const ids: string[][] = [];
    for (const { index, texts } of segments) {
      const docId = segmentDocId(conversationId, index);
      const doc = await client.open(docId);
      await eventually(() => client.docState(docId) === 'synced', `${docId} synced`);
      const entries: MessageEntry[] = texts.map((text, i) => ({
        id: newMessageId(),
        author: account.userId,
        text,
        sentAt: Date.now() - (texts.length - i) * 1000,
      }));
      Y.transact(doc, () => entries.forEach((entry) => appendMessage(doc, entry)));
      ids.push(entries.map((e) => e.id));
    }
    await eventually(() => client.pendingTotal.get() === 0, 'history stored');
    await client.stop();
    return ids;
  }

  /** `account` read `conversationId` up to `position` on another device (its user document). */
  async function readUpTo(
    account: TestAccount,
    conversationId: string,
    position: { segment: number; messageId: string },
  ): Promise<void> {
    const other = nodeDevice(server().url, account.cookie);
    other.start();
    const userDoc = await other.open(userDocId(account.userId));
    await eventually(() => other.docState(userDocId(account.userId)) === 'synced', 'user document synced');
    userDocOf(userDoc).readPositions.set(conversationId, { ...position, at: Date.now() });
    await eventually(() => other.pendingTotal.get() === 0, 'read position stored');
    await other.stop();
  }

  it('opens at the first unread message under "New messages", jumps to latest, and loads older history without jumping', async () => {
    const { alice, bob, conversationId } = await pair();
    const range = (n: number, label: string) => Array.from({ length: n }, (_, i) => `${label} ${i}`);
    const [, recent] = await seed(alice, conversationId, [
      { index: 0, texts: range(SEGMENT_MESSAGES, 'older') },
      { index: 1, texts: range(40, 'recent') },
    ]);
    // Bob read up to "recent 9" on another device.
    await readUpTo(bob, conversationId, { segment: 1, messageId: recent![9]! });

    const b = await device(bob, conversationId);
    const divider = b.page.getByTestId('unread-divider');
    await divider.waitFor();
    const firstUnread = message(b.page, 'recent 10');
    await expect.poll(() => firstUnread.isVisible(), LIVE).toBe(true);
    const opened = (await firstUnread.boundingBox())!.y;
    expect(opened).toBeGreaterThan((await divider.boundingBox())!.y);
    expect(await message(b.page, 'recent 39').isVisible()).toBe(false);
    // Opening is not reading: what is below the divider stays unread (no "Seen" for it, still
    // counted on Bob's other devices) until he gets to it.
    expect(await readPositionOf(server().url, bob, conversationId)).toBe(recent![9]);

    // Near the top of what is loaded, the segment before loads; what is on screen stays put.
    await expect
      .poll(() => b.page.getByText('This is the beginning of the conversation.').count(), LIVE)
      .toBe(1);
    // The place is kept: the message read is still on screen (Virtuoso may correct its estimate
    // of the prepended rows by a line; the exact offset is not asserted).
    expect(await firstUnread.isVisible()).toBe(true);
    const list = (await b.page.getByTestId('message-list').boundingBox())!;
    const after = (await firstUnread.boundingBox())!.y;
    expect(after).toBeGreaterThanOrEqual(list.y);
    expect(after).toBeLessThan(list.y + list.height);
    expect(Math.abs(after - opened)).toBeLessThan(list.height / 4);
    await b.page.getByTestId('message-list').evaluate((el) => el.scrollBy({ top: -900 }));
    await expect.poll(() => message(b.page, 'older 999').isVisible(), LIVE).toBe(true);

    await b.page.getByRole('button', { name: /Jump to latest/ }).click();
    await expect.poll(() => message(b.page, 'recent 39').isVisible(), LIVE).toBe(true);
    await expect.poll(() => b.page.getByRole('button', { name: /Jump to latest/ }).count(), LIVE).toBe(0);
    await expect.poll(() => readPositionOf(server().url, bob, conversationId), LIVE).toBe(recent![39]);
  });
  it('a first connection attempt that fails does not open a new device at the newest message: the read position still places it', async () => {
    // On a loaded machine the first attempt can end before the history and the read position
    // arrive: the view opens on what is there, but must not stay at the newest message (nor
    // mark everything read) once they come.
    const { alice, bob, conversationId } = await pair();
    const [texts] = await seed(alice, conversationId, [
      { index: 0, texts: Array.from({ length: 40 }, (_, i) => `line ${i}`) },
    ]);
    await readUpTo(bob, conversationId, { segment: 0, messageId: texts![9]! });

    let attempts = 0;
    const page = await devices.device(bob, {
      path: `/c/${conversationId}`,
      beforeLoad: (p) =>
        p.routeWebSocket(/\/sync/, (ws) => {
          // The first attempt ends as a dropped network would (the app counts as offline for
          // real); the next ones reach the server.
          if (attempts++ === 0) return ws.close({ code: 1011, reason: 'first attempt fails' });
          ws.connectToServer();
        }),
    });
    await page.getByTestId('unread-divider').waitFor();
    await expect.poll(() => message(page, 'line 10').isVisible(), LIVE).toBe(true);
    expect(await message(page, 'line 39').isVisible()).toBe(false);
    expect(attempts).toBeGreaterThan(1);
  });
  it('a message sent before the conversation caught up with the server goes after everything the server had', async () => {
    // Alice's history comes from the highest Yjs client id: a message appended to a copy that
    // had none of it would be ordered before all of it (YATA orders concurrent inserts at one
    // place by client id), at the top of the conversation, and stored there.
    const { alice, bob, conversationId } = await pair();
    const writer = await rawMessageWriter(server().url, alice, conversationId, { clientId: 0xffffffff });
    for (let i = 1; i <= 20; i++) await writer.say(`earlier ${i}`);
    writer.peer.close();

    // Bob's new device: the server's copies of the documents are held until he has sent.
    let release = (): void => {};
    const page = await devices.device(bob, {
      path: `/c/${conversationId}`,
      online: false,
      beforeLoad: (p) =>
        p.routeWebSocket(/\/sync/, (ws) => {
          const held: Buffer[] = [];
          let holding = true;
          const toServer = ws.connectToServer();
          toServer.onMessage((data) => {
            const bytes = typeof data === 'string' ? Buffer.from(data) : data;
            const decoded = decodeServerFrame(new Uint8Array(bytes));
            if (holding && decoded.kind === 'frame' && decoded.frame.type === 'sync') held.push(bytes);
            else ws.send(bytes);
          });
          release = () => {
            holding = false;
            for (const bytes of held.splice(0)) ws.send(bytes);
          };
        }),
    });
    await send(page, 'as soon as it opened');
    // Sent (the box is cleared) while nothing of the conversation has arrived.
    await expect.poll(() => page.getByRole('textbox', { name: 'Message' }).inputValue(), LIVE).toBe('');
    release();

    // After the newest message the server had, on his screen and in what the server stored.
    await message(page, 'earlier 20').waitFor(LIVE);
    await expect.poll(() => page.getByTitle('Stored by the server').count(), LIVE).toBe(1);
    const top = async (text: string) => (await message(page, text).boundingBox())?.y ?? Number.NaN;
    expect(await top('as soon as it opened')).toBeGreaterThan(await top('earlier 20'));
    const reader = await RawPeer.connect(server().url, alice.cookie);
    const stored = await replicaOf(reader, segmentDocId(conversationId, 0));
    reader.close();
    expect(
      readMessages(stored)
        .map((m) => m.text)
        .slice(-2),
    ).toEqual(['earlier 20', 'as soon as it opened']);
  });
  it('in a group: names, system lines, "Seen by", the owner deletes a member’s message, drafts follow the user, typing times out, a removed member reads only', async () => {
    const { alice, bob, tag } = await pair();
    const group = { id: await createGroup(server().url, alice, 'Climbing', [bob]) };
    const a = await device(alice, group.id);
    const bobLaptop = await device(bob, group.id);
    const bobPhone = await device(bob, group.id);
    await expect
      .poll(() => a.page.locator('[data-system]').allTextContents(), LIVE)
      .toEqual(['You created the group Climbing', `You added bob_${tag}`]);

    await send(bobLaptop.page, 'Who brings the rope?');
    const onAlice = message(a.page, 'Who brings the rope?');
    await expect.poll(() => onAlice.getByTestId('sender-name').textContent(), LIVE).toBe(`bob_${tag}`);
    // Alice has it on screen: Bob sees who has seen it.
    const seen = message(bobLaptop.page, 'Who brings the rope?').getByTestId('send-state');
    await expect.poll(() => seen.textContent(), LIVE).toContain('Seen by 1');
    expect(await seen.getAttribute('title')).toBe(`alice_${tag}`);

    // The owner removes a member's message: a tombstone on both of Bob's devices.
    await act(a.page, 'Who brings the rope?', 'Delete');
    await a.page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    for (const { page } of [bobLaptop, bobPhone])
      await expect.poll(() => page.getByTestId('message-deleted').count(), LIVE).toBe(1);

    // A draft typed on the laptop is waiting in the phone's message box.
    await bobLaptop.page.getByRole('textbox', { name: 'Message' }).fill('I can bring the');
    await expect
      .poll(() => bobPhone.page.getByRole('textbox', { name: 'Message' }).inputValue(), LIVE)
      .toBe('I can bring the');

    // Typing that stops without a word more goes away on its own.
    await bobLaptop.page.getByRole('textbox', { name: 'Message' }).press('x');
    await expect.poll(() => a.page.getByTestId('typing').textContent(), LIVE).toBe(`bob_${tag} is typing…`);
    // Real time is the behaviour here (TYPING_TIMEOUT_MS after the last key); a fake clock in the
    // page would also stop the sync client's timers this test relies on. LIVE only bounds the wait.
    await expect.poll(() => a.page.getByTestId('typing').textContent(), LIVE).toBe('');

    // Removed from the group: Bob keeps the history and is told why he can no longer write.
    await ok(
      authedFetch(server().url, alice, `/api/groups/${group.id}/members/${bob.userId}`, { method: 'DELETE' }),
      'remove member',
    );
    for (const { page } of [bobLaptop, bobPhone]) {
      await expect.poll(() => page.getByTestId('read-only').textContent(), LIVE).toContain('removed');
      expect(await page.getByRole('textbox', { name: 'Message' }).count()).toBe(0);
      expect(await page.getByTestId('message-deleted').count()).toBe(1);
    }

    devices.expectCleanRun();
  });
});
