import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { BrowserContext, Page } from 'playwright-core';

/**
 * The page W14 and W15 run the app's attachment code in: page.ts bundled by esbuild, served by the
 * browser context itself (a route, no server) on `http://localhost`, a secure context as Web
 * Crypto needs, and an origin of its own (its storage is not the app's).
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const ORIGIN = 'http://localhost/attbench/';

let bundled: Promise<string> | undefined;

/** page.ts and the app modules it imports, as one script (built once per bench run). */
function script(): Promise<string> {
  bundled ??= build({
    entryPoints: [path.join(here, 'page.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'error',
  }).then((result) => result.outputFiles[0]!.text);
  return bundled;
}

/**
 * Opens the bench page in `context`. Its API is `globalThis.attbench` (`AttachmentBenchPage`,
 * page.ts), called with `page.evaluate`.
 */
export async function openBenchPage(context: BrowserContext): Promise<Page> {
  const code = await script();
  await context.route(`${ORIGIN}**`, (route) =>
    route.fulfill({
      status: 200,
      contentType: route.request().url().endsWith('.js') ? 'text/javascript' : 'text/html',
      body: route.request().url().endsWith('.js')
        ? code
        : '<!doctype html><meta charset="utf-8"><script src="./page.js"></script>',
    }),
  );
  const page = await context.newPage();
  await page.goto(ORIGIN);
  await page.waitForFunction(() => 'attbench' in globalThis);
  return page;
}
