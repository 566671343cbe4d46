import { writeFileSync } from 'node:fs';
import type { Reporter, TestCase, TestModule } from 'vitest/node';

/** How many of the slowest tests the summary lists. */
const LISTED = 12;
/** A test should finish within this share of its timeout, so a loaded machine has room (issue 15). */
const HEADROOM_SHARE = 1 / 3;

/**
 * Prints the slowest tests of the run with their share of their own timeout, and names every
 * test that used more than a third of it. It never fails the run: speed is measured by the
 * benchmarks, never by timed assertions; this list says where a busy machine will hit a
 * timeout first. Set TEST_DURATIONS_JSON=file to keep every test's duration as JSON.
 */
export default class SlowestTestsReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const rows = modules.flatMap((module) =>
      [...module.children.allTests()].flatMap((test) => {
        const row = rowOf(test);
        return row ? [row] : [];
      }),
    );
    if (rows.length === 0) return;
    rows.sort((a, b) => b.durationMs - a.durationMs);
    const over = rows.filter((row) => row.share > HEADROOM_SHARE);
    const lines = [
      '',
      `slowest tests (duration, share of its timeout; aim: under ${Math.round(HEADROOM_SHARE * 100)} %):`,
      ...rows.slice(0, LISTED).map(format),
      over.length === 0
        ? 'every test finished within a third of its timeout'
        : `${over.length} test(s) used more than a third of their timeout:\n${over.map(format).join('\n')}`,
      '',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    const file = process.env.TEST_DURATIONS_JSON;
    if (file) writeFileSync(file, JSON.stringify(rows, null, 2));
  }
}

interface Row {
  name: string;
  durationMs: number;
  timeoutMs: number;
  share: number;
}

function rowOf(test: TestCase): Row | undefined {
  const diagnostic = test.diagnostic();
  const timeoutMs = test.options.timeout;
  if (!diagnostic || !timeoutMs) return undefined;
  return {
    name: `${test.module.moduleId.replace(/^.*\/tests\//, '')} > ${test.fullName}`,
    durationMs: Math.round(diagnostic.duration),
    timeoutMs,
    share: diagnostic.duration / timeoutMs,
  };
}

function format(row: Row): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return `  ${seconds(row.durationMs).padStart(7)} / ${seconds(row.timeoutMs).padEnd(7)} ${`${Math.round(row.share * 100)} %`.padStart(5)}  ${row.name}`;
}
