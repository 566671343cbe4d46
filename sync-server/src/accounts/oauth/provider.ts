import type { OAuthProviderId } from '@messenjo/shared';

/** What a provider tells us about the person, once the callback checked out. */
export interface ProviderProfile {
  /** The provider's stable account id (GitHub numeric id, OIDC `sub`). */
  subject: string;
  /** Shown in the linked methods list ("octocat"). */
  label: string;
  displayName: string;
  /** The provider's username, offered on the username screen when it is valid here. */
  suggestedUsername: string | null;
  /** The provider's avatar (http(s) URL), imported as the profile picture of a new account. */
  pictureUrl: string | null;
}

/** The secrets of one authorization request, kept in the short-lived state cookie. */
export interface AuthorizationChecks {
  state: string;
  codeVerifier: string;
  nonce: string;
  redirectUri: string;
}

/** One sign-in provider (GitHub, Google, an OpenID Connect issuer) behind the same two steps. */
export interface OAuthProvider {
  id: OAuthProviderId;
  /** Where to send the browser. */
  authorizationUrl(checks: AuthorizationChecks): Promise<URL>;
  /** Exchanges the callback's code (checking state, PKCE, nonce as the provider supports) for the profile. */
  finish(callbackUrl: URL, checks: AuthorizationChecks): Promise<ProviderProfile>;
}

/** A refusal to show the person on the sign-in page (cancelled, denied, bad state…). */
export class OAuthFlowError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'OAuthFlowError';
  }
}

/** The provider's own error on the callback (`?error=access_denied`), as a sentence. */
export function callbackError(url: URL, providerName: string): OAuthFlowError | null {
  const error = url.searchParams.get('error');
  if (!error) return null;
  if (error === 'access_denied') return new OAuthFlowError(`Sign-in with ${providerName} was cancelled`);
  // Only the error code, and only if it looks like one: the description is free text anyone
  // could put in a link, and it would be shown on our sign-in page.
  const code = /^[a-z_]{1,40}$/.test(error) ? ` (${error})` : '';
  return new OAuthFlowError(`${providerName} refused the sign-in${code}`);
}
