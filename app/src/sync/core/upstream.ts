import type { ClientFrame, ServerFrame } from '@messenjo/shared';

/** Where the core's frames go: the device's socket (socket/sync-socket.ts) in the tab that holds it. */
export interface Upstream {
  /** Frames can go out (the server answered hello). */
  readonly connected: boolean;
  /** Counts connections, so a frame held back while its document loads knows whether it is stale. */
  readonly epoch: number;
  send(frame: ClientFrame): void;
  /** The server's frames (after the hello); returns the disposer. */
  onFrame(listener: (frame: ServerFrame) => void): () => void;
}
