import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { signIn, signUp } from '../harness/accounts.ts';
import { deviceContext, watchPage } from '../harness/browser.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';

describe('the settings screen in Chromium', () => {
  const server = useServer('browser-accounts-settings');
  const browser = useBrowser();

  it('changes the display name with the rules shown early, uploads and removes a picture, signs out other devices, deletes the account', async () => {
    const account = await signUp(server().url, { username: 'settings.person' });
    await signUp(server().url); // someone else, untouched
    await signIn(server().url, account); // another device of the same person
    const context = await deviceContext(browser(), server().url, account.cookie);
    const page = await context.newPage();
    const problems = watchPage(page);
    await page.goto(`${server().url}/settings`);

    const profile = page.getByRole('region', { name: 'Profile' });
    await expect.poll(() => profile.getByLabel('Display name').inputValue()).toBe('settings.person');
    // Without a picture: the initial on the id's colour.
    await expect.poll(() => profile.locator('span[aria-hidden=true]').first().textContent()).toBe('S');

    await profile.getByLabel('Display name').fill('   ');
    await expect.poll(() => profile.getByRole('alert').textContent()).toBe('Display name must not be empty');
    await profile.getByLabel('Display name').fill('Zoë Settings');
    await profile.getByRole('button', { name: 'Save profile' }).click();
    await expect.poll(() => profile.getByRole('button', { name: 'Save profile' }).isDisabled()).toBe(true);
    // Picked right after saving: the upload must not be lost while the save completes.

    const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#e91' } })
      .png()
      .toBuffer();
    await profile
      .getByLabel('Profile picture')
      .setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png });
    const img = profile.locator('img[src^="/media/"]');
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(256);
    const me = await page.evaluate(
      async () => (await fetch('/api/me')).json() as Promise<{ displayName: string }>,
    );
    expect(me.displayName).toBe('Zoë Settings');

    const text = Buffer.from('not an image at all, but named like one');
    await profile
      .getByLabel('Profile picture')
      .setInputFiles({ name: 'fake.png', mimeType: 'image/png', buffer: text });
    await expect
      .poll(() => profile.getByRole('alert').textContent())
      .toBe('The file is not a JPEG, PNG, WebP, GIF or AVIF image');
    await profile.getByRole('button', { name: 'Remove picture' }).click();
    await expect.poll(() => img.count()).toBe(0);

    const devices = page.getByRole('list', { name: 'Devices' });
    await expect.poll(() => devices.locator('li').count()).toBe(2);
    await page.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await expect.poll(() => devices.locator('li').count()).toBe(1);

    // Deleting the account asks once more, then leaves the device signed out.
    await page.getByRole('button', { name: 'Delete account…' }).click();
    await page.getByRole('button', { name: 'Delete my account for good' }).click();
    await expect
      .poll(() => page.getByRole('button', { name: 'Sign in with a passkey' }).isVisible())
      .toBe(true);
    const after = await page.evaluate(
      async () => (await fetch('/api/auth/session')).json() as Promise<unknown>,
    );
    expect(after).toEqual({ me: null, sessionExpired: false }); // deleted: not merely expired

    expect(problems.pageErrors).toEqual([]);
    expect(problems.consoleErrors.filter((e) => !/status of 415/.test(e))).toEqual([]);
    await context.close();
  });
});
