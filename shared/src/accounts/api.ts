import { z } from 'zod';
import { displayNameSchema, usernameSchema } from './usernames.ts';

/** Sign-in methods other than passkeys; each is on only when its environment variables are set. */
export type OAuthProviderId = 'github' | 'google' | 'oidc';

/** `GET /api/auth/providers`: what the sign-in page shows. */
export interface ProvidersResponse {
  passkey: true;
  providers: { id: OAuthProviderId; name: string }[];
  registration: 'open' | 'invite-only';
}

export interface PictureUrls {
  /** 256×256 WebP. */
  large: string;
  /** 64×64 WebP. */
  small: string;
}

export interface LinkedMethod {
  kind: 'passkey' | OAuthProviderId;
  /** Credential id for passkeys, provider id otherwise: what DELETE takes. */
  id: string;
  /** "Passkey", "GitHub (octocat)", … */
  label: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** `GET /api/me`: the signed-in user. `username` is null until chosen at first sign-in. */
export interface MeResponse {
  id: string;
  username: string | null;
  displayName: string;
  picture: PictureUrls | null;
  isAdmin: boolean;
  createdAt: number;
  methods: LinkedMethod[];
  /** A provider's suggestion for the username screen, when the username is still unset. */
  suggestedUsername: string | null;
}

/** `GET /api/auth/session`: the signed-in user, or null (always 200, unlike `/api/me`). */
export interface SessionStateResponse {
  me: MeResponse | null;
  /**
   * SE1: true when `me` is null because this device's session ran out of time (not revoked):
   * the device keeps its data and asks the person to sign in again.
   */
  sessionExpired?: boolean;
}

/** One device in `GET /api/me/sessions`. The id is the hash of the token, never the token. */
export interface SessionInfo {
  id: string;
  deviceName: string;
  createdAt: number;
  lastActiveAt: number;
  current: boolean;
}

export interface SessionsResponse {
  sessions: SessionInfo[];
}

/** `PATCH /api/me`: any subset of the profile fields. */
export const updateProfileRequestSchema = z.strictObject({
  username: usernameSchema.optional(),
  displayName: displayNameSchema.optional(),
});
export type UpdateProfileRequest = z.input<typeof updateProfileRequestSchema>;

/** Starts a passkey sign-up; an invite code is needed only on invite-only servers. */
export const passkeyRegisterOptionsRequestSchema = z.strictObject({
  username: usernameSchema.optional(),
  inviteCode: z.string().max(128).optional(),
});
export type PasskeyRegisterOptionsRequest = z.input<typeof passkeyRegisterOptionsRequestSchema>;

/** The browser's WebAuthn answer, checked in depth by @simplewebauthn/server. */
const webauthnResponseSchema = z.looseObject({
  id: z.string().min(1).max(1024),
  rawId: z.string().min(1).max(1024),
  type: z.literal('public-key'),
  response: z.looseObject({ clientDataJSON: z.string().max(8192) }),
  clientExtensionResults: z.looseObject({}),
});

export const passkeyVerifyRequestSchema = z.strictObject({
  flowId: z.string().min(1).max(128),
  response: webauthnResponseSchema,
  /** A name for the passkey in the methods list ("Laptop"); optional. */
  name: z.string().trim().max(64).optional(),
});
export type PasskeyVerifyRequest = z.input<typeof passkeyVerifyRequestSchema>;

/** Options for `navigator.credentials` plus the id of the server-side challenge. */
export interface PasskeyOptionsResponse<T> {
  flowId: string;
  options: T;
}

export interface InviteInfo {
  code: string;
  url: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}
