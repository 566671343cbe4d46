import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import webpush from 'web-push';
import { base64UrlByteLength } from '@messenjo/shared';

/** The server's VAPID key pair (RFC 8292), base64url: the raw P-256 public point and private scalar. */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

export const VAPID_KEYS_FILE = 'vapid-keys.json';

/**
 * The keys in `DATA_DIR/vapid-keys.json`, made on first start. Every subscription is bound to
 * the public key, so the file must outlive restarts and upgrades (it lives in the data folder,
 * beside the database); it is written only by its owner (mode 600) and never logged.
 * Created with `wx`: two processes starting on one data folder keep the first one's keys.
 */
export function loadOrCreateVapidKeys(dataDir: string): VapidKeys {
  const file = path.join(dataDir, VAPID_KEYS_FILE);
  const existing = readKeys(file);
  if (existing) return existing;
  const made = webpush.generateVAPIDKeys();
  try {
    writeFileSync(file, `${JSON.stringify({ publicKey: made.publicKey, privateKey: made.privateKey })}\n`, {
      flag: 'wx',
      mode: 0o600,
    });
    chmodSync(file, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const stored = readKeys(file);
  if (!stored) throw new Error(`${file} holds no VAPID key pair`);
  return stored;
}

function readKeys(file: string): VapidKeys | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(
      `${file} is not JSON: restore it from a backup or delete it (devices must then turn notifications on again)`,
    );
  }
  const { publicKey, privateKey } = (parsed ?? {}) as Record<string, unknown>;
  if (
    typeof publicKey !== 'string' ||
    typeof privateKey !== 'string' ||
    base64UrlByteLength(publicKey) !== 65 ||
    base64UrlByteLength(privateKey) !== 32
  ) {
    throw new Error(`${file} does not hold a P-256 key pair (publicKey, privateKey in base64url)`);
  }
  return { publicKey, privateKey };
}
