import { afterAll, describe, expect, it } from 'vitest';
import { authedFetch, signIn, signUp, type TestAccount } from '../harness/accounts.ts';
import {
  deviceContext,
  watchPage,
  type BrowserContext,
  type Page,
  type PageProblems,
} from '../harness/browser.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { makeFriends, ok } from '../harness/social.ts';

/** Live means without a reload; generous so a loaded 2-core machine does not flake. */
const LIVE = { timeout: 8000 };

/**
 * NM2 in Chromium: a removed member keeps her name on what she wrote and in the group's lines,
 * for the members who stay and for one added later on a fresh device (offline after a reload
 * too); her own copy ends with who removed her and when.
 */
describe('names that outlive membership, in Chromium', () => {
  const server = useServer('browser-former-members');
  const browser = useBrowser();
  const contexts: BrowserContext[] = [];
  const problems: PageProblems[] = [];

  afterAll(async () => {
    for (const context of contexts) await context.close();
  });

  async function openDevice(account: TestAccount, path: string): Promise<Page> {
    const session = await signIn(server().url, account, { userAgent: `device ${contexts.length}` });
    const context = await deviceContext(browser(), server().url, session.cookie);
    contexts.push(context);
    const page = await context.newPage();
    problems.push(watchPage(page));
    await page.goto(`${server().url}${path}`);
    return page;
  }

  const senderOf = (page: Page, text: string) =>
    page.locator('[data-message-id]').filter({ hasText: text }).getByTestId('sender-name');

  it('[NM2] the removed member keeps her name everywhere, and her copy says who removed her and when', async () => {
    const tag = Math.random().toString(36).slice(2, 6);
    const alice = await signUp(server().url, { username: `alice_${tag}` });
    const bob = await signUp(server().url, { username: `bob_${tag}` });
    const carol = await signUp(server().url, { username: `carol_${tag}` });
    await makeFriends(server().url, alice, bob);
    await makeFriends(server().url, alice, carol);
    const group = await ok<{ id: string }>(
      authedFetch(server().url, alice, '/api/groups', {
        method: 'POST',
        body: JSON.stringify({ name: 'Climbing', memberIds: [bob.userId] }),
      }),
      'create group',
    );
    const path = `/c/${group.id}`;

    const onBob = await openDevice(bob, path);
    const box = onBob.getByRole('textbox', { name: 'Message' });
    await box.fill('I bring the rope');
    await box.press('Enter');
    const onAlice = await openDevice(alice, path);
    await expect.poll(() => senderOf(onAlice, 'I bring the rope').textContent(), LIVE).toBe(`bob_${tag}`);

    await ok(
      authedFetch(server().url, alice, `/api/groups/${group.id}/members/${bob.userId}`, {
        method: 'DELETE',
      }),
      'remove bob',
    );

    // Alice, who stays: Bob's name on his message and in the lines about him.
    await expect
      .poll(() => onAlice.locator('[data-system]').allTextContents(), LIVE)
      .toEqual(['You created the group Climbing', `You added bob_${tag}`, `You removed bob_${tag}`]);
    await expect.poll(() => senderOf(onAlice, 'I bring the rope').textContent(), LIVE).toBe(`bob_${tag}`);

    // Bob's own copy: still readable, closed by the line saying who removed him and when.
    await expect
      .poll(() => onBob.getByTestId('membership-ended').textContent(), LIVE)
      .toMatch(new RegExp(`^alice_${tag} removed you from this group · .+`));
    await expect
      .poll(() => onBob.getByTestId('read-only').textContent(), LIVE)
      .toContain(`alice_${tag} removed you from this group`);
    expect(await onBob.getByRole('textbox', { name: 'Message' }).count()).toBe(0);
    expect(await onBob.getByText('I bring the rope').count()).toBe(1);

    // Carol joins later, on a device that never saw Bob as a member.
    await ok(
      authedFetch(server().url, alice, `/api/groups/${group.id}/members`, {
        method: 'POST',
        body: JSON.stringify({ userIds: [carol.userId] }),
      }),
      'add carol',
    );
    const onCarol = await openDevice(carol, path);
    await expect.poll(() => senderOf(onCarol, 'I bring the rope').textContent(), LIVE).toBe(`bob_${tag}`);
    await expect
      .poll(() => onCarol.locator('[data-system]').allTextContents(), LIVE)
      .toEqual([
        `alice_${tag} created the group Climbing`,
        `alice_${tag} added bob_${tag}`,
        `alice_${tag} removed bob_${tag}`,
        `alice_${tag} added you`,
      ]);
    // The list's preview of the group names nobody as "Former member" either.
    expect(await onCarol.getByText('Former member').count()).toBe(0);

    // Offline, after a reload: the names come from the device itself.
    await onCarol.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await onCarol.reload();
    await expect
      .poll(() => onCarol.evaluate(() => navigator.serviceWorker.controller !== null), LIVE)
      .toBe(true);
    await onCarol.context().setOffline(true);
    await onCarol.reload();
    await expect.poll(() => senderOf(onCarol, 'I bring the rope').textContent(), LIVE).toBe(`bob_${tag}`);
    await expect
      .poll(() => onCarol.locator('[data-system]').allTextContents(), LIVE)
      .toContain(`alice_${tag} removed bob_${tag}`);
    expect(await onCarol.getByText('Former member').count()).toBe(0);
    for (const p of problems) expect(p.pageErrors).toEqual([]);
  }, 120_000);
});
