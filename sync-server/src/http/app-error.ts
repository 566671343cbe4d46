import type { ErrorBody, ErrorCode } from '@messenjo/shared';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * The one error the server throws on purpose. `onError` turns it into the JSON envelope;
 * anything else becomes a logged 500 with a generic message (internals never leak).
 */
export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }

  toBody(): { error: ErrorBody } {
    return {
      error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) },
    };
  }
}

export const notFound = (message = 'Not found'): AppError => new AppError(404, 'not_found', message);
export const badRequest = (message: string, field?: string): AppError =>
  new AppError(400, 'validation_failed', message, field);
