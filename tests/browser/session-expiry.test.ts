import { segmentDocId, segmentOf } from '@messenjo/shared';
import { describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { authedFetch, signIn, signUp, type TestAccount } from '../harness/accounts.ts';
import { pageShows, type Page } from '../harness/browser.ts';
import { useDevices } from '../harness/devices.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { LIVE } from '../harness/patience.ts';
import { twoFriends } from '../harness/people.ts';
import { ok } from '../harness/social.ts';
import { eventually, nodeDevice } from '../harness/sync.ts';
import { addPasskeysOf } from '../harness/virtual-authenticator.ts';

/**
 * Expired is not revoked (SE1), in Chromium against the built server whose sessions live 10 s
 * without use (SESSION_LIFETIME_SECONDS): an expired session keeps the device's data and unsent
 * messages and asks for the same person, who signs in again and they go out; a session revoked
 * from another device, or a different account signing in, leaves none of it on the device.
 */
describe('an expired session in Chromium', () => {
  const LIFETIME_MS = 10_000;
  const server = useServer('browser-session-expiry', {
    env: { SESSION_LIFETIME_SECONDS: String(LIFETIME_MS / 1000) },
  });
  const browser = useBrowser();
  const devices = useDevices(server, browser);

  const pair = () => twoFriends(server().url, 'alice', 'bob');

  /** A device of `account` with the conversation open and its sync online. */
  async function device(account: TestAccount, conversationId: string): Promise<Page> {
    const page = await devices.device(account, { path: `/c/${conversationId}` });
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    return page;
  }

  const message = (page: Page, text: string): Locator =>
    page
      .locator('[data-message-id]')
      .filter({ has: page.getByTestId('message-text').filter({ hasText: text }) })
      .last();

  /**
   * Writes `text` offline and stays offline until the session has run out of time: no request
   * since going offline, so it expired by then at the latest (asking the server would renew it).
   */
  async function writeOfflineUntilExpired(page: Page, text: string): Promise<void> {
    await page.context().setOffline(true);
    const offlineAt = Date.now();
    await expect
      .poll(() => page.locator('[data-sync-status]').getAttribute('data-sync-status'), LIVE)
      .toBe('offline');
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill(text);
    await box.press('Enter');
    await expect.poll(() => message(page, text).getAttribute('data-status'), LIVE).toBe('pending');
    await eventually(() => Date.now() > offlineAt + LIFETIME_MS, 'the session ran out of time');
    await page.context().setOffline(false);
  }

  const databases = (page: Page): Promise<string[]> =>
    page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name ?? ''));

  it('keeps the unsent message, names the person, and sends it once she signs in again', async () => {
    const { alice, bob, conversationId, tag } = await pair();
    const page = await device(alice, conversationId);
    const problems = devices.problemsOf(page);
    await writeOfflineUntilExpired(page, 'Written while the session ran out');

    // Back online the server says "expired": the sign-in page asks for Alice and counts the outbox.
    const notice = page.getByTestId('session-expired');
    await expect
      .poll(() => notice.textContent(), LIVE)
      .toBe(`Your session expired. Sign in again as alice_${tag} to send your 1 unsent message.`);
    expect(await databases(page)).toEqual(
      expect.arrayContaining([`messenjo-sync-${alice.userId}`, `messenjo-local-${alice.userId}`]),
    );
    // Opened again (the app's start asks the server, which still says expired): the same page,
    // not an empty app.
    await page.reload();
    await expect
      .poll(() => notice.textContent(), LIVE)
      .toBe(`Your session expired. Sign in again as alice_${tag} to send your 1 unsent message.`);

    await addPasskeysOf(page.context(), page, alice.authenticator);
    // Requests still under way with the expired cookie as the sign-in answers (a page's
    // preloads do this): an answer to one of them must not take the new session's cookie away.
    await page.evaluate(() => {
      const stale = setInterval(() => void fetch('/healthz').catch(() => undefined), 5);
      setTimeout(() => clearInterval(stale), 3_000);
    });
    await page.getByRole('button', { name: `Sign in as alice_${tag}` }).click();
    // Her kept conversation opens with the message, and it goes out. While it has not, the poll
    // reads what the page shows instead, so a failure says where the app was (signed out again?).
    const sentOrPageShows = async (): Promise<string> => {
      const kept = message(page, 'Written while the session ran out');
      return (await kept.count()) > 0
        ? `status ${await kept.getAttribute('data-status')}`
        : `no message: ${await pageShows(page)}`;
    };
    await expect.poll(sentOrPageShows, LIVE).toMatch(/^status (sent|read)$/);
    // Bob's phone (a sync client in Node, signed in now: a page loading on a busy machine could
    // outlive a 10 s session) receives it from the server.
    const bobPhone = nodeDevice(server().url, (await signIn(server().url, bob)).cookie);
    bobPhone.start();
    const segment = await bobPhone.open(segmentDocId(conversationId, 0));
    await eventually(
      () =>
        segmentOf(segment)
          .messages.toArray()
          .some((m) => m.text === 'Written while the session ran out'),
      "Alice's message on Bob's phone",
    );
    await bobPhone.stop();

    expect(problems.pageErrors).toEqual([]);
  });

  it('a session revoked from her other device still wipes the device, unsent changes included', async () => {
    const { alice, conversationId } = await pair();
    const page = await device(alice, conversationId);
    const problems = devices.problemsOf(page);
    await page.context().setOffline(true);
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('Never to be sent from a stolen laptop');
    await box.press('Enter');
    await expect
      .poll(() => message(page, 'Never to be sent').getAttribute('data-status'), LIVE)
      .toBe('pending');
    // "Sign out everywhere else" from her phone: the laptop hears it when it is back online.
    const phone = await signIn(server().url, alice, { userAgent: 'phone' });
    await ok(
      authedFetch(server().url, phone, '/api/me/sessions/revoke-others', { method: 'POST' }),
      'revoke others',
    );
    await page.context().setOffline(false);
    await expect.poll(() => page.getByTestId('signed-out-notice').isVisible(), LIVE).toBe(true);
    expect(await page.getByTestId('session-expired').count()).toBe(0);
    await expect.poll(() => databases(page), LIVE).toEqual([]);
    expect(await page.evaluate(() => localStorage.getItem('messenjo.expired'))).toBeNull();
    expect(problems.pageErrors).toEqual([]);
  });

  it('a different account signing in on the device sees none of what the expired one kept', async () => {
    const { alice, conversationId, tag } = await pair();
    const carol = await signUp(server().url, { username: `carol_${tag}` });
    const page = await device(alice, conversationId);
    const problems = devices.problemsOf(page);
    await writeOfflineUntilExpired(page, 'Only for Bob');
    await expect
      .poll(() => page.getByTestId('session-expired').textContent(), LIVE)
      .toContain('to send your 1 unsent message');
    expect(await page.getByTestId('other-account-wipes').textContent()).toContain(`alice_${tag}`);

    await addPasskeysOf(page.context(), page, carol.authenticator);
    await page.getByRole('button', { name: 'Sign in with another account' }).click();
    await expect
      .poll(() => page.getByText('No conversations yet', { exact: false }).isVisible(), LIVE)
      .toBe(true);
    const names = await databases(page);
    expect(names.filter((name) => name.includes(alice.userId))).toEqual([]);
    expect(await page.getByText('Only for Bob').count()).toBe(0);
    expect(await page.evaluate(() => localStorage.getItem('messenjo.expired'))).toBeNull();
    expect(problems.pageErrors).toEqual([]);
  });
});
