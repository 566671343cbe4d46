import { afterAll, beforeAll, onTestFailed } from 'vitest';
import { startServer, type RunningServer, type ServerOptions } from './server.ts';

/**
 * One real server for the tests of a file: started before them, stopped after, and its log
 * kept under tests/.test-artifacts when any test of the file failed.
 */
export function useServer(name: string, options: ServerOptions = {}): () => RunningServer {
  let server: RunningServer | undefined;
  let failed = false;
  beforeAll(async () => {
    server = await startServer(options);
  });
  afterAll(async () => {
    await server?.dispose({ failed, name });
  });
  return () => {
    if (!server) throw new Error('the server has not started');
    // Registered lazily from inside a test: marks the file as failed so the log is kept.
    onTestFailed(() => {
      failed = true;
    });
    return server;
  };
}
