import { ATTACHMENT_ROUTES, LIMITS } from '@messenjo/shared';
import { Hono, type MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { accountsRoutes, originCheck, sessionMiddleware } from './accounts/routes.ts';
import { mediaRoutes } from './accounts/media/media-routes.ts';
import { attachmentRoutes } from './attachments/routes.ts';
import { MIGRATIONS } from './db/index.ts';
import { accessLog } from './http/access-log.ts';
import { AppError } from './http/app-error.ts';
import type { AppEnv } from './http/env.ts';
import { apiNotFound, createErrorHandler } from './http/error-handler.ts';
import { securityHeaders } from './http/security-headers.ts';
import { staticFiles } from './http/static-files.ts';
import { sessionCookieName } from './sessions/index.ts';
import { pushRoutes } from './push/routes.ts';
import { healthRoutes } from './routes/health.ts';
import type { Services } from './services.ts';
import { groupPictureRoutes } from './social/picture-routes.ts';
import { socialRoutes } from './social/routes.ts';

export interface AppDeps {
  services: Services;
  /** Folder with the built PWA. */
  staticDir: string;
  /** The origin users reach; a function because with PORT=0 it is known only once listening. */
  publicUrl: () => URL;
  version: string;
  startedAt?: number;
  /** How many migrations the database must have recorded (its engine's list; SQLite's by default). */
  expectedMigrations?: number;
}

/** Builds the HTTP application. It never listens and never reads the environment: `main` does both. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const { database, logger } = deps.services;
  const app = new Hono<AppEnv>();
  app.onError(createErrorHandler(logger));
  app.notFound(apiNotFound);

  app.use('*', requestId());
  app.use('*', accessLog(logger));
  app.use('*', securityHeaders(deps.publicUrl));
  // Who is asking (session cookie, sliding renewal), then refuse cross-site state changes.
  app.use(
    '*',
    sessionMiddleware({
      sessions: deps.services.sessions,
      users: deps.services.accounts.users,
      publicUrl: deps.publicUrl,
    }),
  );
  app.use('/api/*', originCheck(deps.publicUrl));
  const jsonBodyLimit: MiddlewareHandler<AppEnv> = bodyLimit({
    maxSize: LIMITS.JSON_BODY_BYTES,
    onError: () => {
      throw new AppError(413, 'payload_too_large', `Request body exceeds ${LIMITS.JSON_BODY_BYTES} bytes`);
    },
  });
  // Picture uploads (…/picture) carry an image, not JSON: their route sets its own limit; so do
  // attachment uploads (tus: the declared Upload-Length, within the operator's file limit).
  const limitJsonBodies: MiddlewareHandler<AppEnv> = (c, next) =>
    c.req.path.endsWith('/picture') ||
    c.req.path.startsWith(`${ATTACHMENT_ROUTES.uploads}/`) ||
    c.req.path === ATTACHMENT_ROUTES.uploads
      ? next()
      : jsonBodyLimit(c, next);
  app.use('/api/*', limitJsonBodies);

  app.route(
    '/',
    healthRoutes({
      database,
      version: deps.version,
      expectedMigrations: deps.expectedMigrations ?? MIGRATIONS.length,
      startedAt: deps.startedAt ?? Date.now(),
      commits: () => deps.services.commitWorker?.health() ?? 'ok',
    }),
  );

  app.route('/api', accountsRoutes(deps.services, deps.publicUrl));
  app.route('/', mediaRoutes(deps.services.pictures));
  app.route('/api', socialRoutes(deps.services.social, deps.services.now));
  app.route('/api', groupPictureRoutes(deps.services.social, deps.services.pictures));
  app.route('/api', pushRoutes(deps.services.push, deps.services.now));
  app.route(
    '/api',
    attachmentRoutes({
      attachments: deps.services.attachments,
      uploadFiles: deps.services.uploadFiles,
      logger,
      now: deps.services.now,
    }),
  );

  // Every unknown API path is a JSON 404, never the app shell.
  app.all('/api/*', apiNotFound);
  // A page load is told the code of its first screen: the sign-in page without a session cookie,
  // the signed-in app (and a conversation's pane) with one (first-screen-hint.ts).
  app.use(
    '*',
    staticFiles(deps.staticDir, {
      isVisitor: (c) => getCookie(c, sessionCookieName(deps.publicUrl())) === undefined,
    }),
  );
  return app;
}
