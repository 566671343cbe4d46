import { beforeAll, describe, expect, it } from 'vitest';
import type { TestAccount } from '../harness/accounts.ts';
import type { Page } from '../harness/browser.ts';
import { useDevices } from '../harness/devices.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { LIVE } from '../harness/patience.ts';
import { aliceBobAndCarol, createGroup } from '../harness/people.ts';
import { conversationList as list, h1, isDark, nav, openConversation } from '../harness/screens.ts';

const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 800 };
type Scheme = 'light' | 'dark';

/**
 * How the app looks and moves for everyone: the theme follows the system until the person picks
 * one, and that pick follows them to their other devices; on a 360 px phone one pane shows at a
 * time and every pane has a way back to the list. (Every screen's axe scan, light and dark:
 * accessibility.test.ts.) Each test opens its own pages and closes them after it.
 */
describe('theme and layout in Chromium', () => {
  const server = useServer('browser-theme-layout');
  const browser = useBrowser();
  /** This test's pages, closed after it, and their problems. */
  const devices = useDevices(server, browser);
  let tag: string;
  let alice: TestAccount;
  let carol: TestAccount;
  const CAROL_NAME = 'Carolina Maximiliana von Wolkenstein-Hohenberg';

  beforeAll(async () => {
    const people = await aliceBobAndCarol(server().url, { carolDisplayName: CAROL_NAME });
    ({ tag, alice, carol } = people);
    await createGroup(server().url, alice, 'Weekend', [people.bob, people.carol]);
  });

  /** Another device of `account` in the given system theme (light unless said) and size, synced and online. */
  const device = (
    account: TestAccount,
    options: { colorScheme?: Scheme; viewport?: { width: number; height: number } } = {},
  ): Promise<Page> =>
    devices.device(account, {
      colorScheme: options.colorScheme ?? 'light',
      viewport: options.viewport ?? DESKTOP,
    });

  it('the theme follows the system; a choice on one device shows on the other device of the same user', async () => {
    const laptop = await device(alice, { colorScheme: 'light' });
    const phone = await device(alice, { colorScheme: 'light', viewport: PHONE });
    expect(await isDark(laptop)).toBe(false);

    // No choice yet: the system decides, live.
    await laptop.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => isDark(laptop), LIVE).toBe(true);
    await laptop.emulateMedia({ colorScheme: 'light' });
    await expect.poll(() => isDark(laptop), LIVE).toBe(false);

    // Dark chosen on the laptop: the phone, whose system is light, turns dark without a reload.
    await nav(laptop, 'Settings').click();
    await laptop.locator('label', { hasText: /^Dark$/ }).click();
    expect(await laptop.getByRole('radio', { name: 'Dark' }).isChecked()).toBe(true);
    await expect.poll(() => isDark(laptop), LIVE).toBe(true);
    await expect.poll(() => isDark(phone), LIVE).toBe(true);
    // A manual choice no longer follows the system.
    await laptop.emulateMedia({ colorScheme: 'light' });
    expect(await isDark(laptop)).toBe(true);

    // The phone remembers it for its next start, before the user document loads.
    expect(await phone.evaluate(() => localStorage.getItem('messenjo-theme'))).toBe('dark');
    await phone.reload({ waitUntil: 'domcontentloaded' });
    await expect.poll(() => isDark(phone), LIVE).toBe(true);

    // Back to "System" from the phone: both follow their system again.
    await nav(phone, 'Settings').click();
    await phone.locator('label', { hasText: /^System$/ }).click();
    await expect.poll(() => isDark(phone), LIVE).toBe(false);
    await expect.poll(() => isDark(laptop), LIVE).toBe(false);
    await expect.poll(() => laptop.getByRole('radio', { name: 'System' }).isChecked(), LIVE).toBe(true);
    await laptop.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => isDark(laptop), LIVE).toBe(true);

    devices.expectNoPageErrors();
  });

  it('at 360×740 one pane shows at a time and every pane leads back to the list', async () => {
    const page = await device(alice, { viewport: PHONE });
    const back = page.getByRole('button', { name: 'Back to conversations' });
    const focusedHeading = () =>
      page.evaluate(() => `${document.activeElement?.tagName} ${document.activeElement?.textContent}`);
    // Nothing reaches past the screen's right edge: not the page, and nothing clipped inside a pane.
    const noSideways = () =>
      page.evaluate(
        () =>
          document.documentElement.scrollWidth <= window.innerWidth &&
          Array.from(document.querySelectorAll<HTMLElement>('main *, aside *')).every((element) => {
            const fits = (e: Element) => e.getBoundingClientRect().right <= window.innerWidth + 0.5;
            if (fits(element)) return true;
            // Text cut with an ellipsis overflows its clipping box on purpose; that box must fit.
            for (let up: HTMLElement | null = element.parentElement; up; up = up.parentElement) {
              if (getComputedStyle(up).textOverflow === 'ellipsis') return fits(up);
            }
            return false;
          }),
      );
    await expect
      .poll(() => list(page).getByTestId('conversation-name').allTextContents(), LIVE)
      .toContain(`bob_${tag}`);
    expect(await page.locator('main').isVisible()).toBe(false);
    expect(await noSideways()).toBe(true);

    // A conversation replaces the list, and the back button brings the list back.
    await openConversation(page, `bob_${tag}`);
    await expect.poll(() => page.getByTestId('conversation-title').isVisible(), LIVE).toBe(true);
    expect(await list(page).isVisible()).toBe(false);
    await back.click();
    await expect.poll(() => list(page).isVisible(), LIVE).toBe(true);
    expect(new URL(page.url()).pathname).toBe('/');
    // The button hid with its pane: focus went to the list's heading, not to the top of the page.
    expect(await focusedHeading()).toBe('H1 Conversations');
    // It stepped back in the history (the system back button will not reopen the conversation):
    // forward returns to it.
    await page.goForward();
    await expect.poll(() => page.getByTestId('conversation-title').isVisible(), LIVE).toBe(true);
    await back.click();
    await expect.poll(() => list(page).isVisible(), LIVE).toBe(true);

    // A group's members: the owner's three buttons wrap below the name instead of squeezing it.
    await openConversation(page, 'Weekend');
    await page.getByRole('button', { name: 'Group details' }).click();
    const carolMember = page.locator(`[data-member-id="${carol.userId}"]`);
    await expect.poll(() => carolMember.isVisible(), LIVE).toBe(true);
    expect((await carolMember.getByText(CAROL_NAME).boundingBox())?.width).toBeGreaterThan(200);
    expect(await noSideways()).toBe(true);
    await back.click();
    await expect.poll(() => list(page).isVisible(), LIVE).toBe(true);

    // Friends: the long name keeps its room beside the buttons (they wrap below it).
    await nav(page, 'Friends').click();
    await expect.poll(() => h1(page, 'Friends').isVisible(), LIVE).toBe(true);
    expect(await list(page).isVisible()).toBe(false);
    expect(await focusedHeading()).toBe('H1 Friends');
    const carolRow = page.locator('[data-user-id]', { hasText: CAROL_NAME });
    await expect.poll(() => carolRow.isVisible(), LIVE).toBe(true);
    const nameBox = await carolRow.getByText(CAROL_NAME).boundingBox();
    expect(nameBox?.width).toBeGreaterThan(200);
    expect(await noSideways()).toBe(true);

    // Removing a friend is asked first; the question starts on "Cancel", and Escape keeps the friend.
    await carolRow.getByRole('button', { name: 'Remove' }).click();
    const question = page.getByRole('dialog', { name: `Remove ${CAROL_NAME} from your friends?` });
    await expect.poll(() => question.isVisible(), LIVE).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await page.keyboard.press('Escape');
    await expect.poll(() => question.count(), LIVE).toBe(0);
    expect(await page.getByRole('region', { name: 'Friends' }).textContent()).toContain(CAROL_NAME);
    // Focus returns to the button that asked, and the keyboard's focus is visible.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Remove');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Block');
    // Polled: buttons transition their colours, the outline's included.
    const ring = () =>
      page.evaluate(() => {
        const style = getComputedStyle(document.activeElement!);
        // The focus token, resolved the way the browser resolves the outline's colour.
        const probe = document.body.appendChild(document.createElement('span'));
        probe.style.color = 'var(--focus)';
        const focusColour = getComputedStyle(probe).color;
        probe.remove();
        return {
          style: style.outlineStyle,
          width: style.outlineWidth,
          focusColour: style.outlineColor === focusColour,
        };
      });
    await expect.poll(ring, LIVE).toEqual({ style: 'solid', width: '2px', focusColour: true });

    await back.click();
    await expect.poll(() => list(page).isVisible(), LIVE).toBe(true);

    for (const [button, title] of [
      ['Settings', 'Settings'],
      ['New group', 'New group'],
    ] as const) {
      await nav(page, button).click();
      await expect.poll(() => h1(page, title).isVisible(), LIVE).toBe(true);
      expect(await list(page).isVisible()).toBe(false);
      expect(await noSideways()).toBe(true);
      await back.click();
      await expect.poll(() => list(page).isVisible(), LIVE).toBe(true);
    }

    devices.expectNoPageErrors();
  });
});
