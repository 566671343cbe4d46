/**
 * A sync server the benchmark can drive. Workloads talk to targets only through this, so a
 * Hocuspocus or y-websocket target is one more file in targets/ and one line in run.ts.
 */
export interface BenchPeer {
  /** The user this device is signed in as (message entries must name it). */
  readonly userId: string;
  /** Subscribes; resolves with the bytes of the answer and the position to resume from. */
  subscribe(
    docId: string,
    since?: CatchUpPoint,
  ): Promise<{ bytes: number; update: Uint8Array; point: CatchUpPoint }>;
  unsubscribe(docId: string): void;
  /** Sends an update; resolves when the server confirms it (durably, where the target can say so). */
  send(docId: string, update: Uint8Array): Promise<void>;
  /** Another device's update arrived. */
  onRemote: ((docId: string, update: Uint8Array) => void) | null;
  close(): void;
}

/** Where a device left off (target-specific: a sequence number, a state vector). */
export interface CatchUpPoint {
  seq: number;
  stateVector: Uint8Array;
}

export interface BenchDevice {
  userIndex: number;
  deviceIndex: number;
}

export interface TargetInstance {
  readonly name: string;
  /** Makes `docs` conversations, each with `membersPerDoc` users (one device each); returns doc ids. */
  createConversations(
    docs: number,
    membersPerDoc: number,
  ): Promise<{ docId: string; members: BenchDevice[] }[]>;
  connect(device: BenchDevice): Promise<BenchPeer>;
  /** CPU the server process has used so far, in ms (undefined when the target cannot say). */
  serverCpuMs(): number | undefined;
  /** Whether `send` resolves only after a durable commit. */
  readonly durableAck: boolean;
  stop(): Promise<void>;
}

export interface Target {
  name: string;
  start(): Promise<TargetInstance>;
}
