import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { authedFetch, signIn, signUp, type TestAccount } from '../harness/accounts.ts';
import { seriousA11yViolations } from '../harness/axe.ts';
import {
  deviceContext,
  watchPage,
  type BrowserContext,
  type Page,
  type PageProblems,
} from '../harness/browser.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { LIVE } from '../harness/patience.ts';
import { makeFriends, ok } from '../harness/social.ts';

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
  const tag = Math.random().toString(36).slice(2, 6);
  let alice: TestAccount;
  let bob: TestAccount;
  let carol: TestAccount;
  /** This test's contexts and its pages' problems. */
  let contexts: BrowserContext[] = [];
  let problems: PageProblems[] = [];
  /** Bob's device, kept for the whole file: his message must reach the server, whichever test asks first. */
  let bobContext: BrowserContext | undefined;

  beforeAll(async () => {
    const url = server().url;
    alice = await signUp(url, { username: `alice_${tag}` });
    bob = await signUp(url, { username: `bob_${tag}` });
    carol = await signUp(url, { username: `carol_${tag}` });
    await ok(
      authedFetch(url, carol, '/api/me', {
        method: 'PATCH',
        body: JSON.stringify({ displayName: CAROL_NAME }),
      }),
      'display name',
    );
    await makeFriends(url, alice, bob);
    await makeFriends(url, alice, carol);
    await ok(
      authedFetch(url, alice, '/api/groups', {
        method: 'POST',
        body: JSON.stringify({ name: 'Weekend', memberIds: [bob.userId, carol.userId] }),
      }),
      'group',
    );
  });

  afterEach(async () => {
    for (const context of contexts) await context.close();
    contexts = [];
    problems = [];
  });

  afterAll(async () => {
    await bobContext?.close();
  });

  async function openPage(cookie: string | null, colorScheme: Scheme): Promise<Page> {
    const context = await deviceContext(browser(), server().url, cookie, { colorScheme, viewport: DESKTOP });
    contexts.push(context);
    const page = await context.newPage();
    problems.push(watchPage(page));
    await page.goto(server().url);
    return page;
  }

  /** Alice on a device of her own (a session of its own), synced and online. */
  async function aliceDevice(colorScheme: Scheme): Promise<Page> {
    const session = await signIn(server().url, alice, { userAgent: `device ${contexts.length}` });
    const page = await openPage(session.cookie, colorScheme);
    await expect
      .poll(() => page.locator('[data-sync-status]').getAttribute('data-sync-status'), LIVE)
      .toBe('online');
    return page;
  }

  const isDark = (page: Page) => page.evaluate(() => document.documentElement.classList.contains('dark'));
  const h1 = (page: Page, name: string) => page.getByRole('heading', { level: 1, name, exact: true });
  const nav = (page: Page, name: string) =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name });
  const list = (page: Page) => page.getByRole('complementary', { name: 'Conversations' });
  const openConversation = (page: Page, name: string) =>
    list(page).getByTestId('conversation-name').filter({ hasText: name }).click();

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
        for (const p of problems) expect(p.pageErrors).toEqual([]);
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
