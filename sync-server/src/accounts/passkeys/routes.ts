import {
  passkeyRegisterOptionsRequestSchema,
  passkeyVerifyRequestSchema,
  type PasskeyOptionsResponse,
} from '@messenjo/shared';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  type VerifiedAuthenticationResponse,
  type VerifiedRegistrationResponse,
} from '@simplewebauthn/server';
import { randomBytes } from 'node:crypto';
import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from '@oslojs/encoding';
import { Hono, type Context } from 'hono';
import { AppError } from '../../http/app-error.ts';
import type { AppEnv } from '../../http/env.ts';
import { readJson } from '../../http/validate.ts';
import type { Accounts } from '../accounts.ts';
import type { MeView } from '../profile/me-view.ts';
import { refuse } from '../refusals.ts';
import { requireUser } from '../session/context.ts';
import { startSession } from '../session/sign-in.ts';
import { relyingParty } from './relying-party.ts';

/** What the server remembers between the options and the browser's answer. */
interface RegisterFlow {
  challenge: string;
  /** base64url WebAuthn user handle. */
  webauthnUser: string;
  /** Set when a signed-in user adds a passkey; absent for sign-up. */
  userId?: string;
  username?: string;
  inviteCode?: string;
}
interface LoginFlow {
  challenge: string;
}

const failed = (why: string): AppError =>
  new AppError(400, 'verification_failed', `Passkey not accepted: ${why}`);

/** Passkey sign-up, sign-in and adding a passkey to the signed-in account (WebAuthn, @simplewebauthn/server). */
export function passkeyRoutes(deps: {
  accounts: Accounts;
  publicUrl: () => URL;
  meView: MeView;
}): Hono<AppEnv> {
  const { accounts } = deps;
  const routes = new Hono<AppEnv>();

  async function registrationOptions(
    c: Context<AppEnv>,
    flow: Omit<RegisterFlow, 'challenge' | 'webauthnUser'>,
    label: { userName: string; displayName: string },
    webauthnUserHandle: string,
  ): Promise<Response> {
    const rp = relyingParty(deps.publicUrl());
    const existing = flow.userId ? await accounts.passkeys.listForUser(flow.userId) : [];
    const options = await generateRegistrationOptions({
      rpName: rp.rpName,
      rpID: rp.rpID,
      userName: label.userName,
      userDisplayName: label.displayName,
      userID: new Uint8Array(decodeBase64urlIgnorePadding(webauthnUserHandle)),
      attestationType: 'none',
      excludeCredentials: existing.map((p) => ({ id: p.id, transports: p.transports })),
      // A discoverable credential lets sign-in start without typing a username.
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
    });
    const flowId = await accounts.flows.put<RegisterFlow>('passkey.register', {
      ...flow,
      challenge: options.challenge,
      webauthnUser: webauthnUserHandle,
    });
    return c.json<PasskeyOptionsResponse<PublicKeyCredentialCreationOptionsJSON>>({ flowId, options });
  }

  async function verifyRegistration(flow: RegisterFlow, response: unknown) {
    const rp = relyingParty(deps.publicUrl());
    let result: VerifiedRegistrationResponse;
    try {
      result = await verifyRegistrationResponse({
        response: response as RegistrationResponseJSON,
        expectedChallenge: flow.challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.rpID,
        requireUserVerification: false,
      });
    } catch (error) {
      // Only the library's own complaints about the response are caught here.
      throw failed(error instanceof Error ? error.message : 'invalid response');
    }
    if (!result.verified) throw failed('the authenticator response did not verify');
    return result.registrationInfo.credential;
  }

  // Sign-up: the account is created only once the passkey verified.
  routes.post('/register/options', async (c) => {
    const body = await readJson(c, passkeyRegisterOptionsRequestSchema);
    await accounts.registration.check(body.inviteCode);
    if (body.username && (await accounts.users.isTaken(body.username)))
      throw refuse.usernameTaken(body.username);
    const handle = encodeBase64urlNoPadding(randomBytes(16));
    const name = body.username ?? `messenjo-${handle.slice(0, 6)}`;
    return registrationOptions(
      c,
      {
        ...(body.username ? { username: body.username } : {}),
        ...(body.inviteCode ? { inviteCode: body.inviteCode } : {}),
      },
      { userName: name, displayName: name },
      handle,
    );
  });

  routes.post('/register/verify', async (c) => {
    const body = await readJson(c, passkeyVerifyRequestSchema);
    const flow = await accounts.flows.take<RegisterFlow>('passkey.register', body.flowId);
    if (!flow || flow.userId) throw failed('this sign-up expired or was already used; start again');
    const credential = await verifyRegistration(flow, body.response);
    const now = accounts.now();
    const user = await accounts.createAccount(
      {
        displayName: flow.username ?? '',
        username: flow.username ?? null,
        ...(flow.inviteCode ? { inviteCode: flow.inviteCode } : {}),
      },
      (created, tx) =>
        accounts.passkeys.add(
          {
            id: credential.id,
            userId: created.id,
            webauthnUser: flow.webauthnUser,
            publicKey: credential.publicKey,
            counter: credential.counter,
            transports: credential.transports ?? [],
            name: body.name ?? '',
            createdAt: now,
          },
          tx,
        ),
    );
    await startSession(c, accounts.sessions, deps.publicUrl(), user.id);
    return c.json(await deps.meView(user), 201);
  });

  // Sign-in with a discoverable credential: the authenticator says whose it is.
  routes.post('/login/options', async (c) => {
    const rp = relyingParty(deps.publicUrl());
    const options = await generateAuthenticationOptions({ rpID: rp.rpID, userVerification: 'preferred' });
    const flowId = await accounts.flows.put<LoginFlow>('passkey.login', { challenge: options.challenge });
    return c.json<PasskeyOptionsResponse<PublicKeyCredentialRequestOptionsJSON>>({ flowId, options });
  });

  routes.post('/login/verify', async (c) => {
    const body = await readJson(c, passkeyVerifyRequestSchema);
    const flow = await accounts.flows.take<LoginFlow>('passkey.login', body.flowId);
    if (!flow) throw failed('this sign-in expired or was already used; start again');
    const response = body.response as unknown as AuthenticationResponseJSON;
    const stored = await accounts.passkeys.get(response.id);
    const user = stored ? await accounts.users.get(stored.userId) : null;
    if (!stored || !user) throw failed('this passkey is not registered here');
    if (response.response.userHandle !== undefined && response.response.userHandle !== stored.webauthnUser) {
      throw failed('the passkey belongs to another account');
    }
    const rp = relyingParty(deps.publicUrl());
    let result: VerifiedAuthenticationResponse;
    try {
      result = await verifyAuthenticationResponse({
        response,
        expectedChallenge: flow.challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.rpID,
        requireUserVerification: false,
        credential: {
          id: stored.id,
          publicKey: stored.publicKey,
          counter: stored.counter,
          transports: stored.transports,
        },
      });
    } catch (error) {
      throw failed(error instanceof Error ? error.message : 'invalid response');
    }
    if (!result.verified) throw failed('the signature did not verify');
    await accounts.passkeys.recordUse(stored.id, result.authenticationInfo.newCounter, accounts.now());
    await startSession(c, accounts.sessions, deps.publicUrl(), user.id);
    return c.json(await deps.meView(user));
  });

  // Another passkey for the signed-in account (a second device, a security key).
  routes.post('/add/options', async (c) => {
    const { user } = requireUser(c);
    const handle =
      (await accounts.passkeys.listForUser(user.id))[0]?.webauthnUser ??
      encodeBase64urlNoPadding(randomBytes(16));
    const name = user.username ?? user.id;
    return registrationOptions(
      c,
      { userId: user.id },
      { userName: name, displayName: user.displayName || name },
      handle,
    );
  });

  routes.post('/add/verify', async (c) => {
    const { user } = requireUser(c);
    const body = await readJson(c, passkeyVerifyRequestSchema);
    const flow = await accounts.flows.take<RegisterFlow>('passkey.register', body.flowId);
    if (!flow || flow.userId !== user.id)
      throw failed('this request expired or was already used; start again');
    const credential = await verifyRegistration(flow, body.response);
    if (await accounts.passkeys.get(credential.id))
      throw new AppError(409, 'already_linked', 'This passkey is already registered');
    await accounts.passkeys.add({
      id: credential.id,
      userId: user.id,
      webauthnUser: flow.webauthnUser,
      publicKey: credential.publicKey,
      counter: credential.counter,
      transports: credential.transports ?? [],
      name: body.name ?? '',
      createdAt: accounts.now(),
    });
    return c.json(await deps.meView(user), 201);
  });

  return routes;
}
