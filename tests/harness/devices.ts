import type { BrowserContextOptions } from 'playwright-core';
import { afterAll, afterEach, expect } from 'vitest';
import { signIn, type TestAccount } from './accounts.ts';
import {
  deviceContext,
  watchPage,
  type Browser,
  type BrowserContext,
  type Page,
  type PageProblems,
} from './browser.ts';
import { LIVE } from './patience.ts';
import type { RunningServer } from './server.ts';

export interface OpenOptions extends BrowserContextOptions {
  /** Where the page starts, below the server's origin; `/` unless said. */
  path?: string;
  /** Called with the new page before it loads (to hear its first socket, say). */
  beforeLoad?: (page: Page) => unknown;
}

export interface DeviceOptions extends OpenOptions {
  /** The sign-in request's user agent (the name in the sessions list); `device N` unless said. */
  userAgent?: string;
  /** Wait until the page's sync says it is online (the default), or only until it has loaded. */
  online?: boolean;
}

/**
 * The browser devices of a file's tests: each a context of its own, signed in with a session of
 * its own (made with the account's passkey through the real API) or a visitor, its page watched
 * for errors. Closed after each test (`closeAfter: 'each'`, the default: no test runs beside
 * another's pages) or after the file's last test (`'all'`: a test that keeps a page for a later
 * one).
 */
export interface Devices {
  /** A page in a new context signed in as `cookie`'s session (`null`: a visitor), at `path`. */
  open(cookie: string | null, options?: OpenOptions): Promise<Page>;
  /** A new device of `account`: signs in again (a session of its own) and opens `path`. */
  device(account: Pick<TestAccount, 'authenticator'>, options?: DeviceOptions): Promise<Page>;
  /** Watches one more page (another tab of a device) for errors, with the others. */
  watch(page: Page): void;
  /** The contexts open now (the next device's default user agent counts them). */
  readonly contexts: readonly BrowserContext[];
  /** What the pages opened since the last close saw go wrong. */
  readonly problems: readonly PageProblems[];
  /** What one of those pages saw go wrong (opened or watched here). */
  problemsOf(page: Page): PageProblems;
  /** No uncaught exception on any page opened since the last close. */
  expectNoPageErrors(): void;
  /** Neither an uncaught exception nor a console error on any of those pages. */
  expectCleanRun(): void;
}

export function useDevices(
  server: () => RunningServer,
  browser: () => Browser,
  { closeAfter = 'each' }: { closeAfter?: 'each' | 'all' } = {},
): Devices {
  const contexts: BrowserContext[] = [];
  const problems: PageProblems[] = [];
  const problemsByPage = new Map<Page, PageProblems>();
  const watch = (page: Page): void => {
    const seen = watchPage(page);
    problems.push(seen);
    problemsByPage.set(page, seen);
  };
  const close = async (): Promise<void> => {
    for (const context of contexts.splice(0)) await context.close();
    problems.length = 0;
    problemsByPage.clear();
  };
  if (closeAfter === 'each') afterEach(close);
  else afterAll(close);

  async function open(
    cookie: string | null,
    { path = '/', beforeLoad, ...options }: OpenOptions = {},
  ): Promise<Page> {
    const url = server().url;
    const context = await deviceContext(browser(), url, cookie, options);
    contexts.push(context);
    const page = await context.newPage();
    watch(page);
    // Awaited: a route registered after the page started loading would miss its first requests.
    await beforeLoad?.(page);
    await page.goto(`${url}${path}`);
    return page;
  }

  return {
    open,
    async device(account, { userAgent, online = true, ...options } = {}) {
      const session = await signIn(server().url, account, {
        userAgent: userAgent ?? `device ${contexts.length}`,
      });
      const page = await open(session.cookie, options);
      if (online) await untilOnline(page);
      return page;
    },
    watch,
    contexts,
    problems,
    problemsOf(page) {
      const seen = problemsByPage.get(page);
      if (!seen) throw new Error('this page was not opened or watched by these devices');
      return seen;
    },
    expectNoPageErrors() {
      for (const p of problems) expect(p.pageErrors).toEqual([]);
    },
    expectCleanRun() {
      for (const p of problems) {
        expect(p.pageErrors).toEqual([]);
        expect(p.consoleErrors).toEqual([]);
      }
    },
  };
}

/** The page's sync connection says it is online. */
export async function untilOnline(page: Page): Promise<void> {
  await expect
    .poll(() => page.locator('[data-sync-status]').getAttribute('data-sync-status'), LIVE)
    .toBe('online');
}

/**
 * Reloads the page under the app's service worker: it serves the app offline once it controls
 * the page, and it controls only pages loaded after it is ready.
 */
export async function reloadUnderServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), LIVE).toBe(true);
}
