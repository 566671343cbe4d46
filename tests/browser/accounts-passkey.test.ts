import type { MeResponse } from '@messenjo/shared';
import { describe, expect, it } from 'vitest';
import { deviceContext, watchPage } from '../harness/browser.ts';
import { authedFetch, signIn, signUp } from '../harness/accounts.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { addVirtualAuthenticator } from '../harness/virtual-authenticator.ts';
import { LIVE } from '../harness/patience.ts';

describe('passkey accounts in Chromium', () => {
  const server = useServer('browser-accounts-passkey');
  const browser = useBrowser();

  it('signs up with a passkey, chooses a username, signs out and signs back in', async () => {
    const context = await browser().newContext();
    context.setDefaultTimeout(LIVE.timeout);
    const page = await context.newPage();
    const problems = watchPage(page);
    const laptop = await addVirtualAuthenticator(context, page);
    await page.goto(server().url);

    await page.getByRole('button', { name: 'Create an account with a passkey' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Choose a username' }).isVisible()).toBe(true);

    const field = page.getByLabel('Username');
    await field.fill('ab');
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('Username must be at least 3 characters');
    await field.fill('admin');
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('This username is reserved');
    await field.fill('Passkey.Person');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Settings' }).isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Settings' }).click();
    const devices = page.getByRole('list', { name: 'Devices' });
    await expect.poll(() => devices.textContent()).toContain('This device');
    await expect
      .poll(() => page.getByRole('list', { name: 'Sign-in methods' }).textContent())
      .toContain('Passkey');

    await page.getByRole('button', { name: 'Sign out', exact: true }).first().click();
    await expect
      .poll(() => page.getByRole('button', { name: 'Sign in with a passkey' }).isVisible())
      .toBe(true);
    const anonymous = await page.evaluate(
      async () => (await fetch('/api/auth/session')).json() as Promise<unknown>,
    );
    expect(anonymous).toEqual({ me: null, sessionExpired: false }); // signed out: not merely expired

    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Settings' }).isVisible()).toBe(true);
    const me = await page.evaluate(async () => (await fetch('/api/me')).json() as Promise<MeResponse>);
    expect(me.username).toBe('Passkey.Person');
    expect(me.methods.map((m) => m.kind)).toEqual(['passkey']);

    // A second passkey from the settings screen; then the first can go (never the last).
    await page.getByRole('button', { name: 'Settings' }).click();
    const methods = page.getByRole('list', { name: 'Sign-in methods' });
    await expect.poll(() => methods.getByRole('button', { name: 'Remove' }).isDisabled()).toBe(true);
    // The same authenticator already holds a passkey for this account and refuses a second.
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await expect
      .poll(() => page.getByRole('region', { name: 'Sign-in methods' }).getByRole('alert').textContent())
      .toBe('This device already holds a passkey for your account');
    // A security key does it.
    await addVirtualAuthenticator(context, page, 'usb');
    await laptop.remove();
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await expect.poll(() => methods.locator('li').count()).toBe(2);
    await methods.getByRole('button', { name: 'Remove' }).first().click();
    await expect.poll(() => methods.locator('li').count()).toBe(1);

    expect(problems.pageErrors).toEqual([]);
    expect(problems.consoleErrors).toEqual([]);
    await context.close();
  });

  it('shows the sign-in page once this device is signed out from another one', async () => {
    const phone = await signUp(server().url, { username: 'two.devices' });
    const laptop = await signIn(server().url, phone);
    const context = await deviceContext(browser(), server().url, laptop.cookie);
    const page = await context.newPage();
    await page.goto(server().url);
    await expect.poll(() => page.getByRole('button', { name: 'Settings' }).isVisible()).toBe(true);
    // The device is connected to the sync socket.
    await expect.poll(() => page.locator('[data-sync-status=online]').count(), LIVE).toBe(1);

    await authedFetch(server().url, phone, '/api/me/sessions/revoke-others', { method: 'POST' });
    // The sync socket closes (session_revoked) and any API call answers 401: either way the
    // device shows the sign-in page by itself.
    await expect
      .poll(() => page.getByRole('button', { name: 'Sign in with a passkey' }).isVisible(), LIVE)
      .toBe(true);
    await context.close();
  });
});
