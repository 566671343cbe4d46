import { isErrorEnvelope, type ErrorCode, type ErrorEnvelope } from '@messenjo/shared';
import type { Logger } from '../logger.ts';

/** The codes of tus's own refusals (plain-text bodies), so every error leaves in the one envelope. */
function codeOfStatus(status: number): ErrorCode {
  if (status === 404 || status === 410) return 'upload_not_found';
  if (status === 409) return 'conflict';
  if (status === 413) return 'attachment_too_large';
  if (status === 415) return 'unsupported_media_type';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'internal_error';
  return 'bad_request';
}

/**
 * Answers tus's error responses in the one error envelope (`{ error: { code, message } }`,
 * JSON), keeping its headers (Tus-Resumable, Upload-Offset): a refusal from our hook already is
 * one; tus's own plain-text refusals are wrapped; a server error's details are logged, never sent.
 */
export async function inEnvelope(response: Response, logger: Logger, requestId: string): Promise<Response> {
  if (response.status < 400) return response;
  const text = await response.text();
  let envelope: ErrorEnvelope | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (isErrorEnvelope(parsed)) envelope = parsed;
  } catch {
    // tus's own refusals are plain text.
  }
  if (!envelope) {
    const code = codeOfStatus(response.status);
    if (code === 'internal_error') {
      logger.error('upload failed', { requestId, status: response.status, detail: text.trim() });
      envelope = { error: { code, message: 'Something went wrong on the server' } };
    } else {
      envelope = { error: { code, message: text.trim() || `Upload refused (${response.status})` } };
    }
  }
  const headers = new Headers(response.headers);
  const body = JSON.stringify(envelope);
  headers.set('Content-Type', 'application/json');
  headers.set('Content-Length', String(Buffer.byteLength(body)));
  return new Response(body, { status: response.status, headers });
}
