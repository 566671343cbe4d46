import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { DeviceSession, type DeviceSessionOptions } from './device-session.ts';
import { showUnreadTotal } from './unread-badge.ts';

const SessionContext = createContext<DeviceSession | null>(null);

/**
 * Runs the signed-in user's device session while mounted: made for `userId`, disposed on
 * sign-out or when another user signs in (a new key makes a new one). Children render once it
 * exists, which is at once: the list paints from the device's index, not the network.
 */
export function DeviceSessionProvider(props: {
  userId: string;
  options?: Omit<DeviceSessionOptions, 'client' | 'db'>;
  children: ReactNode;
}) {
  const [session, setSession] = useState<DeviceSession | null>(null);
  const { userId, options } = props;
  useEffect(() => {
    const next = new DeviceSession(userId, options);
    void next.start();
    const stopBadge = showUnreadTotal(next.unreadTotal);
    // Published after mount, so a strict-mode double start never leaks a socket.
    const timer = setTimeout(() => setSession(next), 0);
    return () => {
      clearTimeout(timer);
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
