import { suggestUsername } from '@messenjo/shared';
import { OAuth2Client } from 'arctic';
import type { AccountsConfig } from '../../config.ts';
import { OAuthFlowError, type OAuthProvider } from '../provider.ts';

type GitHubConfig = NonNullable<AccountsConfig['github']>;

/**
 * GitHub OAuth (no PKCE at GitHub's side for OAuth apps, so state is the check). No scope: the
 * public profile (id, login, name, avatar) needs none, the narrowest grant there is.
 */
export function githubProvider(config: GitHubConfig): OAuthProvider {
  return {
    id: 'github',
    authorizationUrl: (checks) => {
      const client = new OAuth2Client(config.clientId, config.clientSecret, checks.redirectUri);
      return Promise.resolve(
        client.createAuthorizationURL(`${config.baseUrl}/login/oauth/authorize`, checks.state, []),
      );
    },
    async finish(callbackUrl, checks) {
      const code = callbackUrl.searchParams.get('code');
      if (!code) throw new OAuthFlowError('GitHub sent no authorization code');
      const client = new OAuth2Client(config.clientId, config.clientSecret, checks.redirectUri);
      const tokens = await client.validateAuthorizationCode(
        `${config.baseUrl}/login/oauth/access_token`,
        code,
        null,
      );
      const response = await fetch(`${config.apiBaseUrl}/user`, {
        headers: {
          authorization: `Bearer ${tokens.accessToken()}`,
          accept: 'application/vnd.github+json',
          'user-agent': 'Messenjo',
        },
      });
      if (!response.ok)
        throw new OAuthFlowError(`GitHub did not return the profile (HTTP ${response.status})`);
      const user = (await response.json()) as {
        id?: number;
        login?: string;
        name?: string | null;
        avatar_url?: string | null;
      };
      if (typeof user.id !== 'number' || typeof user.login !== 'string') {
        throw new OAuthFlowError('GitHub returned an unexpected profile');
      }
      return {
        subject: String(user.id),
        label: user.login,
        displayName: (user.name ?? user.login).trim().slice(0, 64) || user.login,
        suggestedUsername: suggestUsername(user.login),
        pictureUrl: typeof user.avatar_url === 'string' && user.avatar_url ? user.avatar_url : null,
      };
    },
  };
}
