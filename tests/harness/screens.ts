import type { Page } from './browser.ts';

/**
 * The app's landmarks as a person finds them (roles and names, not classes), for browser tests
 * that walk its screens.
 */

/** The page's one level-1 heading, named `name`. */
export const h1 = (page: Page, name: string) => page.getByRole('heading', { level: 1, name, exact: true });

/** A button of the main navigation (Friends, New group, Settings, Sign out). */
export const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name });

/** The list of conversations beside (or, on a phone, instead of) the pane. */
export const conversationList = (page: Page) => page.getByRole('complementary', { name: 'Conversations' });

/** Opens the listed conversation whose name contains `name`. */
export const openConversation = (page: Page, name: string) =>
  conversationList(page).getByTestId('conversation-name').filter({ hasText: name }).click();

/** The dark theme is on. */
export const isDark = (page: Page) =>
  page.evaluate(() => document.documentElement.classList.contains('dark'));

/** The message (its row) whose own text shows `caption`. */
export const messageWith = (page: Page, caption: string) =>
  page.locator('[data-message-id]', { has: page.getByTestId('message-text').getByText(caption) });
