/**
 * `pnpm lighthouse` (after `pnpm build`): Lighthouse 12 on the built app served by the built
 * server, on the sign-in page and on a signed-in conversation view, and prints the scores of
 * performance, accessibility and best practices. Lighthouse 12.2.3 is fetched by npx (13 needs
 * Node 22) and drives Debian's Chromium (CHROMIUM_PATH) headless, with its default mobile
 * emulation (a mid-range phone, slow 4G and a 4× slower CPU, simulated). docs/benchmarks.md
 * holds the scores and what each one depends on.
 *
 * Exits 1 when accessibility or best practices is below 100 (neither is a timing); performance
 * is a speed and only printed. `--json=out.json` writes the scores and the failed audits;
 * `--reports=dir` keeps Lighthouse's own reports and traces; `--only=sign-in` or
 * `--only=conversation` measures one page; `--runs=3` measures each page three times (one
 * seeding) and prints the medians as well; `--static=dir` serves another build of the app (a
 * copy of `app/dist`: the same command on a build before and after a change), and
 * `--server=main.js` runs another build of the server with it (a copy of `sync-server/dist`).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signIn, signUp, type TestAccount } from '../harness/accounts.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH, deviceContext, launchBrowser } from '../harness/browser.ts';
import { LIVE } from '../harness/patience.ts';
import { startServer } from '../harness/server.ts';
import { makeFriends } from '../harness/social.ts';

const LIGHTHOUSE = 'lighthouse@12.2.3';
const CATEGORIES = ['performance', 'accessibility', 'best-practices'] as const;
type Category = (typeof CATEGORIES)[number];
/** Messages in the measured conversation: a screenful and more, as a conversation in use has. */
const MESSAGES = 40;

interface LighthouseReport {
  categories: Record<string, { score: number | null; auditRefs: { id: string; weight: number }[] }>;
  audits: Record<
    string,
    {
      score: number | null;
      scoreDisplayMode: string;
      title: string;
      displayValue?: string;
      numericValue?: number;
    }
  >;
  /** Lighthouse's measure of this machine's speed at the time (a fast desktop is ~2000; under 1000 scores suffer). */
  environment: { benchmarkIndex: number };
}

interface PageScores {
  page: string;
  scores: Record<Category, number>;
  /** Audits that cost points (score < 1 in a category that counts them), with their figure. */
  failed: string[];
  metrics: Record<string, string>;
  /** The same metrics as numbers (milliseconds; CLS unitless), for the medians of `--runs`. */
  values: Record<string, number>;
  benchmarkIndex: number;
}

const METRICS = [
  'first-contentful-paint',
  'largest-contentful-paint',
  'total-blocking-time',
  'cumulative-layout-shift',
  'speed-index',
] as const;

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited ${code}:\n${stderr.slice(-2000)}`)),
    );
  });
}

/**
 * Lighthouse on a loaded machine sometimes loses its own trace ("NO_NAVSTART", "Please run
 * Lighthouse again"): such a run is tried again, twice at most; a page that keeps failing fails.
 */
async function retried(attempt: () => Promise<void>, tries = 3): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (i >= tries || !String(error).includes('run Lighthouse again')) throw error;
      console.warn(`Lighthouse lost its trace; trying again (${i + 1} of ${tries})`);
    }
  }
}

async function lighthouse(
  name: string,
  url: string,
  cookie: string | null,
  dir: string,
): Promise<PageScores> {
  const output = path.join(dir, `${name.replace(/\W+/g, '-')}.json`);
  await retried(() =>
    run('npx', [
      '-y',
      LIGHTHOUSE,
      url,
      '--quiet',
      '--output=json',
      `--output-path=${output}`,
      `--only-categories=${CATEGORIES.join(',')}`,
      `--chrome-path=${CHROMIUM_PATH}`,
      // The harness's flags (its omnibox switched off among them), headless as Lighthouse asks.
      `--chrome-flags=${CHROMIUM_ARGS.map((flag) => (flag === '--headless' ? '--headless=new' : flag)).join(' ')}`,
      ...(cookie ? [`--extra-headers=${JSON.stringify({ Cookie: cookie })}`] : []),
      // Kept reports come with their trace (`*.trace.json`, open it in DevTools' Performance panel).
      ...(keptReports ? ['--save-assets'] : []),
    ]),
  );
  const report = JSON.parse(readFileSync(output, 'utf8')) as LighthouseReport;
  const scores = { performance: 0, accessibility: 0, 'best-practices': 0 } as Record<Category, number>;
  const failed: string[] = [];
  for (const category of CATEGORIES) {
    const entry = report.categories[category]!;
    scores[category] = Math.round((entry.score ?? 0) * 100);
    for (const ref of entry.auditRefs) {
      const audit = report.audits[ref.id]!;
      if (ref.weight > 0 && audit.score !== null && audit.score < 1)
        failed.push(`${category}: ${audit.title}${audit.displayValue ? ` (${audit.displayValue})` : ''}`);
    }
  }
  const metrics: Record<string, string> = {};
  const values: Record<string, number> = {};
  for (const id of METRICS) {
    metrics[id] = report.audits[id]?.displayValue ?? '?';
    values[id] = report.audits[id]?.numericValue ?? Number.NaN;
  }
  return {
    page: name,
    scores,
    failed,
    metrics,
    values,
    benchmarkIndex: Math.round(report.environment.benchmarkIndex),
  };
}

/** Alice and Bob are friends with a conversation of MESSAGES messages, written in Alice's app. */
async function seedConversation(url: string): Promise<{ alice: TestAccount; conversationId: string }> {
  const alice = await signUp(url, { username: 'alice' });
  const bob = await signUp(url, { username: 'bob' });
  const conversationId = await makeFriends(url, alice, bob);
  const browser = await launchBrowser();
  try {
    const context = await deviceContext(browser, url, (await signIn(url, alice)).cookie);
    const page = await context.newPage();
    await page.goto(`${url}/c/${conversationId}`);
    const box = page.getByRole('textbox', { name: 'Message' });
    for (let i = 1; i <= MESSAGES; i++) {
      await box.fill(`Message ${i}: the plan for the weekend, and who brings what.`);
      await box.press('Enter');
    }
    // Every message stored by the server before the page goes away.
    await page
      .getByTestId('message-text')
      .filter({ hasText: `Message ${MESSAGES}:` })
      .waitFor(LIVE);
    await page.waitForFunction(
      () => document.querySelectorAll('[title^="Only on this device"]').length === 0,
      undefined,
      LIVE,
    );
    await context.close();
  } finally {
    await browser.close();
  }
  return { alice, conversationId };
}

const jsonPath = process.argv.find((a) => a.startsWith('--json='))?.slice('--json='.length);
/** `--reports=dir` keeps Lighthouse's full JSON reports there (open them in the Lighthouse viewer). */
const keptReports = process.argv.find((a) => a.startsWith('--reports='))?.slice('--reports='.length);
/** `--only=sign-in` or `--only=conversation`: one page (a quicker look while changing one of them). */
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
/** `--runs=3`: each page measured that many times; the table gets a median row per page. */
const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice('--runs='.length) ?? 1);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs= takes a whole number of runs, 1 or more');
const reports = keptReports
  ? path.resolve(keptReports)
  : mkdtempSync(path.join(os.tmpdir(), 'messenjo-lighthouse-'));
mkdirSync(reports, { recursive: true });
/** `--static=dir`: the app served from there instead of `app/dist` (STATIC_DIR of the server). */
const staticDir = process.argv.find((a) => a.startsWith('--static='))?.slice('--static='.length);
/** `--server=file`: another build of the server (a copy of `sync-server/dist`, its `main.js`), beside `--static`. */
const serverEntry = process.argv.find((a) => a.startsWith('--server='))?.slice('--server='.length);
const server = await startServer({
  ...(staticDir ? { env: { STATIC_DIR: path.resolve(staticDir) } } : {}),
  ...(serverEntry ? { entry: path.resolve(serverEntry) } : {}),
});
const results: PageScores[] = [];
try {
  const suffix = (i: number): string => (runs > 1 ? ` ${i}` : '');
  if (!only || only === 'sign-in')
    for (let i = 1; i <= runs; i++)
      results.push(await lighthouse(`sign-in page${suffix(i)}`, `${server.url}/`, null, reports));
  if (!only || only === 'conversation') {
    const { alice, conversationId } = await seedConversation(server.url);
    // A fresh session per run: each run is a fresh device (Lighthouse clears the storage).
    for (let i = 1; i <= runs; i++)
      results.push(
        await lighthouse(
          `conversation view${suffix(i)}`,
          `${server.url}/c/${conversationId}`,
          (await signIn(server.url, alice)).cookie,
          reports,
        ),
      );
  }
} finally {
  await server.dispose();
  if (!keptReports) rmSync(reports, { recursive: true, force: true });
}

console.log(`\nLighthouse 12.2.3, mobile emulation, ${new Date().toISOString()}\n`);
console.log(
  '| page | performance | accessibility | best practices | FCP | LCP | TBT | CLS | machine (benchmarkIndex) |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  const m = r.metrics;
  console.log(
    `| ${r.page} | ${r.scores.performance} | ${r.scores.accessibility} | ${r.scores['best-practices']} | ${m['first-contentful-paint']} | ${m['largest-contentful-paint']} | ${m['total-blocking-time']} | ${m['cumulative-layout-shift']} | ${r.benchmarkIndex} |`,
  );
}
if (runs > 1) {
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  for (const page of ['sign-in page', 'conversation view']) {
    const of = results.filter((r) => r.page.startsWith(page));
    if (of.length === 0) continue;
    const v = (id: (typeof METRICS)[number]): number => median(of.map((r) => r.values[id]!));
    console.log(
      `| ${page}, median of ${of.length} | ${median(of.map((r) => r.scores.performance))} | ${median(of.map((r) => r.scores.accessibility))} | ${median(of.map((r) => r.scores['best-practices']))} | ${seconds(v('first-contentful-paint'))} | ${seconds(v('largest-contentful-paint'))} | ${Math.round(v('total-blocking-time')).toLocaleString('en')} ms | ${v('cumulative-layout-shift').toFixed(3)} | ${median(of.map((r) => r.benchmarkIndex))} |`,
    );
  }
}
for (const r of results) for (const f of r.failed) console.log(`- ${r.page}, ${f}`);
if (jsonPath) writeFileSync(jsonPath, JSON.stringify(results, null, 2));
const below = results.filter((r) => r.scores.accessibility < 100 || r.scores['best-practices'] < 100);
if (below.length > 0) {
  console.error(`accessibility or best practices below 100 on: ${below.map((r) => r.page).join(', ')}`);
  process.exit(1);
}
