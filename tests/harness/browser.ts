import { existsSync } from 'node:fs';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
  type Route,
} from 'playwright-core';
import { LIVE } from './patience.ts';

/** Debian's Chromium; the playwright download of its own browser cannot run here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Without the background-networking flags, Chromium's calls home are refused noisily on a closed
 * network. Without the WebUI omnibox popup, Chromium 156 (Debian's, headless) no longer builds
 * its own `chrome://omnibox-popup` page (HTML parse, ~20 ms of script, style and layout) beside
 * every page the tests open: on two cores that work ran beside the app's start, and a traced W6
 * open painted at 170 ms with it, 89 ms without (docs/benchmarks.md, "The browser's own omnibox").
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-features=WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup',
];

/**
 * Chromium's fake microphone (a beep every second) granted without asking, for voice notes;
 * its output muted (a headless machine has no speaker, and playback still runs its clock).
 */
export const FAKE_MEDIA_ARGS = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--mute-audio',
  '--autoplay-policy=no-user-gesture-required',
];

export async function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium package or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    headless: true,
  });
}

/**
 * Chromium with a profile on disk: what a person's browser is. A plain context is an incognito
 * one, where Chromium installs no app (`Page.getInstallabilityErrors` says `in-incognito`).
 * The caller closes the context and removes `userDataDir`.
 */
export function launchProfileBrowser(userDataDir: string): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium package or set CHROMIUM_PATH`,
    );
  }
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
  });
}

export interface PageProblems {
  consoleErrors: string[];
  pageErrors: string[];
}

/** Collects console errors and uncaught exceptions, so a test can assert the page ran cleanly. */
export function watchPage(page: Page): PageProblems {
  const problems: PageProblems = { consoleErrors: [], pageErrors: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') problems.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => problems.pageErrors.push(error.message));
  return problems;
}

/**
 * What a person would read on the page, shortened: a wait that fails says what the page showed
 * instead (a sign-in page, an error) rather than only that an element never came.
 */
export async function pageShows(page: Page): Promise<string> {
  const text = await page
    .locator('body')
    .innerText({ timeout: 1_000 })
    .catch((error: unknown) => `(unreadable: ${String(error)})`);
  return `${new URL(page.url()).pathname} shows: ${text.replace(/\s+/g, ' ').slice(0, 400)}`;
}

/**
 * A browser context signed in as the session of `cookie` (`name=value`, as `signIn` returns it):
 * a device of its own, with its own storage. Without a cookie, a visitor.
 */
export async function deviceContext(
  browser: Browser,
  url: string,
  cookie: string | null,
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  // A Playwright action waits this long for its element (a loaded machine paints late).
  context.setDefaultTimeout(LIVE.timeout);
  if (cookie) {
    const [name, value] = cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url, httpOnly: true, sameSite: 'Lax' }]);
  }
  return context;
}

export type { Browser, BrowserContext, Page, Route };
