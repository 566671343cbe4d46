import { LIMITS } from '@messenjo/shared';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from './app-error.ts';
import type { AppEnv } from './env.ts';

/** The body limit of every picture upload (profile and group): the image file itself, at most UPLOAD_BYTES. */
export function pictureBodyLimit(): MiddlewareHandler<AppEnv> {
  return bodyLimit({
    maxSize: LIMITS.UPLOAD_BYTES,
    onError: () => {
      throw new AppError(
        413,
        'payload_too_large',
        `Pictures may be at most ${LIMITS.UPLOAD_BYTES / (1024 * 1024)} MB`,
        'picture',
      );
    },
  });
}
