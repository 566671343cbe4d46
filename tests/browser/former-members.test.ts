import { describe, expect, it } from 'vitest';
import { authedFetch, type TestAccount } from '../harness/accounts.ts';
import type { Page } from '../harness/browser.ts';
import { reloadUnderServiceWorker, useDevices } from '../harness/devices.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { aliceBobAndCarol, createGroup } from '../harness/people.ts';
import { ok } from '../harness/social.ts';
import { LIVE } from '../harness/patience.ts';

/**
 * NM2 in Chromium: a removed member keeps her name on what she wrote and in the group's lines,
 * for the members who stay and for one added later on a fresh device (offline after a reload
 * too); her own copy ends with who removed her and when.
 */
describe('names that outlive membership, in Chromium', () => {
  const server = useServer('browser-former-members');
  const browser = useBrowser();
  const devices = useDevices(server, browser);

  const senderOf = (page: Page, text: string) =>
    page.locator('[data-message-id]').filter({ hasText: text }).getByTestId('sender-name');

  it('[NM2] the removed member keeps her name everywhere, and her copy says who removed her and when', async () => {
    const { tag, alice, bob, carol } = await aliceBobAndCarol(server().url);
    const group = { id: await createGroup(server().url, alice, 'Climbing', [bob]) };
    const path = `/c/${group.id}`;
    /** A device of `account` at `path`, not waiting for its sync. */
    const openDevice = (account: TestAccount, at: string) =>
      devices.device(account, { path: at, online: false });

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

    // Offline, after a reload: the names come from the device itself, in every frame (the
    // pane that takes over from the first paint once showed "Former member" for a moment).
    await reloadUnderServiceWorker(onCarol);
    await onCarol.addInitScript(() => {
      const seen = { formerMember: false };
      (window as unknown as { __names: typeof seen }).__names = seen;
      new MutationObserver(() => {
        if (document.body?.textContent?.includes('Former member')) seen.formerMember = true;
      }).observe(document, { childList: true, subtree: true, characterData: true });
    });
    await onCarol.context().setOffline(true);
    await onCarol.reload();
    await expect.poll(() => senderOf(onCarol, 'I bring the rope').textContent(), LIVE).toBe(`bob_${tag}`);
    await expect
      .poll(() => onCarol.locator('[data-system]').allTextContents(), LIVE)
      .toContain(`alice_${tag} removed bob_${tag}`);
    expect(await onCarol.getByText('Former member').count()).toBe(0);
    expect(
      await onCarol.evaluate(
        () => (window as unknown as { __names: { formerMember: boolean } }).__names.formerMember,
      ),
    ).toBe(false);
    devices.expectNoPageErrors();
  }, 120_000);
});
