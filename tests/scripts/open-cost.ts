/**
 * What opening a conversation costs the page's main thread, counted rather than timed: a fresh
 * device opens a conversation of 1,000 messages on its address (as Lighthouse's conversation view
 * does) and is left until nothing has been laid out for a second; Chromium's own counters
 * (`Performance.getMetrics`: layouts, style recalculations, their time, script time) and the long
 * tasks' blocking time (each task's time over 50 ms, unthrottled) are read then. Layouts and style
 * passes do not depend on the machine's load; the times do.
 *
 *   pnpm --filter @messenjo/tests exec tsx scripts/open-cost.ts --rounds=3 \
 *     --static=<other app/dist> --server=<other sync-server/dist/main.js>
 *
 * Each round opens once with this checkout's build and once with the other (when given), in turn.
 */
import path from 'node:path';
import { signUp } from '../harness/accounts.ts';
import { deviceContext, launchBrowser } from '../harness/browser.ts';
import { writeHistory } from '../harness/history.ts';
import { LIVE } from '../harness/patience.ts';
import { startServer, type RunningServer } from '../harness/server.ts';
import { makeFriends } from '../harness/social.ts';

const arg = (name: string): string | undefined =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const rounds = Number(arg('rounds') ?? 3);
const staticDir = arg('static');
const serverEntry = arg('server');

interface Cost {
  layouts: number;
  styles: number;
  layoutMs: number;
  styleMs: number;
  scriptMs: number;
  blockingMs: number;
}

const watchLongTasks = (): void => {
  const w = window as unknown as { __blocking: number };
  w.__blocking = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) w.__blocking += Math.max(0, entry.duration - 50);
  }).observe({ type: 'longtask', buffered: true });
};

async function seeded(server: RunningServer): Promise<{ cookie: string; path: string; newest: string }> {
  const tag = Math.random().toString(36).slice(2, 6);
  const alice = await signUp(server.url, { username: `alice_${tag}` });
  const bob = await signUp(server.url, { username: `bob_${tag}` });
  const conversationId = await makeFriends(server.url, alice, bob);
  const texts = await writeHistory(server.url, alice, conversationId, 1);
  return { cookie: alice.cookie, path: `/c/${conversationId}`, newest: texts.at(-1)! };
}

async function open(server: RunningServer, seed: Awaited<ReturnType<typeof seeded>>): Promise<Cost> {
  const browser = await launchBrowser();
  try {
    const context = await deviceContext(browser, server.url, seed.cookie, {
      viewport: { width: 412, height: 823 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await page.addInitScript(watchLongTasks);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(`${server.url}${seed.path}`);
    await page
      .getByTestId('message-text')
      .filter({ hasText: new RegExp(`^${seed.newest}$`) })
      .first()
      .waitFor(LIVE);
    const metrics = async (): Promise<Map<string, number>> =>
      new Map((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
    // Quiet: no layout for a second (the history has arrived and been placed).
    let last = await metrics();
    for (;;) {
      await page.waitForTimeout(1000);
      const now = await metrics();
      if (now.get('LayoutCount') === last.get('LayoutCount')) break;
      last = now;
    }
    const blocking = await page.evaluate(() => (window as unknown as { __blocking: number }).__blocking);
    await context.close();
    return {
      layouts: last.get('LayoutCount') ?? 0,
      styles: last.get('RecalcStyleCount') ?? 0,
      layoutMs: (last.get('LayoutDuration') ?? 0) * 1000,
      styleMs: (last.get('RecalcStyleDuration') ?? 0) * 1000,
      scriptMs: (last.get('ScriptDuration') ?? 0) * 1000,
      blockingMs: blocking,
    };
  } finally {
    await browser.close();
  }
}

const builds: { name: string; server: RunningServer }[] = [
  { name: 'this build', server: await startServer() },
];
if (staticDir || serverEntry)
  builds.push({
    name: 'other build',
    server: await startServer({
      ...(staticDir ? { env: { STATIC_DIR: path.resolve(staticDir) } } : {}),
      ...(serverEntry ? { entry: path.resolve(serverEntry) } : {}),
    }),
  });
try {
  const seeds = await Promise.all(builds.map((b) => seeded(b.server)));
  const results = builds.map(() => [] as Cost[]);
  for (let r = 0; r < rounds; r++)
    for (const [i, build] of builds.entries()) results[i]!.push(await open(build.server, seeds[i]!));
  const median = (values: number[]): number =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  console.log(
    '| build | layouts | style passes | layout ms | style ms | script ms | blocking ms (long tasks − 50) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const [i, build] of builds.entries()) {
    const each = (key: keyof Cost) => results[i]!.map((c) => Math.round(c[key]));
    const cell = (key: keyof Cost) => `${median(each(key))} (${each(key).join(', ')})`;
    console.log(
      `| ${build.name} | ${cell('layouts')} | ${cell('styles')} | ${cell('layoutMs')} | ${cell('styleMs')} | ${cell('scriptMs')} | ${cell('blockingMs')} |`,
    );
  }
} finally {
  for (const build of builds) {
    await build.server.stop();
    await build.server.dispose();
  }
}
