import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';

/**
 * Local stand-ins for GitHub's and Google's OAuth endpoints, speaking their documented
 * protocol: the authorize redirect (approving at once as `nextUser`, or denying), the code
 * exchange (client secret, redirect_uri and — for Google — the PKCE verifier checked), and
 * the profile endpoint, and avatars (GitHub's is a PNG; Google's points at a missing file). The server under test points at it with GITHUB_BASE_URL / GITHUB_API_URL
 * and GOOGLE_*_URL (see `env`).
 */
export interface StandinUser {
  id: string;
  login: string;
  name: string;
}

export interface OAuthStandins {
  url: string;
  /** Environment for the server under test: both providers enabled and pointed here. */
  env: Record<string, string>;
  /** Who approves at the next authorize call. */
  nextUser: StandinUser;
  /** When true, the next authorize redirects back with error=access_denied (person clicked Cancel). */
  denyNext: boolean;
  /** Every authorize request's query, for asserting what we sent. */
  authorizeRequests: URLSearchParams[];
  close(): Promise<void>;
}

export const STANDIN_CLIENT = { id: 'messenjo-test-client', secret: 'messenjo-test-secret' };

interface Grant {
  provider: 'github' | 'google';
  user: StandinUser;
  redirectUri: string;
  codeChallenge: string | null;
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  return body;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export async function startOAuthStandins(): Promise<OAuthStandins> {
  const codes = new Map<string, Grant>();
  const tokens = new Map<string, StandinUser>();
  const state: Pick<OAuthStandins, 'nextUser' | 'denyNext' | 'authorizeRequests'> = {
    nextUser: { id: '583231', login: 'octocat', name: 'The Octocat' },
    denyNext: false,
    authorizeRequests: [],
  };

  const clientOk = (req: IncomingMessage, form: URLSearchParams): boolean => {
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [id, secret] = basic
      ? Buffer.from(basic, 'base64').toString().split(':').map(decodeURIComponent)
      : [form.get('client_id'), form.get('client_secret')];
    return id === STANDIN_CLIENT.id && secret === STANDIN_CLIENT.secret;
  };

  const authorize = (provider: Grant['provider'], url: URL, res: ServerResponse): void => {
    state.authorizeRequests.push(url.searchParams);
    const redirectUri = url.searchParams.get('redirect_uri')!;
    const back = new URL(redirectUri);
    back.searchParams.set('state', url.searchParams.get('state') ?? '');
    if (url.searchParams.get('client_id') !== STANDIN_CLIENT.id) {
      back.searchParams.set('error', 'unauthorized_client');
    } else if (state.denyNext) {
      state.denyNext = false;
      back.searchParams.set('error', 'access_denied');
    } else {
      const code = randomBytes(12).toString('hex');
      codes.set(code, {
        provider,
        user: state.nextUser,
        redirectUri,
        codeChallenge: provider === 'google' ? url.searchParams.get('code_challenge') : null,
      });
      back.searchParams.set('code', code);
    }
    res.writeHead(302, { location: back.toString() }).end();
  };

  const exchange = async (provider: Grant['provider'], req: IncomingMessage, res: ServerResponse) => {
    const form = new URLSearchParams(await readBody(req));
    const grant = codes.get(form.get('code') ?? '');
    codes.delete(form.get('code') ?? '');
    if (!clientOk(req, form)) return json(res, 401, { error: 'invalid_client' });
    if (!grant || grant.provider !== provider || grant.redirectUri !== form.get('redirect_uri')) {
      // GitHub answers 200 with an error body; Google a 400.
      return json(res, provider === 'github' ? 200 : 400, { error: 'invalid_grant' });
    }
    if (provider === 'google') {
      const verifier = form.get('code_verifier') ?? '';
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      if (!grant.codeChallenge || challenge !== grant.codeChallenge)
        return json(res, 400, { error: 'invalid_grant' });
    }
    const token = randomBytes(16).toString('hex');
    tokens.set(token, grant.user);
    return json(res, 200, { access_token: token, token_type: 'bearer', scope: '', expires_in: 3600 });
  };

  const bearer = (req: IncomingMessage): StandinUser | undefined =>
    tokens.get(/^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '');

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://standin');
    const route = `${req.method} ${url.pathname}`;
    const handle = async (): Promise<void> => {
      if (req.method === 'GET' && /^\/avatars\/\d+\.png$/.test(url.pathname)) {
        const png = await sharp({ create: { width: 120, height: 90, channels: 3, background: '#48c' } })
          .png()
          .toBuffer();
        res.writeHead(200, { 'content-type': 'image/png' }).end(png);
        return;
      }
      switch (route) {
        case 'GET /github/login/oauth/authorize':
          return authorize('github', url, res);
        case 'POST /github/login/oauth/access_token':
          return exchange('github', req, res);
        case 'GET /github-api/user': {
          const user = bearer(req);
          if (!user) return json(res, 401, { message: 'Bad credentials' });
          const avatar = `${standins.url}/avatars/${user.id}.png`;
          return json(res, 200, {
            id: Number(user.id),
            login: user.login,
            name: user.name,
            avatar_url: avatar,
          });
        }
        case 'GET /google/auth':
          return authorize('google', url, res);
        case 'POST /google/token':
          return exchange('google', req, res);
        case 'GET /google/userinfo': {
          const user = bearer(req);
          if (!user) return json(res, 401, { error: 'invalid_token' });
          return json(res, 200, {
            sub: user.id,
            name: user.name,
            given_name: user.name.split(' ')[0],
            picture: `${standins.url}/avatars/missing-${user.id}.txt`,
          });
        }
        default:
          return json(res, 404, { error: 'not_found' });
      }
    };
    handle().catch((error: unknown) => json(res, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const standins: OAuthStandins = {
    url,
    env: {
      GITHUB_CLIENT_ID: STANDIN_CLIENT.id,
      GITHUB_CLIENT_SECRET: STANDIN_CLIENT.secret,
      GITHUB_BASE_URL: `${url}/github`,
      GITHUB_API_URL: `${url}/github-api`,
      GOOGLE_CLIENT_ID: STANDIN_CLIENT.id,
      GOOGLE_CLIENT_SECRET: STANDIN_CLIENT.secret,
      GOOGLE_AUTHORIZE_URL: `${url}/google/auth`,
      GOOGLE_TOKEN_URL: `${url}/google/token`,
      GOOGLE_USERINFO_URL: `${url}/google/userinfo`,
    },
    get nextUser() {
      return state.nextUser;
    },
    set nextUser(user) {
      state.nextUser = user;
    },
    get denyNext() {
      return state.denyNext;
    },
    set denyNext(value) {
      state.denyNext = value;
    },
    authorizeRequests: state.authorizeRequests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return standins;
}
