import type { MeResponse } from '@messenjo/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, watchPage, type Browser, type Page } from '../harness/browser.ts';
import { useServer } from '../harness/fixtures.ts';
import { startOAuthStandins, type OAuthStandins } from '../harness/oauth-standins.ts';
import { startOidcServer, type OidcServer } from '../harness/oidc-server.ts';
import type { ServerOptions } from '../harness/server.ts';
import { LIVE } from '../harness/patience.ts';

describe('OpenID Connect, GitHub and Google sign-in in Chromium', () => {
  let oidc: OidcServer;
  let standins: OAuthStandins;
  let browser: Browser;
  const options: ServerOptions = { env: {} };
  beforeAll(async () => {
    [oidc, standins, browser] = await Promise.all([
      startOidcServer('Test ID'),
      startOAuthStandins(),
      launchBrowser(),
    ]);
    Object.assign(options.env!, oidc.env, standins.env);
  });
  const server = useServer('browser-accounts-providers', options);
  beforeAll(() => oidc.register(`${server().url}/api/auth/oidc/callback`));
  afterAll(async () => {
    await browser?.close();
    await oidc?.close();
    await standins?.close();
  });

  const me = (page: Page) =>
    page.evaluate(async () => (await fetch('/api/me')).json() as Promise<MeResponse>);

  it('signs up through a real OpenID provider, with the username pre-filled from it', async () => {
    const context = await browser.newContext();
    context.setDefaultTimeout(LIVE.timeout);
    const page = await context.newPage();
    const problems = watchPage(page);
    await page.goto(server().url);
    await page.getByRole('link', { name: 'Continue with Test ID' }).click();
    // oidc-provider's own login and consent pages.
    await page.locator('input[name=login]').fill('kim.oidc');
    await page.locator('input[name=password]').fill('any');
    await page.locator('button[type=submit]').click();
    await page.locator('button[type=submit]').click(); // consent: continue
    await expect.poll(() => page.getByRole('heading', { name: 'Choose a username' }).isVisible()).toBe(true);
    expect(await page.getByLabel('Username').inputValue()).toBe('kim.oidc');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Settings' }).isVisible()).toBe(true);
    const profile = await me(page);
    expect(profile).toMatchObject({ username: 'kim.oidc', displayName: 'Person kim.oidc' });
    expect(profile.methods.map((m) => m.label)).toEqual(['Test ID (kim.oidc)']);
    expect(problems.pageErrors).toEqual([]);
    await context.close();
  });

  it('signs in with GitHub and with Google against their local stand-ins', async () => {
    const context = await browser.newContext();
    context.setDefaultTimeout(LIVE.timeout);
    const page = await context.newPage();
    standins.nextUser = { id: '777', login: 'gh-browser', name: 'Browser Octo' };
    await page.goto(server().url);
    await page.getByRole('link', { name: 'Continue with GitHub' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Choose a username' }).isVisible()).toBe(true);
    expect(await page.getByLabel('Username').inputValue()).toBe('gh-browser');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Settings' }).isVisible()).toBe(true);
    expect((await me(page)).methods.map((m) => m.kind)).toEqual(['github']);

    // Link Google to the same account from the settings screen.
    standins.nextUser = { id: 'g-777', login: '', name: 'Browser Octo' };
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('link', { name: 'Link Google' }).click();
    await expect.poll(async () => (await me(page)).methods.map((m) => m.kind)).toEqual(['github', 'google']);

    // Sign out, then back in with Google: the same account.
    const id = (await me(page)).id;
    await page.getByRole('button', { name: 'Sign out', exact: true }).last().click();
    await page.getByRole('link', { name: 'Continue with Google' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Settings' }).isVisible()).toBe(true);
    expect((await me(page)).id).toBe(id);
    await context.close();
  });

  it('returns to the sign-in page with the reason when the person cancels at GitHub or the OpenID provider', async () => {
    const context = await browser.newContext();
    context.setDefaultTimeout(LIVE.timeout);
    const page = await context.newPage();
    standins.denyNext = true;
    await page.goto(server().url);
    await page.getByRole('link', { name: 'Continue with GitHub' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Sign-in with GitHub was cancelled');
    expect(new URL(page.url()).pathname).toBe('/signin');

    // Cancelling on the real OpenID provider's own login page.
    await page.getByRole('link', { name: 'Continue with Test ID' }).click();
    await page.getByRole('link', { name: '[ Cancel ]' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Sign-in with Test ID was cancelled');
    await context.close();
  });
});
