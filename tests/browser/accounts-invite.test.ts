import { describe, expect, it } from 'vitest';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { addVirtualAuthenticator } from '../harness/virtual-authenticator.ts';
import { LIVE } from '../harness/patience.ts';

describe('an invite-only server in Chromium', () => {
  const server = useServer('browser-accounts-invite', { env: { REGISTRATION: 'invite-only' } });
  const browser = useBrowser();

  it('lets the first person in as admin, who invites the next one; nobody else gets in', async () => {
    const adminContext = await browser().newContext();
    adminContext.setDefaultTimeout(LIVE.timeout);
    const admin = await adminContext.newPage();
    await addVirtualAuthenticator(adminContext, admin);
    await admin.goto(server().url);
    await admin.getByRole('button', { name: 'Create an account with a passkey' }).click();
    await admin.getByLabel('Username').fill('founder');
    await admin.getByRole('button', { name: 'Continue' }).click();
    await admin.getByRole('button', { name: 'Settings' }).click();
    await admin.getByRole('button', { name: 'Create an invite link' }).click();
    const link = await admin.getByLabel('Invite link').inputValue();
    expect(link).toMatch(/\/signin\?invite=[a-z2-7]+$/);

    const strangerContext = await browser().newContext();
    strangerContext.setDefaultTimeout(LIVE.timeout);
    const stranger = await strangerContext.newPage();
    await addVirtualAuthenticator(strangerContext, stranger);
    await stranger.goto(server().url);
    await expect.poll(() => stranger.getByText('This server is invite-only').isVisible()).toBe(true);
    await stranger.getByRole('button', { name: 'Create an account with a passkey' }).click();
    await expect
      .poll(() => stranger.getByRole('alert').textContent())
      .toBe('This server is invite-only: open an invite link to sign up');

    await stranger.goto(link);
    await stranger.getByRole('button', { name: 'Create an account with a passkey' }).click();
    await stranger.getByLabel('Username').fill('invited');
    await stranger.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => stranger.getByRole('button', { name: 'Settings' }).isVisible()).toBe(true);
    expect(new URL(stranger.url()).pathname).toBe('/');
    await adminContext.close();
    await strangerContext.close();
  });
});
