import type { BrowserContext, Page } from 'playwright-core';
import type { SoftAuthenticator } from './webauthn.ts';

const authenticatorOptions = (transport: 'internal' | 'usb') => ({
  protocol: 'ctap2' as const,
  transport,
  hasResidentKey: true,
  hasUserVerification: true,
  isUserVerified: true,
  automaticPresenceSimulation: true,
});

/**
 * Gives a page Chromium's virtual authenticator (DevTools protocol `WebAuthn` domain): a
 * platform authenticator with resident keys and user verification that approves at once, so
 * real `navigator.credentials` ceremonies run without a person touching a sensor.
 */
export async function addVirtualAuthenticator(
  context: BrowserContext,
  page: Page,
  transport: 'internal' | 'usb' = 'internal',
): Promise<{ id: string; remove: () => Promise<void> }> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: authenticatorOptions(transport),
  });
  return {
    id: authenticatorId,
    remove: async () => {
      await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
    },
  };
}

/**
 * Puts the passkeys of an account made through the API (`signUp`'s software authenticator) into
 * a page's virtual authenticator, so the person signs in on that page by clicking, as on her
 * own device. Signing in there moves the credential's counter on in the browser only: sign in
 * with the software authenticator before, not after (the server refuses a counter that went back).
 */
export async function addPasskeysOf(
  context: BrowserContext,
  page: Page,
  authenticator: SoftAuthenticator,
): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: authenticatorOptions('internal'),
  });
  for (const credential of authenticator.credentials)
    await cdp.send('WebAuthn.addCredential', {
      authenticatorId,
      credential: {
        credentialId: Buffer.from(credential.id, 'base64url').toString('base64'),
        isResidentCredential: true,
        rpId: credential.rpId,
        privateKey: credential.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
        userHandle: Buffer.from(credential.userHandle, 'base64url').toString('base64'),
        signCount: credential.signCount,
      },
    });
}
