import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { DomainError } from '../domain-error.ts';
import type { Logger } from '../logger.ts';
import { AppError } from './app-error.ts';
import type { AppEnv } from './env.ts';
import { RateLimitedError } from './rate-limit.ts';
import { HTTP_STATUS_OF_CODE } from './error-status.ts';

/** Maps every thrown error to the JSON envelope. Unknown errors are logged and reported as a generic 500. */
export function createErrorHandler(logger: Logger): ErrorHandler<AppEnv> {
  return (err, c) => {
    if (err instanceof RateLimitedError) c.header('Retry-After', String(err.retryAfterSeconds));
    if (err instanceof AppError) return c.json(err.toBody(), err.status);
    if (err instanceof DomainError) {
      // A refusal of the domain (social graph, accounts, pictures): the code decides the status.
      const status = HTTP_STATUS_OF_CODE[err.code];
      return c.json(new AppError(status, err.code, err.message, err.field).toBody(), status);
    }
    if (err instanceof HTTPException) {
      // Hono's own middleware (body limit, JSON parsing) throws these.
      const status = err.status;
      const code = status === 413 ? 'payload_too_large' : status === 401 ? 'unauthenticated' : 'bad_request';
      return c.json(new AppError(status, code, err.message || 'Bad request').toBody(), status);
    }
    logger.error('unhandled error', { requestId: requestIdOf(c), err });
    return c.json(new AppError(500, 'internal_error', 'Something went wrong on the server').toBody(), 500);
  };
}

export const apiNotFound: NotFoundHandler<AppEnv> = (c) =>
  c.json(new AppError(404, 'not_found', `No API route ${c.req.method} ${c.req.path}`).toBody(), 404);

function requestIdOf(c: Context<AppEnv>): string | undefined {
  try {
    return c.get('requestId');
  } catch {
    return undefined;
  }
}
