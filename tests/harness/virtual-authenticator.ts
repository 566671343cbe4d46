import type { BrowserContext, Page } from 'playwright-core';

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
    options: {
      protocol: 'ctap2',
      transport,
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    id: authenticatorId,
    remove: async () => {
      await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
    },
  };
}
