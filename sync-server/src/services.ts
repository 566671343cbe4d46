import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FileStore } from '@tus/file-store';
import { Accounts } from './accounts/accounts.ts';
import { DEFAULT_ACCOUNTS_CONFIG, type AccountsConfig } from './accounts/config.ts';
import { MediaStore } from './accounts/media/media-store.ts';
import { Pictures } from './accounts/media/pictures.ts';
import { Attachments } from './attachments/attachments.ts';
import { BlobFiles } from './attachments/blob-files.ts';
import { SqlBlobStore } from './attachments/blob-store.ts';
import { DEFAULT_ATTACHMENTS_CONFIG, type AttachmentsConfig } from './attachments/config.ts';
import { createUploadFiles } from './attachments/tus-uploads.ts';
import { MembershipStore } from './conversations/membership-store.ts';
import type { Database, Db } from './db/index.ts';
import { ClusterEventBus } from './cluster/cluster-bus.ts';
import { ClusterPresence } from './cluster/cluster-presence.ts';
import type { RedisLink } from './cluster/redis-link.ts';
import { createEventBus, type EventBus } from './events/bus.ts';
import type { Logger } from './logger.ts';
import { InProcessPresence, type SessionPresence } from './presence.ts';
import {
  createPush,
  DEFAULT_PUSH_CONFIG,
  loadOrCreateVapidKeys,
  SqlPushSubscriptionStore,
  type Push,
  type PushConfig,
  type PushTransport,
} from './push/index.ts';
import { SessionStore } from './sessions/index.ts';
import { createSocial, type Social } from './social/index.ts';
// The stores directly, not the sync barrel: its socket half needs `Services` (a cycle).
import type { DocStore } from './sync/store/doc-store.ts';
import { PostgresDocStore } from './sync/store/postgres-doc-store.ts';
import { SqliteDocStore } from './sync/store/sqlite-doc-store.ts';
import { WorkerDocStore, type WorkerDocStoreOptions } from './sync/store/worker-doc-store.ts';

/** The processes' Redis and how this process uses it. */
export interface ClusterLink {
  link: RedisLink;
  /** Channel names start with it (processes that share a database share channels). */
  prefix: string;
  /** CLUSTER_BACKSTOP_MS: how often the sync engine checks the store for documents' updates it missed. */
  backstopMs: number;
}

/**
 * The server's long-lived services, built once by `main` (or a test) and shared by the HTTP
 * app and the sync socket. Features add theirs here rather than constructing them ad hoc.
 */
export interface Services {
  /**
   * Everything durable behind the asynchronous storage port: SQLite (`SqliteDatabase`) or
   * PostgreSQL (`PostgresDatabase`), chosen by DATABASE_URL. The document store is on its own
   * path on SQLite (the commit worker) and on this database on PostgreSQL.
   */
  database: Database;
  /** The SQLite connection the document store writes on SQLite (`database`'s own); none on PostgreSQL. */
  documentsDb: Db | undefined;
  logger: Logger;
  /** In-process, or with REDIS_URL also between the server processes (`cluster/`). */
  bus: EventBus;
  /** The processes' Redis with REDIS_URL (channel names start with `prefix`); none on one process. */
  cluster: ClusterLink | undefined;
  sessions: SessionStore;
  /**
   * Conversation memberships as the sync engine reads them; its writers seed tests and
   * benchmarks (the social graph writes memberships in the product; both publish membership.changed).
   */
  memberships: MembershipStore;
  /** Yjs documents: update log, snapshots, client-id bindings (commits on a worker thread; close it on shutdown). */
  docStore: DocStore;
  /**
   * The commit worker when the documents are in a SQLite file: `main` starts it with the
   * server and bounds its drain at shutdown; /readyz reports its health.
   */
  commitWorker: WorkerDocStore | undefined;
  now: () => number;
  /** Users, sign-in methods, registration policy (src/accounts/). */
  accounts: Accounts;
  /** The picture pipeline (profile and group pictures), files under DATA_DIR/media. */
  pictures: Pictures;
  media: MediaStore;
  /** Friends, blocks, groups, the conversation list and access checks (src/social/). */
  social: Social;
  /** Which device sessions have a sync socket open (the hub reports them; Web Push skips them). */
  presence: SessionPresence;
  /** Web Push: VAPID key, subscriptions per device session, the sender (src/push/). */
  push: Push;
  /** Attachment blobs: uploads, downloads, quotas, reference counts (src/attachments/). */
  attachments: Attachments;
  /** The tus file store of uploads in progress (DATA_DIR/uploads). */
  uploadFiles: FileStore;
}

export function createServices(options: {
  database: Database;
  /** On SQLite, `database`'s own connection: the documents' store writes it (unused on PostgreSQL). */
  documentsDb?: Db;
  logger: Logger;
  now?: () => number;
  accounts?: AccountsConfig;
  /** DATA_DIR: pictures go to its media/ folder. Defaults to a folder under the OS temp dir (tests). */
  dataDir?: string;
  /** Starts the commit worker's thread (tests wrap it to crash one). */
  spawnCommitWorker?: WorkerDocStoreOptions['spawn'];
  /** The origin people reach (push payloads link into it); known after listening, hence a function. */
  publicUrl?: () => URL;
  push?: PushConfig;
  /** SESSION_LIFETIME_SECONDS in ms; 30 days by default. */
  sessionLifetimeMs?: number;
  /** How pushes go out (tests); web-push over fetch otherwise. */
  pushTransport?: PushTransport;
  attachments?: AttachmentsConfig;
  /** REDIS_URL's connections: events (and documents, in the sync engine) go between processes. */
  cluster?: ClusterLink;
}): Services {
  const { database, documentsDb, logger, cluster } = options;
  const now = options.now ?? Date.now;
  const localBus = createEventBus((err, event) =>
    logger.error('event handler failed', { event: event.type, err }),
  );
  const bus = cluster
    ? new ClusterEventBus(localBus, cluster.link, `${cluster.prefix}events`, logger)
    : localBus;
  const sessions = new SessionStore(database, bus, now, options.sessionLifetimeMs);
  const media = new MediaStore(database);
  const dataDir = options.dataDir ?? path.join(os.tmpdir(), `messenjo-${process.pid}`);
  // On PostgreSQL the documents are in it too; a SQLite file commits on a worker thread (an
  // in-memory one cannot be shared with one). Either way the list's columns commit with the batch.
  const onSqlite = database.dialect === 'sqlite' ? documentsDb : undefined;
  if (database.dialect === 'sqlite' && !onSqlite)
    throw new Error('SQLite storage needs its connection (documentsDb)');
  const commitWorker =
    onSqlite && !onSqlite.memory
      ? new WorkerDocStore(onSqlite, { file: onSqlite.name, logger, now, spawn: options.spawnCommitWorker })
      : undefined;
  const docStore: DocStore = onSqlite
    ? (commitWorker ?? new SqliteDocStore(onSqlite, now, logger))
    : new PostgresDocStore(database, now, logger);
  const presence: SessionPresence = cluster
    ? new ClusterPresence(cluster.link, cluster.prefix, logger)
    : new InProcessPresence();
  // The sender listens to the social graph's commits; it is made after the graph it asks about.
  const social = createSocial({
    db: database,
    bus,
    logger,
    now,
    onMessagesCommitted: (columns) => push.sender.messagesCommitted(columns),
  });
  mkdirSync(dataDir, { recursive: true });
  const push: Push = createPush({
    keys: loadOrCreateVapidKeys(dataDir),
    config: options.push ?? DEFAULT_PUSH_CONFIG,
    store: new SqlPushSubscriptionStore(database),
    docStore,
    presence,
    audience: {
      memberIdsOf: (ids) => social.conversations.memberIdsOf(ids),
      kindAndName: (id) => social.conversations.kindAndName(id),
      nameOf: async (userId) => {
        const person = (await social.users.summaries([userId])).get(userId);
        return person ? person.displayName || person.username : 'Someone';
      },
    },
    logger,
    publicUrl: options.publicUrl ?? (() => new URL('http://localhost')),
    now,
    transport: options.pushTransport,
  });
  const memberships = new MembershipStore(database, bus, now);
  const uploadFiles = createUploadFiles(path.join(dataDir, 'uploads'));
  const attachments = new Attachments({
    store: new SqlBlobStore(database),
    files: new BlobFiles(path.join(dataDir, 'blobs')),
    partials: uploadFiles.partials,
    audience: {
      canWrite: (userId, conversationId) => social.conversations.canWrite(userId, conversationId),
      isMemberOfAny: async (userId, conversationIds) =>
        conversationIds.length > 0 && (await memberships.activeRoles(userId, conversationIds)).size > 0,
    },
    config: options.attachments ?? DEFAULT_ATTACHMENTS_CONFIG,
    logger,
    now,
  });
  return {
    database,
    documentsDb,
    logger,
    bus,
    cluster,
    sessions,
    memberships,
    docStore,
    commitWorker,
    now,
    accounts: new Accounts(database, bus, sessions, options.accounts ?? DEFAULT_ACCOUNTS_CONFIG, now),
    media,
    pictures: new Pictures(media, path.join(dataDir, 'media'), now),
    social,
    presence,
    push,
    attachments,
    uploadFiles: uploadFiles.store,
  };
}
