/**
 * A sync server the benchmark can drive. Workloads talk to targets only through this, so each
 * server (ours, Hocuspocus, y-websocket) is one file in targets/ and one line in run.ts.
 */
export interface BenchPeer {
  /** The user this device is signed in as (message entries must name it). */
  readonly userId: string;
  /** Subscribes; resolves with the bytes of the answer and the position to resume from. */
  subscribe(
    docId: string,
    since?: CatchUpPoint,
  ): Promise<{ bytes: number; update: Uint8Array; point: CatchUpPoint }>;
  /** Subscribes to many documents at once (one frame where the protocol allows it); resolves when all answered. */
  subscribeMany(docIds: string[]): Promise<{ bytes: number; updates: Uint8Array[] }>;
  unsubscribe(docId: string): void;
  /** Sends an update; resolves when the server confirms it (see `TargetInstance.ack`). */
  send(docId: string, update: Uint8Array): Promise<void>;
  /** Stops reading from the socket(s) (its TCP socket paused): a device that hangs. */
  pauseReading(): void;
  /** Another device's update arrived. */
  onRemote: ((docId: string, update: Uint8Array) => void) | null;
  /** Why the server closed this device's socket (its close code and reason), if it did. */
  readonly closedBy?: string;
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

/** How a browser reaches our server as a signed-in device (only our target has an app). */
export interface AppAccess {
  /** The origin the app is served from. */
  url: string;
  /** The session cookie (`name=value`) of a device. */
  cookie(device: BenchDevice): string;
}

export interface TargetInstance {
  readonly name: string;
  /** The PWA served by this target, when it has one. */
  readonly app?: AppAccess;
  /** The server's data folder (ours), where a workload may measure the raw disk beside it. */
  readonly dataDir?: string;
  /**
   * What `send` resolving means: `durable` after a durable commit (ours), `applied` once the server
   * applied it in memory (Hocuspocus' sync status), `echo` when the server broadcast it back to the
   * sender (y-websocket has no acknowledgement at all), `received` when the server read the frame
   * (the floor relay, which does nothing with it).
   */
  readonly ack: 'durable' | 'applied' | 'echo' | 'received';
  /** Whether the server checks who may read and write a document (ours); peers let anyone in. */
  readonly membership: boolean;
  /** Makes `docs` conversations, each with `membersPerDoc` users (one device each); returns doc ids. */
  createConversations(
    docs: number,
    membersPerDoc: number,
  ): Promise<{ docId: string; members: BenchDevice[] }[]>;
  /** One user (one device) who is the only member of `count` new conversations. */
  createUserConversations(count: number): Promise<{ device: BenchDevice; docIds: string[] }>;
  /** Another signed-in device of a user already made. */
  addDevice(userIndex: number): Promise<BenchDevice>;
  connect(device: BenchDevice): Promise<BenchPeer>;
  /** CPU the server process has used so far, in ms (undefined when the target cannot say). */
  serverCpuMs(): number | undefined;
  /**
   * CPU the services the server stores in and talks through used so far, in ms, when they are
   * processes of their own (PostgreSQL and Redis); absent when the server keeps everything itself.
   */
  serviceCpuMs?(): number | undefined;
  /** Resident memory of the server process, in KB. */
  serverRssKb(): number | undefined;
  /** Bytes in the server's data folder (after `stop`, everything it persisted). */
  /**
   * Bytes in the server's data folder; without SQLite's write-ahead log when `journals` is false
   * (while the server runs, its pages are counted once they reach the database file).
   */
  storageBytes(options?: { journals?: boolean }): number;
  /** Graceful stop (SIGTERM), keeping the data folder; safe to call twice. */
  stop(): Promise<void>;
  /** Stops if needed and removes the data folder. */
  dispose(): Promise<void>;
}

export interface Target {
  name: string;
  /** The workload ids this target can express (every one when absent). */
  workloads?: readonly string[];
  start(): Promise<TargetInstance>;
}
