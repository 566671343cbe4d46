/** The least a connection needs of a socket (`ws`, or an in-memory pair in tests). */
export interface SyncSocket {
  send(frame: Uint8Array): void;
  close(code: number, reason: string): void;
  /**
   * Writes several frames at once (one write to the OS where the transport allows); `onWritten`
   * runs once they left the process or the socket failed. Absent in memory pairs: send() each.
   */
  sendBatch?(frames: readonly Uint8Array[], onWritten?: () => void): void;
  /** Ends the socket without a closing handshake (a peer that does not read would never finish one). */
  terminate?(): void;
  /** Bytes queued that the OS has not taken yet (`ws` bufferedAmount); absent in memory pairs. */
  readonly bufferedAmount?: number;
}
