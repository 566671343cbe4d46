import type { ErrorCode } from '@messenjo/shared';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * The HTTP status of every error code, so domain code can refuse by code alone
 * (`DomainError`) and the API still answers as before. A `Record` over the closed union: a new
 * code in `shared/` does not compile until it has its status here.
 */
export const HTTP_STATUS_OF_CODE: Record<ErrorCode, ContentfulStatusCode> = {
  bad_request: 400,
  invalid_json: 400,
  validation_failed: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  not_found: 404,
  method_not_allowed: 405,
  unauthenticated: 401,
  session_expired: 401,
  forbidden: 403,
  cross_site_request: 403,
  conflict: 409,
  rate_limited: 429,
  internal_error: 500,
  not_ready: 503,
  storage_unavailable: 503,
  username_taken: 409,
  invite_required: 403,
  invalid_invite: 403,
  verification_failed: 400,
  last_sign_in_method: 409,
  already_linked: 409,
  user_not_found: 404,
  cannot_befriend_self: 400,
  already_friends: 409,
  not_friends: 403,
  blocked: 403,
  request_not_found: 404,
  conversation_not_found: 404,
  not_a_member: 403,
  already_a_member: 409,
  not_allowed_for_role: 403,
  group_ended: 409,
  push_not_subscribed: 409,
  push_subscription_gone: 410,
  push_service_failed: 502,
  attachment_too_large: 413,
  attachment_quota_exceeded: 413,
  attachment_hash_mismatch: 422,
  upload_not_found: 404,
  blob_not_found: 404,
  range_not_satisfiable: 416,
};
