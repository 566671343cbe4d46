import type { OAuthProviderId } from '@messenjo/shared';
import { Hono, type Context } from 'hono';
import * as oidc from 'openid-client';
import type { Logger } from '../../logger.ts';
import { notFound } from '../../http/app-error.ts';
import type { AppEnv } from '../../http/env.ts';
import type { Accounts } from '../accounts.ts';
import { startSession } from '../session/sign-in.ts';
import type { Pictures } from '../media/pictures.ts';
import { completeOAuth } from './complete.ts';
import { importAvatar } from './import-avatar.ts';
import { OAuthFlowError, callbackError, type OAuthProvider } from './provider.ts';
import { githubProvider } from './providers/github.ts';
import { googleProvider } from './providers/google.ts';
import { oidcProvider } from './providers/oidc.ts';
import { takeStateCookie, writeStateCookie } from './state-cookie.ts';

export function enabledProviders(accounts: Accounts): Map<OAuthProviderId, OAuthProvider> {
  const providers = new Map<OAuthProviderId, OAuthProvider>();
  const { github, google, oidc: oidcConfig } = accounts.config;
  if (github) providers.set('github', githubProvider(github));
  if (google) providers.set('google', googleProvider(google));
  if (oidcConfig) providers.set('oidc', oidcProvider(oidcConfig));
  return providers;
}

/**
 * `GET /api/auth/:provider/start` sends the browser to the provider (state, PKCE verifier and
 * nonce in a short-lived cookie); `GET /api/auth/:provider/callback` checks them and signs in,
 * links or creates the account. Every failure lands on the sign-in page (or settings, when
 * linking) with a readable reason in `?error=`.
 */
export function oauthRoutes(deps: {
  accounts: Accounts;
  pictures: Pictures;
  publicUrl: () => URL;
  logger: Logger;
}): Hono<AppEnv> {
  const { accounts } = deps;
  const providers = enabledProviders(accounts);
  const routes = new Hono<AppEnv>();
  const providerOf = (c: Context<AppEnv>): OAuthProvider => {
    const provider = providers.get(c.req.param('provider') as OAuthProviderId);
    if (!provider) throw notFound('This sign-in method is not enabled on this server');
    return provider;
  };
  const fail = (c: Context<AppEnv>, mode: 'signin' | 'link', reason: string) =>
    c.redirect(`${mode === 'link' ? '/settings' : '/signin'}?error=${encodeURIComponent(reason)}`, 302);

  routes.get('/:provider/start', async (c) => {
    const provider = providerOf(c);
    const mode = c.req.query('mode') === 'link' ? 'link' : 'signin';
    const auth = c.get('auth');
    if (mode === 'link' && !auth) return fail(c, 'signin', 'Sign in first to link another method');
    const publicUrl = deps.publicUrl();
    const checks = {
      state: oidc.randomState(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
      nonce: oidc.randomNonce(),
      redirectUri: `${publicUrl.origin}/api/auth/${provider.id}/callback`,
    };
    let url: URL;
    try {
      url = await provider.authorizationUrl(checks);
    } catch (error) {
      deps.logger.warn('oauth start failed', { provider: provider.id, err: error });
      return fail(
        c,
        mode,
        error instanceof OAuthFlowError ? error.reason : 'The provider could not be reached',
      );
    }
    const invite = c.req.query('invite');
    writeStateCookie(c, publicUrl, {
      ...checks,
      provider: provider.id,
      mode,
      ...(invite ? { inviteCode: invite.slice(0, 128) } : {}),
      ...(mode === 'link' && auth ? { sessionId: auth.session.id } : {}),
    });
    return c.redirect(url.toString(), 302);
  });

  routes.get('/:provider/callback', async (c) => {
    const provider = providerOf(c);
    const publicUrl = deps.publicUrl();
    const pending = takeStateCookie(c, publicUrl);
    const mode = pending?.mode ?? 'signin';
    // The URL as the provider redirected to it (we may sit behind a proxy: rebuild it on PUBLIC_URL).
    const requestUrl = new URL(c.req.url);
    const callbackUrl = new URL(`${requestUrl.pathname}${requestUrl.search}`, publicUrl.origin);
    const name = accounts.providerName(provider.id);
    try {
      const refused = callbackError(callbackUrl, name);
      if (refused) throw refused;
      if (!pending || pending.provider !== provider.id) {
        throw new OAuthFlowError(`The sign-in with ${name} expired or was started elsewhere: try again`);
      }
      if (callbackUrl.searchParams.get('state') !== pending.state) {
        throw new OAuthFlowError(`The answer from ${name} did not match this sign-in: try again`);
      }
      const auth = c.get('auth');
      if (pending.mode === 'link' && auth?.session.id !== pending.sessionId) {
        throw new OAuthFlowError('Your session changed before the link finished: try again');
      }
      const profile = await provider.finish(callbackUrl, pending);
      const result = await completeOAuth(accounts, pending, profile, auth?.user);
      if (result === null) return c.redirect('/settings', 302);
      if (result.created && profile.pictureUrl) await importAvatar(deps, result.user.id, profile.pictureUrl);
      await startSession(c, accounts.sessions, publicUrl, result.user.id);
      return c.redirect('/', 302);
    } catch (error) {
      if (error instanceof OAuthFlowError) return fail(c, mode, error.reason);
      deps.logger.warn('oauth callback failed', { provider: provider.id, err: error });
      return fail(c, mode, `Sign-in with ${name} failed: the provider's answer could not be verified`);
    }
  });

  return routes;
}
