import { describe, expect, it } from 'vitest';
import type { Page } from '../harness/browser.ts';
import { useDevices } from '../harness/devices.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { LIVE } from '../harness/patience.ts';
import { aliceBobAndCarol, signUpPeople } from '../harness/people.ts';

/**
 * Two people, one of them on two devices, each device a browser context with its own session
 * (made with the account's passkey through the real API). Every change made on one device shows
 * on the others without a reload, carried by the sync socket's user events.
 */
describe('friends and groups live in Chromium', () => {
  const server = useServer('browser-social-live');
  const browser = useBrowser();
  /** This test's devices, each a context signed in with a session of its own and synced: closed after it (no test sees another's). */
  const devices = useDevices(server, browser);
  const conversationNames = (page: Page) => page.getByTestId('conversation-name').allTextContents();
  const listText = (page: Page) => page.getByRole('list', { name: 'Conversations' }).textContent();

  it('a friend request and its acceptance show on every device: the direct conversation appears without a reload', async () => {
    const { tag, alice, bob } = await signUpPeople(server().url, ['alice', 'bob']);

    const alicePage = await devices.device(alice);
    const bobLaptop = await devices.device(bob);
    const bobPhone = await devices.device(bob);

    // Alice finds Bob and sends a request.
    await alicePage.getByRole('button', { name: 'Friends' }).click();
    await alicePage.getByLabel('Find people by username').fill(`bob_${tag}`);
    const result = alicePage
      .getByRole('region', { name: 'Search results' })
      .locator(`[data-user-id="${bob.userId}"]`);
    await result.getByRole('button', { name: 'Add friend' }).click();
    await expect.poll(() => result.textContent(), LIVE).toContain('Requested');

    // Both of Bob's devices see the request arrive; he accepts on his phone.
    for (const page of [bobLaptop, bobPhone]) {
      await expect.poll(() => page.getByRole('button', { name: 'Friends' }).textContent(), LIVE).toBe('1');
    }
    await bobPhone.getByRole('button', { name: 'Friends' }).click();
    await bobPhone
      .getByRole('region', { name: 'Requests for you' })
      .getByRole('button', { name: 'Accept' })
      .click();

    // The direct conversation appears on Bob's laptop and for Alice, without a reload.
    await expect.poll(() => conversationNames(bobLaptop), LIVE).toContain(`alice_${tag}`);
    await expect.poll(() => conversationNames(alicePage), LIVE).toContain(`bob_${tag}`);
    devices.expectCleanRun();
  });

  it("a group's creation, name and members change on every device without a reload", async () => {
    const { tag, alice, bob, carol } = await aliceBobAndCarol(server().url);

    const alicePage = await devices.device(alice);
    const bobLaptop = await devices.device(bob);
    const bobPhone = await devices.device(bob);

    // Alice creates a group with Bob: it appears on both of Bob's devices.
    await alicePage.getByRole('button', { name: 'New group' }).click();
    await alicePage.getByLabel('Group name').fill('Weekend');
    await alicePage.getByLabel(`bob_${tag}`).check();
    await alicePage.getByRole('button', { name: 'Create group' }).click();
    await expect
      .poll(() => alicePage.getByTestId('conversation-title').textContent(), LIVE)
      .toContain('Weekend');
    for (const page of [bobLaptop, bobPhone])
      await expect.poll(() => listText(page), LIVE).toContain('Weekend(2)');

    // Bob renames it from his laptop: Alice and his phone follow.
    await bobLaptop.getByTestId('conversation-name').filter({ hasText: 'Weekend' }).click();
    await bobLaptop.getByRole('button', { name: 'Group details' }).click();
    await bobLaptop.getByLabel('Group name').fill('Long weekend');
    await bobLaptop.getByRole('button', { name: 'Rename' }).click();
    for (const page of [alicePage, bobPhone]) {
      await expect.poll(() => conversationNames(page), LIVE).toContain('Long weekend');
    }

    // Alice adds Carol, then removes her: the member count follows on Bob's devices.
    await alicePage.getByRole('button', { name: 'Group details' }).click();
    await alicePage.getByLabel('Friend to add').selectOption({ label: `carol_${tag}` });
    await alicePage.getByRole('button', { name: 'Add', exact: true }).click();
    for (const page of [bobLaptop, bobPhone]) {
      await expect.poll(() => listText(page), LIVE).toContain('Long weekend(3)');
    }
    await alicePage
      .locator(`[data-member-id="${carol.userId}"]`)
      .getByRole('button', { name: 'Remove' })
      .click();
    // Removing a member is asked first.
    await alicePage
      .getByRole('dialog', { name: `Remove carol_${tag} from Long weekend?` })
      .getByRole('button', { name: 'Remove' })
      .click();
    for (const page of [bobLaptop, bobPhone]) {
      await expect.poll(() => listText(page), LIVE).toContain('Long weekend(2)');
    }
    await expect
      .poll(() => bobLaptop.getByRole('list', { name: 'Members' }).textContent(), LIVE)
      .not.toContain(`carol_${tag}`);
    devices.expectCleanRun();
  });
});
