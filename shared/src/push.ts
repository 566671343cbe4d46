import { z } from 'zod';

/**
 * Web Push between the app, its service worker and the server: the subscription a device
 * hands over (checked by both sides with the same schema), what the routes answer, and the
 * payloads a push carries (the service worker reads them with `readPushPayload`).
 */

export const PUSH_LIMITS = {
  /** Push service URLs are ~150–250 characters (FCM, Mozilla, Apple, WNS); anything far longer is not one. */
  MAX_ENDPOINT_CHARS: 1024,
  /** RFC 8291: the user agent's ECDH key is an uncompressed P-256 point. */
  P256DH_BYTES: 65,
  /** RFC 8291: the authentication secret is 16 bytes. */
  AUTH_BYTES: 16,
  /** A preview in a notification: the list's preview length (the push payload stays far below 4 KB). */
  PREVIEW_CHARS: 140,
} as const;

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/** The parts of a WHATWG URL read here (shared/ is built without the DOM or Node types). */
interface ParsedUrl {
  protocol: string;
  username: string;
  password: string;
  origin: string;
  pathname: string;
}
const UrlParser = (globalThis as unknown as { URL: new (value: string) => ParsedUrl }).URL;

function parseUrl(value: string): ParsedUrl | undefined {
  try {
    return new UrlParser(value);
  } catch {
    return undefined;
  }
}

/** Bytes of a base64url text (no padding or with it), or -1 when it is not base64url. */
export function base64UrlByteLength(text: string): number {
  if (!BASE64URL.test(text)) return -1;
  const chars = text.replace(/=+$/, '').length;
  if (chars % 4 === 1) return -1;
  return Math.floor((chars * 3) / 4);
}

/** The first byte of a base64url text (the point format of a P-256 key), or -1. */
function firstByte(text: string): number {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const a = alphabet.indexOf(text[0] ?? '');
  const b = alphabet.indexOf(text[1] ?? '');
  return a < 0 || b < 0 ? -1 : (a << 2) | (b >> 4);
}

const endpointSchema = z
  .string({ error: 'The endpoint must be text' })
  .max(
    PUSH_LIMITS.MAX_ENDPOINT_CHARS,
    `The endpoint is longer than ${PUSH_LIMITS.MAX_ENDPOINT_CHARS} characters`,
  )
  .refine((value) => {
    const url = parseUrl(value);
    return url?.protocol === 'https:' && url.username === '' && url.password === '';
  }, 'The endpoint must be an https URL without credentials');

/** A `PushSubscription.toJSON()` as the browser makes it. */
export const pushSubscriptionSchema = z.strictObject({
  endpoint: endpointSchema,
  expirationTime: z.number().nullable().optional(),
  keys: z.strictObject({
    p256dh: z
      .string({ error: 'keys.p256dh must be text' })
      .refine(
        (value) => base64UrlByteLength(value) === PUSH_LIMITS.P256DH_BYTES && firstByte(value) === 4,
        'keys.p256dh must be an uncompressed P-256 public key (65 bytes, base64url)',
      ),
    auth: z
      .string({ error: 'keys.auth must be text' })
      .refine(
        (value) => base64UrlByteLength(value) === PUSH_LIMITS.AUTH_BYTES,
        'keys.auth must be a 16-byte secret (base64url)',
      ),
  }),
});
export type PushSubscriptionBody = z.output<typeof pushSubscriptionSchema>;

/** `GET /api/push/key`: the server's VAPID public key (base64url, uncompressed P-256), for `applicationServerKey`. */
export interface PushKeyResponse {
  publicKey: string;
}

/** `GET`/`PUT /api/push/subscription`: this device session's subscription, if it has one. */
export interface PushSubscriptionResponse {
  subscription: { endpoint: string; createdAt: number } | null;
}

/** `POST /api/push/test`: the push service took the test notification. */
export interface PushTestResponse {
  delivered: true;
}

/**
 * What a push carries to the app's service worker (every endpoint but Apple's): just what the
 * notification shows and where a click leads. `tag` is the conversation, so a newer message
 * replaces the older notification rather than stacking under it.
 */
export interface PushMessagePayload {
  v: 1;
  kind: 'message' | 'test';
  title: string;
  body: string;
  tag: string;
  /** Path in the app a click opens (`/c/<id>`, `/settings`). */
  url: string;
  conversationId?: string;
  /** When the message was stored (ms). */
  at: number;
}

/**
 * Declarative Web Push (WebKit; Safari 18.4+): the browser shows the notification itself from
 * this JSON, without running the service worker; `mutable` lets a service worker that is there
 * handle it as a plain push (our badge count), the declarative one remaining the fallback.
 */
export interface DeclarativePushPayload {
  web_push: 8030;
  notification: {
    title: string;
    body: string;
    /** An absolute URL: where a click goes. */
    navigate: string;
    tag: string;
    lang?: string;
    silent: false;
    data: { conversationId?: string; url: string; at: number; kind: PushMessagePayload['kind'] };
  };
  mutable: true;
}

const str = (value: unknown, max: number): string | undefined =>
  typeof value === 'string' && value.length <= max ? value : undefined;

/**
 * Reads a push's JSON in either format into what a notification needs; undefined for anything
 * else (the service worker then shows a plain "new message" notification: every push shows one).
 */
export function readPushPayload(data: unknown, origin: string): PushMessagePayload | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const record = data as Record<string, unknown>;
  if (record.web_push === 8030 && typeof record.notification === 'object' && record.notification !== null) {
    const n = record.notification as Record<string, unknown>;
    const extra = (typeof n.data === 'object' && n.data !== null ? n.data : {}) as Record<string, unknown>;
    const navigate = str(n.navigate, 2048);
    let url = str(extra.url, 512);
    if (url === undefined && navigate !== undefined) {
      const parsed = parseUrl(navigate);
      if (parsed?.origin === origin) url = parsed.pathname;
    }
    return checkPayload({
      v: 1,
      kind: extra.kind,
      title: n.title,
      body: n.body ?? '',
      tag: n.tag ?? '',
      url,
      conversationId: extra.conversationId,
      at: extra.at ?? 0,
    });
  }
  return checkPayload(record);
}

function checkPayload(record: Record<string, unknown>): PushMessagePayload | undefined {
  const title = str(record.title, 200);
  const body = str(record.body, 1000);
  const tag = str(record.tag, 200);
  const url = str(record.url, 512);
  const kind = record.kind === 'message' || record.kind === 'test' ? record.kind : undefined;
  const conversationId = str(record.conversationId, 100);
  const at = typeof record.at === 'number' && Number.isFinite(record.at) ? record.at : 0;
  // Only paths of this app: a payload never sends a click elsewhere.
  if (
    !title ||
    body === undefined ||
    tag === undefined ||
    !kind ||
    !url?.startsWith('/') ||
    url.startsWith('//')
  )
    return undefined;
  return { v: 1, kind, title, body, tag, url, ...(conversationId ? { conversationId } : {}), at };
}
