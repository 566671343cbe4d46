import { CodeChallengeMethod, OAuth2Client } from 'arctic';
import type { AccountsConfig } from '../../config.ts';
import { OAuthFlowError, type OAuthProvider } from '../provider.ts';

type GoogleConfig = NonNullable<AccountsConfig['google']>;

/** Google OAuth 2.0 with PKCE (S256); the profile comes from the OpenID userinfo endpoint. */
export function googleProvider(config: GoogleConfig): OAuthProvider {
  return {
    id: 'google',
    authorizationUrl: (checks) => {
      const client = new OAuth2Client(config.clientId, config.clientSecret, checks.redirectUri);
      return Promise.resolve(
        client.createAuthorizationURLWithPKCE(
          config.authorizeUrl,
          checks.state,
          CodeChallengeMethod.S256,
          checks.codeVerifier,
          ['openid', 'profile'],
        ),
      );
    },
    async finish(callbackUrl, checks) {
      const code = callbackUrl.searchParams.get('code');
      if (!code) throw new OAuthFlowError('Google sent no authorization code');
      const client = new OAuth2Client(config.clientId, config.clientSecret, checks.redirectUri);
      const tokens = await client.validateAuthorizationCode(config.tokenUrl, code, checks.codeVerifier);
      const response = await fetch(config.userinfoUrl, {
        headers: { authorization: `Bearer ${tokens.accessToken()}` },
      });
      if (!response.ok)
        throw new OAuthFlowError(`Google did not return the profile (HTTP ${response.status})`);
      const info = (await response.json()) as {
        sub?: string;
        name?: string;
        given_name?: string;
        picture?: string;
      };
      if (typeof info.sub !== 'string' || info.sub === '')
        throw new OAuthFlowError('Google returned an unexpected profile');
      const name = (info.name ?? info.given_name ?? '').trim().slice(0, 64);
      return {
        subject: info.sub,
        label: name,
        displayName: name,
        suggestedUsername: null,
        pictureUrl: typeof info.picture === 'string' && info.picture ? info.picture : null,
      };
    },
  };
}
