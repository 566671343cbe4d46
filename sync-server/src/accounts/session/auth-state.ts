import type { Session } from '../../sessions/index.ts';
import type { User } from '../users.ts';

/**
 * Who made the request, put on the Hono context by the session middleware. Apart from the
 * helpers that read it (`context.ts`) because the context's type (`http/env.ts`) names it and
 * those helpers name the context's type.
 */
export interface AuthState {
  user: User;
  session: Session;
}
