/**
 * The one error envelope every HTTP error uses: `{ error: { code, message, field? } }`.
 * Codes are a closed union so the app can switch on them exhaustively; the message is for
 * people and may change, the code is the contract.
 */
export const ERROR_CODES = [
  // generic HTTP-level refusals
  'bad_request',
  'invalid_json',
  'validation_failed',
  'payload_too_large',
  'unsupported_media_type',
  'not_found',
  'method_not_allowed',
  'unauthenticated',
  /** SE1: the device's session ran out of time (not revoked): sign in again, keep the device's data. */
  'session_expired',
  'forbidden',
  'cross_site_request',
  'conflict',
  'rate_limited',
  'internal_error',
  'not_ready',
  /** The database does not answer (PostgreSQL down or unreachable): try again shortly; nothing was changed. */
  'storage_unavailable',
  // accounts
  'username_taken',
  'invite_required',
  'invalid_invite',
  'verification_failed',
  'last_sign_in_method',
  'already_linked',
  // social graph: friends, blocks, groups (issue 5)
  'user_not_found',
  'cannot_befriend_self',
  'already_friends',
  'not_friends',
  'blocked',
  'request_not_found',
  'conversation_not_found',
  'not_a_member',
  'already_a_member',
  'not_allowed_for_role',
  'group_ended',
  // Web Push (issue 16)
  'push_not_subscribed',
  'push_subscription_gone',
  'push_service_failed',
  // attachments: blob uploads and downloads (issue 17)
  'attachment_too_large',
  'attachment_quota_exceeded',
  'attachment_hash_mismatch',
  'upload_not_found',
  'blob_not_found',
  /** A download's `Range` is malformed, asks for several ranges, or starts past the blob's end (416). */
  'range_not_satisfiable',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** The request field at fault, when one is (`username`, `displayName`, …). */
  field?: string;
}

export interface ErrorEnvelope {
  error: ErrorBody;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Narrows an unknown JSON body to the error envelope, for clients reading a failed response. */
export function isErrorEnvelope(value: unknown): value is ErrorEnvelope {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = value.error;
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, field } = error as Record<string, unknown>;
  return (
    isErrorCode(code) && typeof message === 'string' && (field === undefined || typeof field === 'string')
  );
}
