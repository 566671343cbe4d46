import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.ts';

/** Something to stop on shutdown, in reverse order of registration (last started, first stopped). */
export type ShutdownStep = { name: string; run: () => void | Promise<void> };

export class Lifecycle {
  private readonly steps: ShutdownStep[] = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly logger: Logger) {}

  onShutdown(step: ShutdownStep): void {
    this.steps.push(step);
  }

  /** Runs every step once, each even when an earlier one failed. Safe to call twice. */
  shutdown(reason: string): Promise<void> {
    this.stopping ??= (async () => {
      this.logger.info('shutting down', { reason });
      for (const step of [...this.steps].reverse()) {
        try {
          await step.run();
          this.logger.debug('stopped', { step: step.name });
        } catch (err) {
          this.logger.error('shutdown step failed', { step: step.name, err });
        }
      }
    })();
    return this.stopping;
  }
}

/** Stops accepting connections, lets in-flight requests finish, and drops idle keep-alive sockets. */
export function closeHttpServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.closeAllConnections();
      resolve();
    }, timeoutMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** The origin to advertise when PUBLIC_URL is not set: the port actually bound, on localhost for wildcard binds. */
export function originFromAddress(server: Server, host: string): URL {
  const address = server.address() as AddressInfo;
  const wildcard = ['0.0.0.0', '::', '127.0.0.1', '::1', 'localhost'].includes(host);
  const hostname = wildcard ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return new URL(`http://${hostname}:${address.port}`);
}
