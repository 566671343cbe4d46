import type { Server } from 'node:http';
import { Backstop } from '../cluster/backstop.ts';
import { ClusterDocRelay } from '../cluster/doc-relay.ts';
import { ClusterSocketCaps } from '../cluster/cluster-socket-caps.ts';
import type { Services } from '../services.ts';
import { attachSyncSocket } from './socket/attach.ts';
import { SyncHub, type SyncHubOptions } from './engine/hub.ts';
import { DEFAULT_SOCKET_LIMITS } from './engine/socket-limits.ts';

export interface RunningSync {
  hub: SyncHub;
  /** Commits what is pending, closes every socket with 1001 and waits (up to `drainMs`) for the close handshakes. */
  stop(drainMs: number): Promise<void>;
}

/**
 * The sync engine on an HTTP server, wired to the services exactly as `main` runs it (the
 * in-process test server uses the same function, so tests exercise what production runs).
 */
export function serveSync(
  server: Server,
  services: Services,
  publicUrl: () => URL,
  overrides: Partial<SyncHubOptions> = {},
): RunningSync {
  const { cluster } = services;
  // With REDIS_URL, the documents go between the processes too (`cluster/doc-relay.ts`).
  const relay = cluster && new ClusterDocRelay(cluster.link, `${cluster.prefix}docs`, services.logger);
  // …and so do the socket caps and frame budgets per user (LIM2, LIM3).
  const caps =
    cluster &&
    new ClusterSocketCaps(
      cluster.link,
      cluster.prefix,
      { ...DEFAULT_SOCKET_LIMITS, ...overrides.socketLimits },
      services.logger,
    );
  const hub = new SyncHub({
    store: services.docStore,
    memberships: services.memberships,
    bus: services.bus,
    logger: services.logger,
    conversations: services.social.policy,
    attachments: services.attachments,
    presence: services.presence,
    otherProcesses: relay,
    sharedCaps: caps,
    ...overrides,
  });
  const stopRelay = relay?.listen(hub);
  const stopCaps = caps?.start();
  const backstop =
    cluster &&
    new Backstop({
      hub,
      link: cluster.link,
      intervalMs: cluster.backstopMs,
      liveSessions: async (userId) =>
        new Set((await services.sessions.listForUser(userId)).map((session) => session.id)),
      forgetWritePermissions: () => services.social.policy.forgetWritePermissions(),
      logger: services.logger,
    });
  const sync = attachSyncSocket(server, { hub, services, publicUrl });
  return {
    hub,
    async stop(drainMs) {
      backstop?.stop();
      stopRelay?.();
      sync.close();
      await hub.close();
      services.social.policy.flush();
      await sync.drained(drainMs);
      await stopCaps?.();
    },
  };
}
