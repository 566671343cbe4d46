import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, signUp, type TestAccount } from '../harness/accounts.ts';
import { seriousA11yViolations } from '../harness/axe.ts';
import { deviceContext, type BrowserContext, type Page } from '../harness/browser.ts';
import { useDevices } from '../harness/devices.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { LIVE } from '../harness/patience.ts';
import { aliceBobAndCarol, createGroup } from '../harness/people.ts';
import { conversationList as list, h1, isDark, nav, openConversation } from '../harness/screens.ts';

type Scheme = 'light' | 'dark';
const DESKTOP = { width: 1280, height: 800 };
const CAROL_NAME = 'Carolina Maximiliana von Wolkenstein-Hohenberg';

/**
 * Every main screen passes axe-core (no serious or critical violations) in the light and the dark
 * theme. Each test scans two or three screens on pages of its own (opened for it, closed after
 * it), so no test waits on another's state and none runs long: eighteen scans in two tests came
 * to their 30 s timeout on a busy machine (issue 15).
 */
describe('no serious or critical axe violations in Chromium', () => {
  const server = useServer('browser-accessibility');
  const browser = useBrowser();
  /** This test's pages, closed after it, and their problems. */
  const devices = useDevices(server, browser);
  let tag: string;
  let alice: TestAccount;
  let bob: TestAccount;
  /** Bob's device, kept for the whole file: his message must reach the server, whichever test asks first. */
  let bobContext: BrowserContext | undefined;

  beforeAll(async () => {
    const people = await aliceBobAndCarol(server().url, { carolDisplayName: CAROL_NAME });
    ({ tag, alice, bob } = people);
    await createGroup(server().url, alice, 'Weekend', [people.bob, people.carol]);
  });

  afterAll(async () => {
    await bobContext?.close();
  });

  const openPage = (cookie: string | null, colorScheme: Scheme): Promise<Page> =>
    devices.open(cookie, { colorScheme, viewport: DESKTOP });

  /** Alice on a device of her own (a session of its own), synced and online. */
  const aliceDevice = (colorScheme: Scheme): Promise<Page> =>
    devices.device(alice, { colorScheme, viewport: DESKTOP });

  /** Scans screens one after another and reports every screen's violations together at the end. */
  function scans(scheme: Scheme) {
    const found: Record<string, string[]> = {};
    return {
      async audit(page: Page, screen: string): Promise<void> {
        expect(await isDark(page), `${screen} in ${scheme}`).toBe(scheme === 'dark');
        expect(await page.locator('h1:visible').count(), `level-1 headings of ${screen}`).toBe(1);
        found[`${screen} (${scheme})`] = await seriousA11yViolations(page);
      },
      expectNone(): void {
        expect(found).toEqual(Object.fromEntries(Object.keys(found).map((screen) => [screen, []])));
        devices.expectNoPageErrors();
      },
    };
  }

  // Bob writes first, so Alice's conversation shows a bubble of each side (once for both schemes).
  let bobWrote: Promise<void> | undefined;
  const bobWritesFirst = () =>
    (bobWrote ??= (async () => {
      const session = await signIn(server().url, bob, { userAgent: 'bob' });
      bobContext = await deviceContext(browser(), server().url, session.cookie, { viewport: DESKTOP });
      const page = await bobContext.newPage();
      await page.goto(server().url);
      await openConversation(page, `alice_${tag}`);
      const box = page.getByRole('textbox', { name: 'Message' });
      await box.fill('From Bob');
      await box.press('Enter');
    })());

  for (const scheme of ['light', 'dark'] as const) {
    describe(scheme, () => {
      it(`sign-in and choosing a username (${scheme})`, async () => {
        const scan = scans(scheme);
        const visitor = await openPage(null, scheme);
        await expect.poll(() => h1(visitor, 'Messenjo').isVisible(), LIVE).toBe(true);
        await expect.poll(() => visitor.getByText('Online').isVisible(), LIVE).toBe(true);
        await scan.audit(visitor, 'sign-in');

        const newcomer = await signUp(server().url, { username: null });
        const first = await openPage(newcomer.cookie, scheme);
        await expect.poll(() => h1(first, 'Choose a username').isVisible(), LIVE).toBe(true);
        await scan.audit(first, 'choose username');
        scan.expectNone();
      });

      it(`home, friends and a confirm dialog (${scheme})`, async () => {
        const scan = scans(scheme);
        const page = await aliceDevice(scheme);
        await expect
          .poll(() => list(page).getByTestId('conversation-name').allTextContents(), LIVE)
          .toEqual(expect.arrayContaining([`bob_${tag}`, CAROL_NAME, 'Weekend']));
        expect(await h1(page, 'Conversations').count()).toBe(1);
        await scan.audit(page, 'home');

        await nav(page, 'Friends').click();
        await expect.poll(() => h1(page, 'Friends').isVisible(), LIVE).toBe(true);
        await expect
          .poll(() => page.getByRole('region', { name: 'Friends' }).textContent(), LIVE)
          .toContain(CAROL_NAME);
        // The list is beside the pane here: no back button on a wide screen.
        expect(await page.getByRole('button', { name: 'Back to conversations' }).isVisible()).toBe(false);
        await scan.audit(page, 'friends');

        await page
          .locator('[data-user-id]', { hasText: CAROL_NAME })
          .getByRole('button', { name: 'Block' })
          .click();
        await expect
          .poll(() => page.getByRole('dialog', { name: `Block ${CAROL_NAME}?` }).isVisible(), LIVE)
          .toBe(true);
        await scan.audit(page, 'confirm dialog');
        await page.keyboard.press('Escape');
        await expect.poll(() => page.getByRole('dialog').count(), LIVE).toBe(0);
        scan.expectNone();
      });

      it(`new group and settings (${scheme})`, async () => {
        const scan = scans(scheme);
        const page = await aliceDevice(scheme);
        await nav(page, 'New group').click();
        await expect.poll(() => h1(page, 'New group').isVisible(), LIVE).toBe(true);
        await scan.audit(page, 'new group');

        await nav(page, 'Settings').click();
        await expect.poll(() => h1(page, 'Settings').isVisible(), LIVE).toBe(true);
        await expect
          .poll(() => page.getByRole('list', { name: 'Devices' }).textContent(), LIVE)
          .toContain('This device');
        await scan.audit(page, 'settings');
        scan.expectNone();
      });

      it(`a direct conversation and a group's details (${scheme})`, async () => {
        const scan = scans(scheme);
        await bobWritesFirst();
        const page = await aliceDevice(scheme);
        await openConversation(page, `bob_${tag}`);
        await expect
          .poll(() => page.getByTestId('conversation-title').textContent(), LIVE)
          .toContain(`bob_${tag}`);
        // With a message of each side on screen: both bubbles, their times and the receipt.
        const box = page.getByRole('textbox', { name: 'Message' });
        await box.fill(`From Alice in ${scheme}`);
        await box.press('Enter');
        await expect
          .poll(() => page.getByTestId('message-text').allTextContents(), LIVE)
          .toEqual(expect.arrayContaining([`From Bob`, `From Alice in ${scheme}`]));
        await scan.audit(page, 'direct conversation');

        await openConversation(page, 'Weekend');
        await expect
          .poll(() => page.getByTestId('conversation-title').textContent(), LIVE)
          .toContain('Weekend');
        await page.getByRole('button', { name: 'Group details' }).click();
        await expect
          .poll(() => page.getByRole('list', { name: 'Members' }).textContent(), LIVE)
          .toContain(CAROL_NAME);
        await scan.audit(page, 'group details');
        scan.expectNone();
      });
    });
  }
});
