import { createContext, useContext, useLayoutEffect, useState, type ReactNode } from 'react';
import { DeviceSession, type DeviceSessionOptions } from './device-session.ts';
import { takeFirstScreen } from './local-index/first-read.ts';
import { showUnreadTotal } from './unread-badge.ts';

const SessionContext = createContext<DeviceSession | null>(null);

/**
 * Runs the signed-in user's device session while mounted: made for `userId`, disposed on
 * sign-out or when another user signs in (a new key makes a new one). Children render once it
 * exists, which is at once: the list paints from the device's index, not the network.
 */
export function DeviceSessionProvider(props: {
  userId: string;
  options?: Omit<DeviceSessionOptions, 'client' | 'db' | 'firstRead' | 'firstScreen'>;
  children: ReactNode;
}) {
  const [session, setSession] = useState<DeviceSession | null>(null);
  const { userId, options } = props;
  // A layout effect: the session starts (and the list can paint) before the first frame, not after it.
  useLayoutEffect(() => {
    // The index read main.tsx started (boot.ts), taken once: a strict-mode second start reads again.
    const early = takeFirstScreen(userId);
    const next = new DeviceSession(userId, {
      ...options,
      ...(early && { firstRead: early.read }),
      // Answered already (it often is: its answer queues behind React's chunk): shown by
      // `start()` synchronously, so the children's first render below holds it.
      ...(early?.answered && { firstScreen: early.answered }),
    });
    void next.start();
    const stopBadge = showUnreadTotal(next.unreadTotal);
    // Shown from a microtask, still before the frame is painted. A strict-mode double start
    // (effect, cleanup, effect, all at once) never shows the session it disposed.
    let live = true;
    queueMicrotask(() => {
      if (live) setSession(next);
    });
    return () => {
      live = false;
      stopBadge();
      setSession(null);
      void next.dispose();
    };
    // The options are read once per user; a new user makes a new session.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [userId]);
  if (!session) return <div className="h-full" aria-busy="true" />;
  return <SessionContext.Provider value={session}>{props.children}</SessionContext.Provider>;
}

/** The signed-in device session; only inside DeviceSessionProvider. */
export function useDeviceSession(): DeviceSession {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useDeviceSession is used outside DeviceSessionProvider');
  return session;
}
