import { decodeServerFrame, markRead, segmentDocId, userDocId, type UserEvent } from '@messenjo/shared';
import { describe, expect, it } from 'vitest';
import { ConversationSegments } from '../../app/src/sync/index.ts';
import { authedFetch, signUp, type TestAccount } from '../harness/accounts.ts';
import type { BrowserContext, Page } from '../harness/browser.ts';
import { reloadUnderServiceWorker, useDevices } from '../harness/devices.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { makeFriends } from '../harness/social.ts';
import { eventually } from '../harness/sync.ts';
import { useNodeDevices } from '../harness/writers.ts';
import { LIVE } from '../harness/patience.ts';
import { twoFriends } from '../harness/people.ts';

/**
 * The conversation list is local-first: a message arriving in a conversation's document updates
 * the row (preview, unread badge, title) with no request to the list API, reading on another
 * device clears the badge, and with the network gone a reload still shows the list.
 */
describe('the conversation list in Chromium', () => {
  const server = useServer('browser-conversation-list');
  const browser = useBrowser();
  /** This test's devices (closed after it, so no test sees another's) and Node devices. */
  const devices = useDevices(server, browser);
  const nodeDevices = useNodeDevices(() => server().url);

  async function device(
    account: TestAccount,
    userAgent = `device ${devices.contexts.length}`,
  ): Promise<{ page: Page; context: BrowserContext; events: UserEvent[] }> {
    let events: UserEvent[] = [];
    const page = await devices.device(account, { userAgent, beforeLoad: (p) => (events = eventsOf(p)) });
    return { page, context: page.context(), events };
  }

  /** User events the page's socket received, decoded. */
  function eventsOf(page: Page): UserEvent[] {
    const events: UserEvent[] = [];
    page.on('websocket', (ws) =>
      ws.on('framereceived', ({ payload }) => {
        if (typeof payload === 'string') return;
        const decoded = decodeServerFrame(new Uint8Array(payload));
        if (decoded.kind === 'frame' && decoded.frame.type === 'event') events.push(decoded.frame.event);
      }),
    );
    return events;
  }

  const row = (page: Page, conversationId: string) =>
    page.locator(`[data-conversation-id="${conversationId}"]`);

  it('a message updates preview, badge and title with no list request; reading elsewhere clears them; offline reload keeps the list', async () => {
    const tag = Math.random().toString(36).slice(2, 6);
    const alice = await signUp(server().url, { username: `alice_${tag}` });
    const bob = await signUp(server().url, { username: `bob_${tag}` });
    const carol = await signUp(server().url, { username: `carol_${tag}` });
    const conversationId = await makeFriends(server().url, alice, bob);
    const carolConversation = await makeFriends(server().url, carol, bob);

    const { page, context, events } = await device(bob);
    await expect
      .poll(() => row(page, conversationId).getByTestId('conversation-name').textContent(), LIVE)
      .toBe(`alice_${tag}`);
    const order = () => page.getByTestId('conversation-name').allTextContents();
    // The newest friendship is on top until a message makes the other one the latest activity.
    await expect.poll(order, LIVE).toEqual([`carol_${tag}`, `alice_${tag}`]);
    const listRequests: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/api/conversations')) listRequests.push(request.url());
    });

    // Alice writes from her device; Bob's row follows from the document alone.
    const aliceDevice = await nodeDevices.session(alice, 'node 0');
    const chat = new ConversationSegments(aliceDevice, conversationId);
    await chat.openLatest();
    await eventually(() => aliceDevice.status.get() === 'online', 'alice is online');
    await chat.send(alice.userId, 'See you\nat eight');
    await eventually(() => aliceDevice.pending() === 0, "alice's message is stored");
    await expect
      .poll(() => row(page, conversationId).getByTestId('conversation-preview').textContent(), LIVE)
      .toBe('See you at eight');
    await expect
      .poll(() => row(page, conversationId).getByTestId('unread-badge').textContent(), LIVE)
      .toBe('1 unread');
    await expect.poll(() => page.title(), LIVE).toBe('(1) Messenjo');
    expect(await order()).toEqual([`alice_${tag}`, `carol_${tag}`]);
    expect(await row(page, carolConversation).getByTestId('unread-badge').count()).toBe(0);

    // Filtering by name, ignoring case.
    await page.getByLabel('Search conversations').fill(`CAROL_${tag}`);
    await expect.poll(order, LIVE).toEqual([`carol_${tag}`]);
    await page.getByLabel('Search conversations').fill('');
    await expect.poll(order, LIVE).toEqual([`alice_${tag}`, `carol_${tag}`]);

    // The server announces the activity a second later: the page hears it and asks nothing.
    await expect
      .poll(() => events.some((e) => e.type === 'conversation.changed' && e.cause === 'messages'), LIVE)
      .toBe(true);
    await chat.send(alice.userId, 'Bring the map');
    await expect
      .poll(() => row(page, conversationId).getByTestId('conversation-preview').textContent(), LIVE)
      .toBe('Bring the map');
    await expect.poll(() => page.title(), LIVE).toBe('(2) Messenjo');
    expect(listRequests).toEqual([]);

    // Bob reads on his phone: the read position in his user document clears the laptop's badge.
    const bobPhone = await nodeDevices.session(bob, 'node 1');
    const segment = await bobPhone.open(segmentDocId(conversationId, 0));
    const userDoc = await bobPhone.open(userDocId(bob.userId));
    await eventually(() => bobPhone.status.get() === 'online', "bob's phone is online");
    await eventually(
      () => segment.getArray<{ id: string; sentAt: number }>('messages').length === 2,
      'the phone has both messages',
    );
    const newest = segment.getArray<{ id: string; sentAt: number }>('messages').get(1);
    markRead(userDoc, conversationId, { segment: 0, messageId: newest.id, at: Date.now() }, () => true);
    await expect.poll(() => row(page, conversationId).getByTestId('unread-badge').count(), LIVE).toBe(0);
    await expect.poll(() => page.title(), LIVE).toBe('Messenjo');
    expect(listRequests).toEqual([]);

    // The network goes; a reload paints the list, names and preview from the device.
    await reloadUnderServiceWorker(page);
    // The reloaded page has caught up (its documents and the server's list): what it shows now
    // is what the device's index holds for the next start.
    await expect
      .poll(() => row(page, conversationId).getByTestId('conversation-preview').textContent(), LIVE)
      .toBe('Bring the map');
    await context.setOffline(true);
    await page.reload();
    await expect
      .poll(() => row(page, conversationId).getByTestId('conversation-name').textContent(), LIVE)
      .toBe(`alice_${tag}`);
    expect(await row(page, conversationId).getByTestId('conversation-preview').textContent()).toBe(
      'Bring the map',
    );
    // One banner in sight: the pane's copy is for phones, where the list is hidden behind it.
    await expect.poll(() => page.locator('[data-testid="offline-banner"]:visible').count(), LIVE).toBe(1);
    expect(await page.getByText('No conversations yet').count()).toBe(0);

    // Back online, signing out removes Bob's data from the device.
    await context.setOffline(false);
    await expect
      .poll(() => page.locator('[data-sync-status]').getAttribute('data-sync-status'), LIVE)
      .toBe('online');
    await page.getByRole('button', { name: 'Sign out' }).click();
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
    const databases = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
    expect(databases).not.toContain(`messenjo-local-${bob.userId}`);
    expect(databases).not.toContain(`messenjo-sync-${bob.userId}`);

    devices.expectNoPageErrors();
  });

  it('a device signed out from another device’s settings shows sign-in with why, and its data for that user is gone', async () => {
    const { bob, conversationId } = await twoFriends(server().url, 'alice', 'bob');
    const laptop = await device(bob);
    // Named by its user agent in the devices list, so the laptop can pick it.
    const phone = await device(bob, 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0');
    await expect.poll(() => row(phone.page, conversationId).count(), LIVE).toBe(1);
    const names = (page: Page) => page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
    const bobsDatabases = [`messenjo-local-${bob.userId}`, `messenjo-sync-${bob.userId}`];
    await expect.poll(() => names(phone.page), LIVE).toEqual(expect.arrayContaining(bobsDatabases));

    await laptop.page.goto(`${server().url}/settings`);
    const other = laptop.page
      .getByRole('list', { name: 'Devices' })
      .locator('li', { hasText: 'Firefox on Linux' });
    await other.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => other.count(), LIVE).toBe(0);

    await expect.poll(() => phone.page.getByTestId('signed-out-notice').isVisible(), LIVE).toBe(true);
    expect(await phone.page.getByTestId('signed-out-notice').textContent()).toContain(
      'signed out from another device',
    );
    expect(
      await phone.page
        .getByRole('button', { name: /passkey/i })
        .first()
        .isVisible(),
    ).toBe(true);
    await expect
      .poll(async () => (await names(phone.page)).filter((n) => bobsDatabases.includes(n!)), LIVE)
      .toEqual([]);
    // The laptop keeps its session and its data.
    expect(await names(laptop.page)).toEqual(expect.arrayContaining(bobsDatabases));
    expect(await laptop.page.locator('[data-sync-status]').getAttribute('data-sync-status')).toBe('online');
    devices.expectNoPageErrors();
  });

  it('a device whose session ended while the app was closed starts from its copy of the profile, then shows sign-in with why, and its data is gone for good', async () => {
    const { bob, conversationId } = await twoFriends(server().url, 'alice', 'bob');
    const phone = await device(bob);
    await expect.poll(() => row(phone.page, conversationId).count(), LIVE).toBe(1);
    const names = (page: Page) => page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
    const bobsDatabases = [`messenjo-local-${bob.userId}`, `messenjo-sync-${bob.userId}`];
    await expect.poll(() => names(phone.page), LIVE).toEqual(expect.arrayContaining(bobsDatabases));
    const cookie = (await phone.context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    await phone.page.close();

    // The session ends on the server while no page of the phone is open.
    const ended = await authedFetch(server().url, { cookie }, '/api/auth/sign-out', { method: 'POST' });
    expect(ended.ok).toBe(true);

    const page = await phone.context.newPage();
    devices.watch(page);
    await page.goto(server().url);
    await expect.poll(() => page.getByTestId('signed-out-notice').isVisible(), LIVE).toBe(true);
    await expect
      .poll(async () => (await names(page)).filter((n) => bobsDatabases.includes(n!)), LIVE)
      .toEqual([]);
    expect(await page.evaluate(() => localStorage.getItem('messenjo.me'))).toBeNull();
    // Nothing brings the session back: a reload is the plain sign-in page, and no data returns.
    await page.reload();
    await page
      .getByRole('button', { name: /passkey/i })
      .first()
      .waitFor();
    expect(await page.locator('[data-sync-status]').count()).toBe(0);
    expect((await names(page)).filter((n) => bobsDatabases.includes(n!))).toEqual([]);
    devices.expectNoPageErrors();
  });
});
