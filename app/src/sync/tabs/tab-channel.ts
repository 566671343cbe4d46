import type { ServerFrame } from '@messenjo/shared';
import type { SyncStatus } from '../status.ts';

/** Frames only the leader's socket receives that followers need too (typing, a new segment, user events). */
export type SharedFrame = Extract<ServerFrame, { type: 'awareness' | 'segment' | 'event' }>;

/** What tabs of one device tell each other (the leader holds the socket). */
export type TabMessage =
  /**
   * A follower's local change, for the leader to queue and send, with its basis (POS2) made in the
   * follower; `tab` and `n` let the follower know when the leader's outbox holds it.
   */
  | { kind: 'local'; docId: string; update: Uint8Array; basis?: Uint8Array; tab: string; n: number }
  /** A change the leader has (from the server or any tab), for the followers. */
  | { kind: 'remote'; docId: string; update: Uint8Array }
  /** A follower opened a document: the leader opens it too and sends what the follower lacks. */
  | { kind: 'open'; docId: string; stateVector: Uint8Array }
  | { kind: 'status'; status: SyncStatus; pending: number }
  /** The leader holds the server's state of a document (answering a follower's `open`, or on sync). */
  | { kind: 'synced'; docId: string }
  /**
   * What of a document waits in the leader's outbox; `handled`: the last local change of that
   * follower tab the leader had queued when it said so.
   */
  | {
      kind: 'pending';
      docId: string;
      changes: number;
      messageIds: string[];
      handled?: { tab: string; n: number };
    }
  /** A follower's awareness (typing), for the leader to send on its socket. */
  | { kind: 'awareness-send'; conversationId: string; payload: Uint8Array }
  | { kind: 'frame'; frame: SharedFrame };

export interface TabChannel {
  post(message: TabMessage): void;
  subscribe(handler: (message: TabMessage) => void): () => void;
}

/** The tab channel on BroadcastChannel (structured clone carries Uint8Array as is). */
export function broadcastTabChannel(name: string): TabChannel & { close(): void } {
  const channel = new BroadcastChannel(name);
  let closed = false;
  return {
    // A document still loading when its session stopped (signed out during the start) finishes
    // after the channel closed: there is no one left to tell, and posting would throw.
    post: (message) => {
      if (!closed) channel.postMessage(message);
    },
    subscribe(handler) {
      const listener = (event: MessageEvent<TabMessage>): void => handler(event.data);
      channel.addEventListener('message', listener);
      return () => channel.removeEventListener('message', listener);
    },
    close: () => {
      closed = true;
      channel.close();
    },
  };
}
