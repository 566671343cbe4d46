import type { Server } from 'node:http';
import type { Services } from '../services.ts';
import { attachSyncSocket } from './socket/attach.ts';
import { SyncHub, type SyncHubOptions } from './engine/hub.ts';

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
  const hub = new SyncHub({
    store: services.docStore,
    memberships: services.memberships,
    bus: services.bus,
    logger: services.logger,
    conversations: services.social.policy,
    attachments: services.attachments,
    presence: services.presence,
    ...overrides,
  });
  const sync = attachSyncSocket(server, { hub, services, publicUrl });
  return {
    hub,
    async stop(drainMs) {
      sync.close();
      await hub.close();
      services.social.policy.flush();
      await sync.drained(drainMs);
    },
  };
}
