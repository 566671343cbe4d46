import { readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function summarize(samples: number[]): { p50: number; p99: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), n: sorted.length };
}

export function median(values: number[]): number {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return NaN;
  const mid = finite.length >> 1;
  return finite.length % 2 ? finite[mid]! : (finite[mid - 1]! + finite[mid]!) / 2;
}

/** CPU time (user + system) a process has used, in ms, from /proc (Linux). */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/**
 * CPU time of a process and all its descendants, in ms, from /proc (Linux): PostgreSQL's
 * postmaster and the backend it forks per connection. Children that ended count once their
 * parent reaped them (its cutime/cstime).
 */
export function processTreeCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  const stats = new Map<number, { ppid: number; ticks: number; reaped: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ');
      stats.set(Number(entry), {
        ppid: Number(fields[1]),
        ticks: Number(fields[11]) + Number(fields[12]),
        reaped: Number(fields[13]) + Number(fields[14]),
      });
    } catch {
      // The process ended while we listed them.
    }
  }
  const root = stats.get(pid);
  if (!root) return undefined;
  let ticks = root.ticks + root.reaped;
  const tree = new Set([pid]);
  // /proc lists parents before their children almost always; loop until no process joins.
  for (let grew = true; grew;) {
    grew = false;
    for (const [child, stat] of stats)
      if (!tree.has(child) && tree.has(stat.ppid)) {
        tree.add(child);
        ticks += stat.ticks;
        grew = true;
      }
  }
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

/** Resident set size of a process, in KB, from /proc (Linux). */
export function processRssKb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Total size of the files under a folder, in bytes. */
export function folderBytes(dir: string, options: { journals?: boolean } = {}): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(full, options);
    else if (options.journals !== false || !SQLITE_JOURNAL.test(entry.name)) total += statSync(full).size;
  }
  return total;
}

/** SQLite's write-ahead log and its index: pages on their way into the database file. */
const SQLITE_JOURNAL = /-(wal|shm)$/;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU time of every core of the machine so far, in ms: busy (not idle or waiting for I/O) and total. */
export interface MachineCpu {
  busy: number;
  total: number;
}

export function machineCpu(): MachineCpu {
  let busy = 0;
  let total = 0;
  for (const { times } of os.cpus()) {
    const all = times.user + times.nice + times.sys + times.idle + times.irq;
    total += all;
    busy += all - times.idle;
  }
  return { busy, total };
}

/** How busy the machine's cores were since `before`, in % of all of them. */
export function machineBusyPercent(before: MachineCpu, after: MachineCpu = machineCpu()): number {
  return (100 * (after.busy - before.busy)) / (after.total - before.total);
}
