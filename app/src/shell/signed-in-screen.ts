import { lazyScreen } from './screens.tsx';

/**
 * The signed-in app (the session and the conversations), a chunk of its own: never loaded by the
 * sign-in page. Not in screens.tsx, which the signed-in app itself imports (its panes): declared
 * there, the lazy import made a cycle between the two.
 */
export const signedInApp = lazyScreen(() => import('./SignedInApp.tsx').then((m) => m.SignedInApp));
