import { afterAll, afterEach, beforeAll } from 'vitest';
import { launchBrowser, type Browser } from './browser.ts';
import { startServer, type RunningServer, type ServerOptions } from './server.ts';

/**
 * One real server for the tests of a file: started before them, stopped after, and its log
 * kept under tests/.test-artifacts when any test of the file failed. The getter may be called
 * from tests and from hooks alike.
 */
export function useServer(name: string, options: ServerOptions = {}): () => RunningServer {
  let server: RunningServer | undefined;
  let failed = false;
  beforeAll(async () => {
    server = await startServer(options);
  });
  afterEach((context) => {
    if (context.task.result?.state === 'fail') failed = true;
  });
  afterAll(async () => {
    // A server that fails to start throws its whole log from beforeAll, so nothing is lost there.
    await server?.dispose({ failed, name });
  });
  return () => {
    if (!server) throw new Error('the server has not started');
    return server;
  };
}

/** One Chromium for the tests of a file, launched before them and closed after (`extraArgs`: e.g. FAKE_MEDIA_ARGS). */
export function useBrowser(extraArgs: readonly string[] = []): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser(extraArgs);
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('the browser has not started');
    return browser;
  };
}
