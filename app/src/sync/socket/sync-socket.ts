import {
  closeReasonOf,
  decodeServerFrame,
  encodeClientFrame,
  PROTOCOL_VERSION,
  shouldRetryClose,
  type ClientFrame,
  type ServerFrame,
} from '@messenjo/shared';
import { Store } from '../../lib/store.ts';
import { RECONNECT_HIDDEN_MAX_DELAY_MS, RECONNECT_MAX_DELAY_MS } from '../constants.ts';
import { reconnectDelayMs } from './backoff.ts';
import type { WebSocketFactory, WebSocketLike } from './websocket.ts';

/** The connection alone: `online` once the server answered hello. */
export type SocketStatus = 'offline' | 'connecting' | 'online' | 'signed_out';

/** Why the server ended this device's session (a close code): never retried. */
export type SessionEndReason = 'session_revoked' | 'user_deleted' | 'unauthenticated' | 'session_expired';

export interface SyncSocketOptions {
  /** `ws(s)://host/sync` */
  url: string;
  createSocket?: WebSocketFactory;
  random?: () => number;
  /** Delay before reconnect attempt n; defaults to jittered exponential backoff (tests shorten it). */
  reconnectDelay?: (attempt: number) => number;
  onError?: (error: unknown) => void;
}

/**
 * The device's one sync socket: connects, says hello, reconnects with jittered backoff (capped
 * lower while the page is seen; at once when the browser says the network is back or the person
 * returns to the page; dropped when the browser says the network is gone), and stops for good
 * when the server ends the session. It decodes frames and hands them on; it knows no documents
 * (core/) and no tabs (tabs/ decides which tab starts it).
 */
export class SyncSocket {
  readonly status = new Store<SocketStatus>('offline');
  /** Why the server ended the session, once `status` is `signed_out`. */
  endedBy: SessionEndReason | null = null;
  /** Counts connections: what arrived on one socket is told from what arrives on the next (SEG2). */
  epoch = 0;
  private socket: WebSocketLike | null = null;
  private helloDone = false;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  /**
   * Whether `offline` is a fact (a connection attempt ended) rather than the state before the
   * first attempt (a tab waiting for the leader lock starts "offline").
   */
  private offlineKnown = false;
  private readonly createSocket: WebSocketFactory;
  private readonly frameListeners = new Set<(frame: ServerFrame) => void>();
  private stopListening = (): void => {};

  constructor(private readonly options: SyncSocketOptions) {
    this.createSocket = options.createSocket ?? ((url) => new WebSocket(url) as unknown as WebSocketLike);
  }

  /** Frames can go out: the server answered this connection's hello. */
  get connected(): boolean {
    return this.helloDone;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.listenToNetwork();
    this.connect();
  }

  /** Stops for good (sign-out, tests, another tab took over). */
  stop(): void {
    this.running = false;
    clearTimeout(this.reconnectTimer);
    this.stopListening();
    const socket = this.socket;
    this.socket = null;
    this.helloDone = false;
    socket?.close(1000, 'client stopped');
  }

  /** Drops the connection now (tests, "network changed"); it reconnects with backoff. */
  drop(): void {
    const socket = this.socket;
    socket?.close(4999, 'dropped by client');
    if (socket?.onclose) socket.onclose({ code: 1006, reason: 'dropped' });
  }

  /**
   * The device is offline for real: a connection attempt ended, or the browser says so (not
   * before the first attempt: a tab waiting for the socket lock is not offline yet).
   */
  isOffline(): boolean {
    if (this.status.get() !== 'offline') return false;
    return this.offlineKnown || (globalThis.navigator as Navigator | undefined)?.onLine === false;
  }

  send(frame: ClientFrame): void {
    this.socket?.send(encodeClientFrame(frame));
  }

  /** Every frame after the hello, decoded. */
  onFrame(listener: (frame: ServerFrame) => void): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  /** The browser's network events and the page coming back into view, while started. */
  private listenToNetwork(): void {
    const target = globalThis as {
      addEventListener?: typeof addEventListener;
      removeEventListener?: typeof removeEventListener;
      document?: { visibilityState?: string };
    };
    if (!target.addEventListener || !target.removeEventListener) return;
    // The network is back: try at once instead of waiting out the backoff.
    const onOnline = (): void => {
      if (!this.running || this.socket) return;
      clearTimeout(this.reconnectTimer);
      this.attempt = 0;
      this.connect();
    };
    // The person looks at the app again (tab shown, window focused): a server that came back
    // while the backoff waited is reached now, not after it. The attempt count is kept, so a server
    // still down is not hammered by focus changes.
    const onReturn = (): void => {
      if (!this.running || this.socket || target.document?.visibilityState === 'hidden') return;
      clearTimeout(this.reconnectTimer);
      this.connect();
    };
    // The network is gone: a socket may linger half-open for minutes; show offline now, so what
    // is written meanwhile is seen as pending.
    const onOffline = (): void => {
      if (this.socket) this.drop();
    };
    target.addEventListener('online', onOnline);
    target.addEventListener('offline', onOffline);
    target.addEventListener('focus', onReturn);
    target.addEventListener('visibilitychange', onReturn);
    this.stopListening = () => {
      target.removeEventListener?.('online', onOnline);
      target.removeEventListener?.('offline', onOffline);
      target.removeEventListener?.('focus', onReturn);
      target.removeEventListener?.('visibilitychange', onReturn);
    };
  }

  private connect(): void {
    if (!this.running || this.socket) return;
    this.status.set('connecting');
    let socket: WebSocketLike;
    try {
      socket = this.createSocket(this.options.url);
    } catch (error) {
      this.options.onError?.(error);
      return this.scheduleReconnect();
    }
    this.socket = socket;
    this.epoch++;
    this.helloDone = false;
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => this.send({ type: 'hello', protocolVersion: PROTOCOL_VERSION });
    socket.onmessage = (event) => this.onData(event.data);
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.helloDone = false;
      this.onClosed(event.code);
    };
  }

  private onClosed(code: number): void {
    this.offlineKnown = true;
    const reason = closeReasonOf(code);
    if (
      reason === 'session_revoked' ||
      reason === 'user_deleted' ||
      reason === 'unauthenticated' ||
      reason === 'session_expired'
    ) {
      this.running = false;
      this.stopListening();
      this.endedBy = reason;
      return this.status.set('signed_out');
    }
    if (!this.running) return this.status.set('offline');
    if (!shouldRetryClose(code)) {
      this.options.onError?.(new Error(`sync closed for good: ${reason ?? code}`));
      return this.status.set('offline');
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.offlineKnown = true;
    this.status.set('offline');
    clearTimeout(this.reconnectTimer);
    const attempt = this.attempt++;
    const delay =
      this.options.reconnectDelay?.(attempt) ??
      reconnectDelayMs(attempt, this.options.random, this.maxDelayMs());
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  /** The backoff's cap: short while the page is seen, long while it is hidden (or in Node). */
  private maxDelayMs(): number {
    const visibility = (globalThis as { document?: { visibilityState?: string } }).document?.visibilityState;
    return visibility === undefined || visibility === 'hidden'
      ? RECONNECT_HIDDEN_MAX_DELAY_MS
      : RECONNECT_MAX_DELAY_MS;
  }

  private onData(data: unknown): void {
    const bytes =
      data instanceof ArrayBuffer ? new Uint8Array(data) : data instanceof Uint8Array ? data : null;
    if (!bytes) return;
    let decoded;
    try {
      decoded = decodeServerFrame(bytes);
    } catch (error) {
      this.options.onError?.(error);
      return;
    }
    if (decoded.kind !== 'frame') return;
    const frame = decoded.frame;
    if (frame.type === 'hello') {
      this.helloDone = true;
      this.attempt = 0;
      return this.status.set('online');
    }
    for (const listener of this.frameListeners) listener(frame);
  }
}
