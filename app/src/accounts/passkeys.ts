import {
  passkeyOriginAdvice,
  passkeyOriginProblem,
  type MeResponse,
  type PasskeyOptionsResponse,
  type PasskeyRegisterOptionsRequest,
} from '@messenjo/shared';
import {
  startAuthentication,
  startRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';
import { api } from '../api/client.ts';

type Creation = PasskeyOptionsResponse<PublicKeyCredentialCreationOptionsJSON>;
type Request = PasskeyOptionsResponse<PublicKeyCredentialRequestOptionsJSON>;

/** Creates an account with a new passkey on this device. */
export async function signUpWithPasskey(request: PasskeyRegisterOptionsRequest): Promise<MeResponse> {
  const { flowId, options } = await api<Creation>('/api/auth/passkey/register/options', {
    method: 'POST',
    body: request,
  });
  const response = await startRegistration({ optionsJSON: options });
  return api<MeResponse>('/api/auth/passkey/register/verify', { method: 'POST', body: { flowId, response } });
}

/** Signs in with any passkey this device (or a phone nearby) holds for this server. */
export async function signInWithPasskey(): Promise<MeResponse> {
  const { flowId, options } = await api<Request>('/api/auth/passkey/login/options', { method: 'POST' });
  const response = await startAuthentication({ optionsJSON: options });
  return api<MeResponse>('/api/auth/passkey/login/verify', { method: 'POST', body: { flowId, response } });
}

/** Adds another passkey to the signed-in account. */
export async function addPasskey(name: string): Promise<MeResponse> {
  const { flowId, options } = await api<Creation>('/api/auth/passkey/add/options', { method: 'POST' });
  const response = await startRegistration({ optionsJSON: options });
  return api<MeResponse>('/api/auth/passkey/add/verify', {
    method: 'POST',
    body: { flowId, response, ...(name ? { name } : {}) },
  });
}

/** Why passkeys cannot work at this page's address (an IP address, plain http), or null. */
export const pagePasskeyProblem = () => passkeyOriginProblem(window.location);

/** A WebAuthn refusal in words (the browser's own messages are cryptic). */
export function passkeyErrorMessage(error: unknown): string {
  // "invalid domain", or no WebAuthn at all outside a secure context: the address is the cause.
  const problem = pagePasskeyProblem();
  if (problem && error instanceof Error) return passkeyOriginAdvice(problem);
  if (error instanceof Error && error.name === 'SecurityError') {
    return 'This server is set up for another address (its PUBLIC_URL): open Messenjo at that address to use passkeys';
  }
  if (error instanceof Error && error.name === 'InvalidStateError') {
    return 'This device already holds a passkey for your account';
  }
  if (error instanceof Error && (error.name === 'NotAllowedError' || error.name === 'AbortError')) {
    return 'The passkey request was cancelled or timed out';
  }
  return error instanceof Error ? error.message : String(error);
}
