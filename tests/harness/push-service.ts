import {
  createDecipheriv,
  createECDH,
  createPublicKey,
  hkdfSync,
  randomBytes,
  verify,
  type ECDH,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { TESTS_DIR } from './paths.ts';

/**
 * A local stand-in for a browser's push service (FCM, Mozilla's, Apple's), speaking what the
 * server must get right: RFC 8030 (a POST per message, TTL, Urgency, Topic; 201, or 404/410 for a
 * subscription it no longer knows), RFC 8291 (the payload encrypted aes128gcm to the
 * subscription's keys: decrypted here with the user agent's private key) and RFC 8292 (a VAPID
 * JWT signed ES256 by the key in `k`, `aud` the push service's origin, `exp` within 24 h). Over
 * https with a certificate made for the tests (`fixtures/push-service/`): the server refuses
 * non-https endpoints, so it is started with NODE_EXTRA_CA_CERTS naming that certificate.
 */
export const PUSH_SERVICE_CERT = path.join(TESTS_DIR, 'fixtures', 'push-service', 'cert.pem');
const PUSH_SERVICE_KEY = path.join(TESTS_DIR, 'fixtures', 'push-service', 'key.pem');

/** The environment a server needs to send to this stand-in. */
export const PUSH_STANDIN_ENV = { PUSH_SERVICE_HOSTS: 'localhost', NODE_EXTRA_CA_CERTS: PUSH_SERVICE_CERT };

/** What a device hands to the server (`PushSubscription.toJSON()`). */
export interface SubscriptionJson {
  endpoint: string;
  expirationTime: null;
  keys: { p256dh: string; auth: string };
}

export interface ReceivedPush {
  subscription: string;
  headers: Record<string, string | string[] | undefined>;
  /** The decrypted payload (text), or undefined when decryption failed (then `problems` says why). */
  payload: string | undefined;
  /** The VAPID JWT's claims, once its signature verified. */
  claims: { aud?: string; exp?: number; sub?: string } | undefined;
  /** The VAPID public key from `k` (base64url). */
  vapidKey: string | undefined;
  /** Everything the stand-in found wrong with the request; empty for a well-formed push. */
  problems: string[];
}

interface Device {
  ecdh: ECDH;
  auth: Buffer;
  /** The status this subscription answers (201; 410 once "unsubscribed"). */
  status: number;
}

export interface PushServiceStandin {
  origin: string;
  /** A new subscription (as a browser would make it): a fresh key pair and secret. */
  subscribe(): SubscriptionJson;
  /** From now on the push service answers 410 Gone for this subscription (the user revoked it). */
  forget(endpoint: string): void;
  received: ReceivedPush[];
  /** Waits for the next push to this endpoint and takes it from `received`. */
  next(endpoint: string, timeoutMs?: number): Promise<ReceivedPush>;
  /** Called with every push as it arrives (a browser test forwards it to the service worker). */
  onPush?: (push: ReceivedPush) => void;
  close(): Promise<void>;
}

export async function startPushService(): Promise<PushServiceStandin> {
  const devices = new Map<string, Device>();
  const received: ReceivedPush[] = [];
  const waiters: (() => void)[] = [];
  let origin = '';
  const standin: PushServiceStandin = {
    origin: '',
    received,
    subscribe() {
      const id = randomBytes(12).toString('base64url');
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16);
      devices.set(id, { ecdh, auth, status: 201 });
      return {
        endpoint: `${origin}/push/${id}`,
        expirationTime: null,
        keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
      };
    },
    forget(endpoint) {
      const device = devices.get(endpoint.split('/').at(-1) ?? '');
      if (device) device.status = 410;
    },
    async next(endpoint, timeoutMs = 10_000) {
      const id = endpoint.split('/').at(-1) ?? '';
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = received.findIndex((r) => r.subscription === id);
        if (index >= 0) return received.splice(index, 1)[0]!;
        if (Date.now() > deadline) throw new Error(`no push to ${endpoint} within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const server: Server = createServer(
    { cert: readFileSync(PUSH_SERVICE_CERT), key: readFileSync(PUSH_SERVICE_KEY) },
    (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const id = /^\/push\/([A-Za-z0-9_-]+)$/.exec(request.url ?? '')?.[1];
        const device = id ? devices.get(id) : undefined;
        if (request.method !== 'POST' || !id || !device) {
          response.writeHead(404).end();
          return;
        }
        const push = inspect(id, device, request.headers, Buffer.concat(chunks), origin);
        if (device.status === 201) {
          received.push(push);
          standin.onPush?.(push);
          for (const wake of waiters.splice(0)) wake();
        }
        response.writeHead(device.status, {
          Location: `${origin}/message/${randomBytes(6).toString('hex')}`,
        });
        response.end();
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://localhost:${(server.address() as AddressInfo).port}`;
  standin.origin = origin;
  return standin;
}

function inspect(
  id: string,
  device: Device,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
  origin: string,
): ReceivedPush {
  const problems: string[] = [];
  if (headers['content-encoding'] !== 'aes128gcm') problems.push('Content-Encoding is not aes128gcm');
  if (!/^\d+$/.test(String(headers.ttl ?? ''))) problems.push('no TTL header (RFC 8030 §5.2)');
  const { claims, key } = checkVapid(String(headers.authorization ?? ''), origin, problems);
  let payload: string | undefined;
  try {
    payload = decrypt(body, device).toString('utf8');
  } catch (error) {
    problems.push(`payload does not decrypt: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { subscription: id, headers, payload, claims, vapidKey: key, problems };
}

/** RFC 8292: `vapid t=<JWT>, k=<public key>`, the JWT signed ES256 by that key. */
function checkVapid(
  authorization: string,
  origin: string,
  problems: string[],
): { claims: ReceivedPush['claims']; key: string | undefined } {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization);
  if (!match) {
    problems.push(`Authorization is not "vapid t=…, k=…": ${authorization}`);
    return { claims: undefined, key: undefined };
  }
  const [, token = '', key = ''] = match;
  const [header = '', body = '', signature = ''] = token.split('.');
  const raw = Buffer.from(key, 'base64url');
  const publicKey = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: raw.subarray(1, 33).toString('base64url'),
      y: raw.subarray(33, 65).toString('base64url'),
    },
    format: 'jwk',
  });
  const signed = verify(
    'sha256',
    Buffer.from(`${header}.${body}`),
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  if (!signed) problems.push('the VAPID JWT signature does not verify with k');
  const alg = (JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg?: string }).alg;
  if (alg !== 'ES256') problems.push(`JWT alg is ${alg}`);
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as NonNullable<ReceivedPush['claims']>;
  if (claims.aud !== origin)
    problems.push(`JWT aud ${claims.aud} is not the push service's origin ${origin}`);
  const now = Date.now() / 1000;
  if (typeof claims.exp !== 'number' || claims.exp < now || claims.exp > now + 24 * 3600)
    problems.push(`JWT exp ${claims.exp} is not within the next 24 hours`);
  if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub))
    problems.push(`JWT sub ${claims.sub} is not a mailto: or https: contact`);
  return { claims: signed ? claims : undefined, key };
}

/** RFC 8291 with RFC 8188's aes128gcm: one record, keys derived from ECDH and the auth secret. */
function decrypt(body: Buffer, device: Device): Buffer {
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body[20]!;
  const serverKey = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  if (idLength !== 65) throw new Error(`keyid is ${idLength} bytes, not an uncompressed P-256 key`);
  if (ciphertext.length > recordSize) throw new Error('more than one record');
  const secret = device.ecdh.computeSecret(serverKey);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), device.ecdh.getPublicKey(), serverKey]);
  const ikm = Buffer.from(hkdfSync('sha256', secret, device.auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([
    decipher.update(ciphertext.subarray(0, ciphertext.length - 16)),
    decipher.final(),
  ]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('the last record does not end with the 0x02 delimiter');
  return padded.subarray(0, end);
}
