import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateVapidKeys, VAPID_KEYS_FILE } from './vapid-keys.ts';

const dirs: string[] = [];
const folder = (): string => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'messenjo-vapid-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('VAPID keys', () => {
  it('are made on first start, readable by the owner only, and the same on every later start', () => {
    const dir = folder();
    const first = loadOrCreateVapidKeys(dir);
    expect(Buffer.from(first.publicKey, 'base64url')).toHaveLength(65);
    expect(Buffer.from(first.privateKey, 'base64url')).toHaveLength(32);
    expect(statSync(path.join(dir, VAPID_KEYS_FILE)).mode & 0o777).toBe(0o600);
    expect(loadOrCreateVapidKeys(dir)).toEqual(first);
  });

  it('refuse a damaged file with a sentence naming it, rather than silently making new keys', () => {
    const dir = folder();
    writeFileSync(path.join(dir, VAPID_KEYS_FILE), '{"publicKey":"abc"}');
    expect(() => loadOrCreateVapidKeys(dir)).toThrow(/vapid-keys\.json does not hold a P-256 key pair/);
    writeFileSync(path.join(dir, VAPID_KEYS_FILE), 'not json');
    expect(() => loadOrCreateVapidKeys(dir)).toThrow(/is not JSON/);
  });
});
