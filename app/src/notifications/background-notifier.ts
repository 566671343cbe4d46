import { parseRoute, router } from '../app/router.ts';
import type { DeviceSession } from '../session/index.ts';
import { mutesOf } from './mutes.ts';
import { arrivedMessages, notificationOf, type Seen } from './new-messages.ts';
import type { PageToWorker, WorkerToPage } from './sw-notifications.ts';

/**
 * OS notifications while the app is open but not in front: every new message by someone else
 * (read off the session's conversation list, one subscription), unless the conversation is
 * muted or the page is visible and focused. The service worker shows them (so a click works as
 * for a push), checks no other window of the app is in front, and shows one per message however
 * many tabs ask. The worker's clicks navigate here; the unread total goes to its badge count.
 * Returns the disposer.
 */
export function notifyInBackground(session: DeviceSession): () => void {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return () => undefined;
  const worker = navigator.serviceWorker;
  const post = (message: PageToWorker): void => {
    void worker.getRegistration().then((registration) => registration?.active?.postMessage(message));
  };
  const seen = new Map<string, Seen>();
  const mutes = mutesOf(session);
  const inFront = (): boolean => document.visibilityState === 'visible' && document.hasFocus();

  const stopList = session.conversations.subscribe(() => {
    const arrived = arrivedMessages(seen, session.conversations.get(), session.userId);
    if (arrived.length === 0 || inFront()) return;
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    for (const row of arrived) {
      if (mutes.muted.get().has(row.id)) continue;
      const notification = notificationOf(row, session.nameOf(row.local?.lastMessage?.authorId ?? ''));
      if (notification) post({ type: 'notify', notification });
    }
  });
  const stopBadge = session.unreadTotal.subscribe(() =>
    post({ type: 'badge', count: session.unreadTotal.get() }),
  );
  post({ type: 'badge', count: session.unreadTotal.get() });

  const onMessage = (event: MessageEvent<unknown>): void => {
    const message = event.data as Partial<WorkerToPage> | null;
    if (message?.type === 'open' && typeof message.url === 'string') router.navigate(parseRoute(message.url));
  };
  worker.addEventListener('message', onMessage);
  return () => {
    stopList();
    stopBadge();
    worker.removeEventListener('message', onMessage);
  };
}
