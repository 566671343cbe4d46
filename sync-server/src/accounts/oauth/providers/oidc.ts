import { suggestUsername } from '@messenjo/shared';
import * as oidc from 'openid-client';
import type { AccountsConfig } from '../../config.ts';
import { OAuthFlowError, type OAuthProvider } from '../provider.ts';

type OidcConfig = NonNullable<AccountsConfig['oidc']>;

/**
 * Any OpenID Connect provider by discovery (Authentik, Keycloak, Authelia), with PKCE, state and
 * nonce. Discovery runs on first use and is kept; a failed discovery is retried next time.
 */
export function oidcProvider(config: OidcConfig): OAuthProvider {
  let discovered: Promise<oidc.Configuration> | undefined;
  const configuration = (): Promise<oidc.Configuration> => {
    discovered ??= oidc
      .discovery(config.issuer, config.clientId, undefined, oidc.ClientSecretBasic(config.clientSecret), {
        // Plain http only for an http issuer (a provider on the same private network, or tests).
        ...(config.issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : {}),
      })
      .catch((error: unknown) => {
        discovered = undefined;
        throw new OAuthFlowError(
          `${config.name} could not be reached (${error instanceof Error ? error.message : 'discovery failed'})`,
        );
      });
    return discovered;
  };

  return {
    id: 'oidc',
    async authorizationUrl(checks) {
      return oidc.buildAuthorizationUrl(await configuration(), {
        redirect_uri: checks.redirectUri,
        scope: 'openid profile',
        code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: 'S256',
        state: checks.state,
        nonce: checks.nonce,
      });
    },
    async finish(callbackUrl, checks) {
      const discoveredConfig = await configuration();
      const tokens = await oidc.authorizationCodeGrant(discoveredConfig, callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims();
      if (!idClaims) throw new OAuthFlowError(`${config.name} returned no ID token`);
      // Many providers put profile claims only in userinfo, not in the ID token: ask for them there
      // (fetchUserInfo checks the answer's `sub` is the ID token's).
      const claims: Record<string, unknown> & { sub: string } =
        typeof idClaims.preferred_username === 'string' && typeof idClaims.name === 'string'
          ? idClaims
          : {
              ...(await oidc.fetchUserInfo(discoveredConfig, tokens.access_token, idClaims.sub)),
              ...idClaims,
            };
      const preferred = typeof claims.preferred_username === 'string' ? claims.preferred_username : null;
      const name = typeof claims.name === 'string' ? claims.name.trim().slice(0, 64) : '';
      return {
        subject: claims.sub,
        label: preferred ?? name,
        displayName: name || preferred || '',
        suggestedUsername: suggestUsername(preferred),
        pictureUrl: typeof claims.picture === 'string' && claims.picture ? claims.picture : null,
      };
    },
  };
}
