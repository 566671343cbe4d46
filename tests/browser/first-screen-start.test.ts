import { describe, expect, it } from 'vitest';
import { signIn, signUp } from '../harness/accounts.ts';
import { deviceContext, watchPage, type Page } from '../harness/browser.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { LIVE } from '../harness/patience.ts';
import { makeFriends } from '../harness/social.ts';

/** The chunks the page was told to preload, by their source file's name (the hash stripped). */
function preloaded(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    // Array.from: the tests' DOM types have no iterable NodeList.
    Array.from(document.querySelectorAll<HTMLLinkElement>('link[rel="modulepreload"]'), (link) =>
      link.href.replace(/^.*\/assets\//, '').replace(/-[\w-]{8}\.js$/, ''),
    ),
  );
}

/** Counts the page's requests of `path` (the start's session question). */
function countRequests(page: Page, path: string): () => number {
  let count = 0;
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === path) count++;
  });
  return () => count;
}

/*
 * How the start reaches the first screen (Lighthouse, docs/benchmarks.md): boot.ts asks the
 * session before React has loaded, and fetches the code of the screen the answer (or the profile
 * the device kept) calls for, instead of React asking for it screen by screen afterwards.
 */
describe('the start of the app', () => {
  const server = useServer('browser-first-screen-start');
  const browser = useBrowser();

  it("a visitor's start asks the session once and fetches the sign-in page's code, not the signed-in app's", async () => {
    const context = await deviceContext(browser(), server().url, null);
    const page = await context.newPage();
    const problems = watchPage(page);
    const sessionAsked = countRequests(page, '/api/auth/session');
    const requested: string[] = [];
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
    await page.goto(server().url);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).waitFor();
    // With no session cookie the server announces the sign-in page's code with the shell
    // (a Link header): it is asked before the app has even asked who is here.
    const signInCode = requested.findIndex((path) => /\/assets\/SignInPage-[\w-]{8}\.js$/.test(path));
    expect(signInCode).toBeGreaterThan(-1);
    expect(signInCode).toBeLessThan(requested.indexOf('/api/auth/session'));
    const chunks = await preloaded(page);
    expect(chunks).toContain('SignInPage');
    expect(chunks).not.toContain('session-engine');
    expect(chunks).not.toContain('ConversationPane');
    expect(sessionAsked()).toBe(1);
    expect(problems.pageErrors).toEqual([]);
    await context.close();
  });

  it("a signed-in fresh device opening a conversation fetches the engine's and the pane's code with the shell", async () => {
    const tag = Math.random().toString(36).slice(2, 6);
    const alice = await signUp(server().url, { username: `start_${tag}` });
    const bob = await signUp(server().url, { username: `start2_${tag}` });
    const conversationId = await makeFriends(server().url, alice, bob);
    const context = await deviceContext(browser(), server().url, (await signIn(server().url, alice)).cookie);
    const page = await context.newPage();
    const problems = watchPage(page);
    const sessionAsked = countRequests(page, '/api/auth/session');
    const requested: string[] = [];
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
    await page.goto(`${server().url}/c/${conversationId}`);
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    // With a session cookie the server announces the signed-in app's and the pane's code with
    // the shell (a Link header): asked before the app has asked who is here, not after.
    for (const chunk of ['session-engine', 'ConversationPane']) {
      const asked = requested.findIndex((path) => new RegExp(`/assets/${chunk}-[\\w-]{8}\\.js$`).test(path));
      expect(asked, chunk).toBeGreaterThan(-1);
      expect(asked, chunk).toBeLessThan(requested.indexOf('/api/auth/session'));
    }
    const chunks = await preloaded(page);
    expect(chunks).toContain('session-engine');
    expect(chunks).toContain('ConversationPane');
    expect(chunks).not.toContain('SignInPage');
    expect(sessionAsked()).toBe(1);

    // Reopened, the device knows who is here from the profile it kept: the same code is
    // fetched at once, and the server is still asked, once.
    const askedBefore = sessionAsked();
    await page.reload();
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    expect(await preloaded(page)).toEqual(expect.arrayContaining(['session-engine', 'ConversationPane']));
    await expect.poll(() => sessionAsked() - askedBefore, LIVE).toBe(1);
    expect(problems.pageErrors).toEqual([]);
    await context.close();
  });

  it('a conversation opens without the uploader or the schema library', async () => {
    const tag = Math.random().toString(36).slice(2, 6);
    const alice = await signUp(server().url, { username: `lean_${tag}` });
    const bob = await signUp(server().url, { username: `lean2_${tag}` });
    const conversationId = await makeFriends(server().url, alice, bob);
    const context = await deviceContext(browser(), server().url, (await signIn(server().url, alice)).cookie);
    const page = await context.newPage();
    const problems = watchPage(page);
    const scripts: Promise<{ url: string; text: string }>[] = [];
    page.on('response', (response) => {
      if (response.request().resourceType() === 'script')
        scripts.push(response.text().then((text) => ({ url: response.url(), text })));
    });
    await page.goto(`${server().url}/c/${conversationId}`);
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    // What the open loaded: the other screens' code comes later, when the page is idle.
    const loaded = await Promise.all(scripts.slice());
    expect(loaded.length).toBeGreaterThan(0);
    // Strings only those libraries' code holds, whatever chunk the bundler puts them in:
    // tus-js-client (loaded for the first upload) and zod (the request schemas, for settings).
    for (const marker of ['tus: no file or stream to upload provided', 'Invalid input: expected']) {
      expect(
        loaded.filter((script) => script.text.includes(marker)).map((script) => script.url),
        marker,
      ).toEqual([]);
    }
    expect(problems.pageErrors).toEqual([]);
    await context.close();
  });
});
