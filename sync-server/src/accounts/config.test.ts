import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config-error.ts';
import { readAccountsConfig } from './config.ts';

describe('readAccountsConfig', () => {
  it('is open with only passkeys when nothing is set', () => {
    expect(readAccountsConfig({})).toEqual({ registration: 'open' });
  });

  it('turns a provider on only with both its id and secret, with overridable endpoints', () => {
    const config = readAccountsConfig({
      REGISTRATION: 'invite-only',
      GITHUB_CLIENT_ID: 'id',
      GITHUB_CLIENT_SECRET: 'secret',
      GOOGLE_CLIENT_ID: 'gid',
      GOOGLE_CLIENT_SECRET: 'gsecret',
      GOOGLE_TOKEN_URL: 'http://127.0.0.1:9999/token',
      OIDC_ISSUER: 'https://id.example.org/realms/family',
      OIDC_CLIENT_ID: 'oid',
      OIDC_CLIENT_SECRET: 'osecret',
      OIDC_NAME: 'Family ID',
    });
    expect(config.registration).toBe('invite-only');
    expect(config.github).toMatchObject({
      baseUrl: 'https://github.com',
      apiBaseUrl: 'https://api.github.com',
    });
    expect(config.google?.tokenUrl).toBe('http://127.0.0.1:9999/token');
    expect(config.oidc?.issuer.href).toBe('https://id.example.org/realms/family');
    expect(config.oidc?.name).toBe('Family ID');
  });

  it('names the variable at fault', () => {
    const fails = (env: NodeJS.ProcessEnv) => {
      try {
        readAccountsConfig(env);
      } catch (error) {
        return error instanceof ConfigError ? error.variable : 'not a ConfigError';
      }
      return 'no error';
    };
    expect(fails({ REGISTRATION: 'closed' })).toBe('REGISTRATION');
    expect(fails({ GITHUB_CLIENT_ID: 'id' })).toBe('GITHUB_CLIENT_SECRET');
    expect(fails({ GOOGLE_CLIENT_SECRET: 's' })).toBe('GOOGLE_CLIENT_ID');
    expect(fails({ OIDC_CLIENT_ID: 'id', OIDC_CLIENT_SECRET: 's' })).toBe('OIDC_ISSUER');
    expect(fails({ OIDC_CLIENT_ID: 'id', OIDC_CLIENT_SECRET: 's', OIDC_ISSUER: 'ftp://x' })).toBe(
      'OIDC_ISSUER',
    );
    expect(fails({ GITHUB_CLIENT_ID: 'i', GITHUB_CLIENT_SECRET: 's', GITHUB_BASE_URL: 'nope' })).toBe(
      'GITHUB_BASE_URL',
    );
  });
});
