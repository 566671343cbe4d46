import { ConfigError } from '../config/config-error.ts';

export type RegistrationPolicy = 'open' | 'invite-only';

export interface OAuthClientConfig {
  clientId: string;
  clientSecret: string;
}

/** Sign-in configuration from the environment; a provider is on only when all its variables are set. */
export interface AccountsConfig {
  registration: RegistrationPolicy;
  github?: OAuthClientConfig & {
    /** github.com; a test points it at a local stand-in. */
    baseUrl: string;
    /** api.github.com. */
    apiBaseUrl: string;
  };
  google?: OAuthClientConfig & { authorizeUrl: string; tokenUrl: string; userinfoUrl: string };
  oidc?: OAuthClientConfig & { issuer: URL; name: string };
}

export const DEFAULT_ACCOUNTS_CONFIG: AccountsConfig = { registration: 'open' };

function pair(env: NodeJS.ProcessEnv, prefix: string): OAuthClientConfig | undefined {
  const clientId = env[`${prefix}_CLIENT_ID`]?.trim();
  const clientSecret = env[`${prefix}_CLIENT_SECRET`]?.trim();
  if (!clientId && !clientSecret) return undefined;
  if (!clientId)
    throw new ConfigError(`${prefix}_CLIENT_ID`, `is required when ${prefix}_CLIENT_SECRET is set`);
  if (!clientSecret)
    throw new ConfigError(`${prefix}_CLIENT_SECRET`, `is required when ${prefix}_CLIENT_ID is set`);
  return { clientId, clientSecret };
}

function url(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name]?.trim() || fallback;
  try {
    const parsed = new URL(raw);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('scheme');
    return raw.replace(/\/+$/, '');
  } catch {
    throw new ConfigError(name, `"${raw}" is not an http(s) URL`);
  }
}

export function readAccountsConfig(env: NodeJS.ProcessEnv): AccountsConfig {
  const rawPolicy = (env.REGISTRATION?.trim() || 'open').toLowerCase();
  if (rawPolicy !== 'open' && rawPolicy !== 'invite-only') {
    throw new ConfigError('REGISTRATION', `"${rawPolicy}" is not one of open, invite-only`);
  }
  const config: AccountsConfig = { registration: rawPolicy };
  const github = pair(env, 'GITHUB');
  if (github) {
    config.github = {
      ...github,
      baseUrl: url(env, 'GITHUB_BASE_URL', 'https://github.com'),
      apiBaseUrl: url(env, 'GITHUB_API_URL', 'https://api.github.com'),
    };
  }
  const google = pair(env, 'GOOGLE');
  if (google) {
    config.google = {
      ...google,
      authorizeUrl: url(env, 'GOOGLE_AUTHORIZE_URL', 'https://accounts.google.com/o/oauth2/v2/auth'),
      tokenUrl: url(env, 'GOOGLE_TOKEN_URL', 'https://oauth2.googleapis.com/token'),
      userinfoUrl: url(env, 'GOOGLE_USERINFO_URL', 'https://openidconnect.googleapis.com/v1/userinfo'),
    };
  }
  const oidc = pair(env, 'OIDC');
  if (oidc) {
    const issuer = env.OIDC_ISSUER?.trim();
    if (!issuer) throw new ConfigError('OIDC_ISSUER', 'is required when OIDC_CLIENT_ID is set');
    url(env, 'OIDC_ISSUER', issuer);
    config.oidc = {
      ...oidc,
      // Used exactly as given: some issuers end with "/" (Authentik), some do not (Keycloak).
      issuer: new URL(issuer),
      name: env.OIDC_NAME?.trim() || 'OpenID Connect',
    };
  }
  return config;
}
