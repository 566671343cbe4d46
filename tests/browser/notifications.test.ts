import type { PushMessagePayload } from '@messenjo/shared';
import type { CDPSession, Worker } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { authedFetch, signIn, signUp, type TestAccount } from '../harness/accounts.ts';
import { deviceContext, type BrowserContext, type Page } from '../harness/browser.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { makeFriends, ok } from '../harness/social.ts';
import { rawMessageWriter } from '../harness/writers.ts';
import { LIVE } from '../harness/patience.ts';

interface Shown {
  title: string;
  body: string;
  tag: string;
}

/** What these tests use of the service worker's global scope (tests compile without the webworker lib). */
interface WorkerScope {
  registration: { getNotifications(): Promise<(Shown & object)[]> };
  dispatchEvent(event: Event): boolean;
  NotificationEvent: new (type: string, init: { notification: object }) => Event;
}

/**
 * Notifications in Chromium: a push delivered to the service worker through the DevTools
 * protocol (`ServiceWorker.deliverPushMessage`) shows its notification and sets the badge; a
 * click opens the conversation; a page in the background notifies new messages except for a
 * muted conversation. Notifications are read with the worker's `getNotifications()`; the OS
 * badge, which no protocol reads, is recorded by wrapping `navigator.setAppBadge` in the worker.
 */
describe('notifications in Chromium', () => {
  const server = useServer('browser-notifications');
  const browser = useBrowser();
  const contexts: BrowserContext[] = [];
  afterAll(async () => {
    for (const context of contexts) await context.close();
  });
  const url = (): string => server().url;

  async function device(account: TestAccount): Promise<{ page: Page; worker: Worker; cdp: CDPSession }> {
    const session = await signIn(url(), account);
    const context = await deviceContext(browser(), url(), session.cookie);
    contexts.push(context);
    await context.grantPermissions(['notifications'], { origin: url() });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await page.goto(url());
    await expect
      .poll(() => page.locator('[data-sync-status]').getAttribute('data-sync-status'), LIVE)
      .toBe('online');
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
    await worker.evaluate(() => {
      const scope = self as unknown as { badges: number[] };
      scope.badges = [];
      Object.defineProperty(navigator, 'setAppBadge', {
        configurable: true,
        value: (count: number) => {
          scope.badges.push(count);
          return Promise.resolve();
        },
      });
    });
    return { page, worker, cdp };
  }

  const shown = (worker: Worker): Promise<Shown[]> =>
    worker.evaluate(async () =>
      (await (self as unknown as WorkerScope).registration.getNotifications()).map((n) => ({
        title: n.title,
        body: n.body,
        tag: n.tag,
      })),
    );

  async function registrationId(cdp: CDPSession): Promise<string> {
    const found = new Promise<string>((resolve) =>
      cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
        const live = registrations.find((r) => !r.isDeleted);
        if (live) resolve(live.registrationId);
      }),
    );
    await cdp.send('ServiceWorker.enable');
    return found;
  }

  it('a push shows its notification and raises the badge; a click opens the conversation', async () => {
    const alice = await signUp(url());
    const bob = await signUp(url());
    const conversationId = await makeFriends(url(), alice, bob);
    const { page, worker, cdp } = await device(bob);
    const payload: PushMessagePayload = {
      v: 1,
      kind: 'message',
      title: 'Alice',
      body: 'Are you coming?',
      tag: `conversation:${conversationId}`,
      url: `/c/${conversationId}`,
      conversationId,
      at: Date.now(),
    };
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin: new URL(url()).origin + '/',
      registrationId: await registrationId(cdp),
      data: JSON.stringify(payload),
    });
    await expect
      .poll(() => shown(worker), LIVE)
      .toEqual([{ title: 'Alice', body: 'Are you coming?', tag: `conversation:${conversationId}` }]);
    await expect
      .poll(() => worker.evaluate(() => (self as unknown as { badges: number[] }).badges.at(-1)), LIVE)
      .toBe(1);

    // The platform's click, as the service worker receives it.
    await worker.evaluate(async () => {
      const scope = self as unknown as WorkerScope;
      const [notification] = await scope.registration.getNotifications();
      scope.dispatchEvent(new scope.NotificationEvent('notificationclick', { notification: notification! }));
    });
    await expect.poll(() => new URL(page.url()).pathname, LIVE).toBe(`/c/${conversationId}`);
    await expect.poll(() => shown(worker), LIVE).toEqual([]);

    // The conversation being read (its page visible and focused) gets no notification.
    const fromAlice = await rawMessageWriter(url(), alice, conversationId);
    await fromAlice.say('I see you reading');
    await expect.poll(() => page.getByText('I see you reading').count(), LIVE).toBeGreaterThan(0);
    expect(await shown(worker)).toEqual([]);
    fromAlice.peer.close();
  });

  it('a page in the background notifies a new message, but none for a muted conversation', async () => {
    const alice = await signUp(url());
    const bob = await signUp(url());
    const cat = await signUp(url());
    const withAlice = await makeFriends(url(), alice, bob);
    const withCat = await makeFriends(url(), cat, bob);
    const { page, worker, cdp } = await device(bob);
    // Bob mutes Cat's conversation from its header (synced through his user document).
    await page.goto(`${url()}/c/${withCat}`);
    await page.getByTestId('mute-toggle').click();
    await expect.poll(() => page.getByTestId('mute-toggle').getAttribute('aria-pressed'), LIVE).toBe('true');
    await page.goto(url());
    await expect.poll(() => page.getByTestId('muted-mark').count(), LIVE).toBe(1);
    // The app goes to the background: another tab comes to the front, and the page loses the
    // focus Playwright otherwise pretends every page has.
    await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: false });
    const other = await page.context().newPage();
    await other.bringToFront();
    await expect
      .poll(() => page.evaluate(() => document.visibilityState !== 'visible' || !document.hasFocus()), LIVE)
      .toBe(true);

    const fromCat = await rawMessageWriter(url(), cat, withCat);
    await fromCat.say('muted words');
    const fromAlice = await rawMessageWriter(url(), alice, withAlice);
    await fromAlice.say('Dinner at eight');
    await expect
      .poll(() => shown(worker), LIVE)
      .toEqual([
        { title: expect.any(String) as string, body: 'Dinner at eight', tag: `conversation:${withAlice}` },
      ]);
    // Cat's message did arrive (its row shows it), it just made no notification.
    await expect.poll(() => page.getByText('muted words').count(), LIVE).toBeGreaterThan(0);
    expect((await shown(worker)).map((s) => s.tag)).toEqual([`conversation:${withAlice}`]);
    fromCat.peer.close();
    fromAlice.peer.close();
    await ok(authedFetch(url(), bob, '/api/push/subscription'), 'still signed in');
  });
});
