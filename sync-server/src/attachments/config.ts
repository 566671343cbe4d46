import { ATTACHMENT_LIMITS, encryptedSize } from '@messenjo/shared';
import { ConfigError } from '../config/config-error.ts';

/** Attachment limits the operator sets (docs/attachments.md, "Limits"; all optional). */
export interface AttachmentsConfig {
  /** A file's plaintext cap (ATTACHMENT_MAX_BYTES, default 100 MB); its ciphertext may be a little larger. */
  maxFileBytes: number;
  /** The blob bytes one user may keep stored, uploads in progress included (ATTACHMENT_QUOTA_BYTES). */
  quotaBytes: number;
  /** How long an unreferenced blob is kept before its bytes are freed (ATTACHMENT_GRACE_MS, default 1 day). */
  graceMs: number;
}

export const DEFAULT_ATTACHMENTS_CONFIG: AttachmentsConfig = {
  maxFileBytes: ATTACHMENT_LIMITS.DEFAULT_MAX_FILE_BYTES,
  quotaBytes: ATTACHMENT_LIMITS.DEFAULT_USER_QUOTA_BYTES,
  graceMs: 24 * 60 * 60 * 1000,
};

/** The largest upload: the ciphertext of the largest file (each 1 MiB chunk gains a 16-byte tag). */
export function maxUploadBytes(config: AttachmentsConfig): number {
  return encryptedSize(config.maxFileBytes, ATTACHMENT_LIMITS.CHUNK_BYTES);
}

function readPositive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) <= 0 || !Number.isSafeInteger(Number(raw)))
    throw new ConfigError(name, `"${raw}" is not a positive whole number`);
  return Number(raw);
}

export function readAttachmentsConfig(env: NodeJS.ProcessEnv): AttachmentsConfig {
  return {
    maxFileBytes: readPositive(env, 'ATTACHMENT_MAX_BYTES', DEFAULT_ATTACHMENTS_CONFIG.maxFileBytes),
    quotaBytes: readPositive(env, 'ATTACHMENT_QUOTA_BYTES', DEFAULT_ATTACHMENTS_CONFIG.quotaBytes),
    graceMs: readPositive(env, 'ATTACHMENT_GRACE_MS', DEFAULT_ATTACHMENTS_CONFIG.graceMs),
  };
}
