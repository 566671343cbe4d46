import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/**
 * A real OpenID provider (`oidc-provider`, its development login and consent pages) on a port
 * the OS picks. Its issuer must exist before the server under test starts (OIDC_ISSUER), while
 * the client's redirect URI is known only after: so it listens first and is configured by
 * `register(redirectUri)`.
 */
export interface OidcServer {
  issuer: string;
  env: Record<string, string>;
  register(redirectUri: string): void;
  close(): Promise<void>;
}

export const OIDC_CLIENT = { id: 'messenjo', secret: 'a-long-enough-test-client-secret-1234567890' };

/** Accounts the provider knows: the login typed on its page is the `sub`. */
export function claimsFor(sub: string): Record<string, unknown> {
  return { sub, name: `Person ${sub}`, preferred_username: sub };
}

export async function startOidcServer(name = 'Test ID'): Promise<OidcServer> {
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => {
    if (handler) handler(req, res);
    else res.writeHead(503).end('not configured yet');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    env: {
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: OIDC_CLIENT.id,
      OIDC_CLIENT_SECRET: OIDC_CLIENT.secret,
      OIDC_NAME: name,
    },
    register(redirectUri) {
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: OIDC_CLIENT.id,
            client_secret: OIDC_CLIENT.secret,
            redirect_uris: [redirectUri],
            response_types: ['code'],
            grant_types: ['authorization_code'],
            token_endpoint_auth_method: 'client_secret_basic',
          },
        ],
        findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => claimsFor(sub) }),
        claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
        cookies: { keys: ['oidc-test-cookie-key'] },
        features: { devInteractions: { enabled: true } },
        pkce: { required: () => true },
      });
      handler = provider.callback();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
