import { readFileSync } from 'node:fs';

/**
 * `npx tsx bench/trace-summary.ts <trace.json> [until-ms]`: where a page's start went, from a
 * Chromium trace of one open (`APP_OPEN_TRACE`, workloads/app-open.ts), on the page's clock (ms
 * since its navigation started): the page's main-thread tasks of 2 ms or more with what ran in
 * them, the service worker's fetch events, the app's marks and the paints; then the main
 * thread's time by kind up to `until-ms` (default: the app's `messenjo:snapshot-replaced` mark,
 * else the last mark). docs/benchmarks.md, "The saved screen", reads its output.
 */

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  cat?: string;
  args?: {
    data?: Record<string, string | number | boolean>;
    url?: string;
    beginData?: Record<string, string>;
  };
}

// Piped into head: stop quietly when the reader has had enough.
process.stdout.on('error', () => process.exit(0));
const [file, untilArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: trace-summary.ts <trace.json> [until-ms]');
  process.exit(2);
}
const raw = JSON.parse(readFileSync(file, 'utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
const events = Array.isArray(raw) ? raw : raw.traceEvents;

// The measured navigation: the first navigationStart of an http(s) document.
const start = events.find(
  (e) =>
    e.name === 'navigationStart' &&
    String(e.args?.data?.documentLoaderURL ?? '').startsWith('http') &&
    e.args?.data?.isOutermostMainFrame === true,
);
if (!start) throw new Error('no navigation of an http(s) page in this trace');
const page = { pid: start.pid, tid: start.tid };
const t0 = start.ts;
const at = (ts: number): string => ((ts - t0) / 1000).toFixed(1).padStart(7);
const ms = (us: number): string => (us / 1000).toFixed(1);

const threadNames = new Map<string, string>();
for (const e of events)
  if (e.ph === 'M' && e.name === 'thread_name')
    threadNames.set(`${e.pid}:${e.tid}`, String((e.args as { name?: string } | undefined)?.name));
const onPage = (e: TraceEvent): boolean => e.pid === page.pid && e.tid === page.tid;
const serviceWorker = (e: TraceEvent): boolean =>
  threadNames.get(`${e.pid}:${e.tid}`) === 'ServiceWorker thread';

/** What a slice of the main thread was doing, coarsely: the buckets of the totals. */
const KIND: Record<string, string> = {
  ParseHTML: 'parse HTML',
  UpdateLayoutTree: 'style',
  Layout: 'layout',
  PrePaint: 'paint',
  Paint: 'paint',
  Layerize: 'paint',
  Commit: 'paint',
  EvaluateScript: 'script',
  'v8.evaluateModule': 'script',
  'v8.compileModule': 'compile',
  'v8.compile': 'compile',
  'V8.CompileCode': 'compile',
  'V8.ParseFunction': 'compile',
  FunctionCall: 'script',
  RunMicrotasks: 'script',
  TimerFire: 'script',
  FireAnimationFrame: 'script',
  EventDispatch: 'script',
  MinorGC: 'gc',
  MajorGC: 'gc',
  'DocumentModuleScriptFetcher::NotifyFinished': 'compile',
};

const mainThread = events
  .filter((e) => onPage(e) && e.ph === 'X' && e.dur !== undefined)
  .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
const tasks = mainThread.filter((e) => e.name === 'RunTask');

/** The outermost slices of known kinds inside [from, to): their own, not their children's, time. */
function kindsWithin(from: number, to: number): Map<string, number> {
  const byKind = new Map<string, number>();
  let coveredUntil = from;
  for (const e of mainThread) {
    if (e.ts < from || e.ts >= to || e.name === 'RunTask') continue;
    const kind = KIND[e.name];
    if (!kind || e.ts < coveredUntil) continue;
    const end = Math.min(e.ts + e.dur!, to);
    byKind.set(kind, (byKind.get(kind) ?? 0) + end - e.ts);
    coveredUntil = end;
  }
  return byKind;
}

const describe = (e: TraceEvent): string => {
  const data = e.args?.data ?? e.args?.beginData ?? {};
  const url = String(data.url ?? e.args?.url ?? '')
    .split('/')
    .pop();
  const fn = data.functionName ? ` ${String(data.functionName)}` : '';
  return url || fn ? `${e.name}(${url ?? ''}${fn})` : e.name;
};

const marks = events
  .filter(
    (e) =>
      onPage(e) &&
      (e.cat?.includes('blink.user_timing') || e.cat?.includes('loading')) &&
      (e.name.startsWith('messenjo:') ||
        ['firstPaint', 'firstContentfulPaint', 'domInteractive', 'responseEnd'].includes(e.name)) &&
      e.ts >= t0,
  )
  .sort((a, b) => a.ts - b.ts);
const lastMark = marks.at(-1)?.ts ?? t0;
const replaced = marks.find((e) => e.name === 'messenjo:snapshot-replaced')?.ts;
const until = untilArg ? t0 + Number(untilArg) * 1000 : (replaced ?? lastMark);

const lines: [number, string][] = [];
for (const m of marks) lines.push([m.ts, `mark ${m.name}`]);
for (const task of tasks) {
  if (task.ts < t0 || task.ts > until + 50_000 || task.dur! < 2000) continue;
  const inner = mainThread
    .filter((e) => e.ts >= task.ts && e.ts < task.ts + task.dur! && KIND[e.name] && e.dur! >= 1000)
    .slice(0, 6)
    .map((e) => `${describe(e)} ${ms(e.dur!)}`);
  lines.push([task.ts, `task ${ms(task.dur!)} ms: ${inner.join(', ')}`]);
}
for (const e of events) {
  if (!serviceWorker(e) || e.ts < t0 - 20_000 || e.ts > until) continue;
  if (e.name === 'ServiceWorkerGlobalScope::DispatchFetchEventInternal' && e.ph === 'X')
    lines.push([
      e.ts,
      `  sw fetch event ${String(e.args?.url ?? '')
        .split('/')
        .pop()} ${ms(e.dur!)} ms`,
    ]);
  if (e.name === 'RunTask' && e.dur! >= 2000) lines.push([e.ts, `  sw task ${ms(e.dur!)} ms`]);
}
for (const [ts, what] of lines.sort((a, b) => a[0] - b[0])) console.log(`${at(ts)}  ${what}`);

const busy = tasks
  .filter((e) => e.ts >= t0 && e.ts < until)
  .reduce((sum, e) => sum + Math.min(e.dur!, until - e.ts), 0);
console.log(`\nmain thread, navigation → ${at(until).trim()} ms: busy ${ms(busy)} ms`);
for (const [kind, us] of [...kindsWithin(t0, until)].sort((a, b) => b[1] - a[1]))
  console.log(`  ${kind.padEnd(12)} ${ms(us).padStart(7)} ms`);
