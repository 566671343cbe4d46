import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CONDITION_MS, SERVER_EXIT_MS, SERVER_START_MS } from './patience.ts';
import { ARTIFACTS_DIR, REPO_DIR, SERVER_ENTRY } from './paths.ts';

export interface ServerOptions {
  /** Extra environment variables; PORT, HOST and DATA_DIR default to an OS-picked port and a fresh folder. */
  env?: Record<string, string>;
  /** Reuse a data folder (for restart tests); otherwise a fresh temporary one is made and removed. */
  dataDir?: string;
  /** How long to wait for the URL and /readyz (default: SERVER_START_MS). */
  readyTimeoutMs?: number;
  /** Flags for node itself (e.g. `--cpu-prof`, which NODE_OPTIONS does not allow). */
  nodeArgs?: string[];
  /** Another build of the server (the bench's baseline); defaults to this tree's. */
  entry?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  dataDir: string;
  process: ChildProcess;
  /** Everything the server printed, stdout and stderr interleaved. */
  log(): string;
  /** JSON log records printed so far (non-JSON lines skipped). */
  records(): Record<string, unknown>[];
  /** The first log record matching, as soon as the server prints it; fails naming `what`. */
  waitForRecord(
    match: (record: Record<string, unknown>) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** Sends a signal and resolves with the exit code (or signal name) once the process ended. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
  /** Removes the data folder if the harness made it. Keeps the log when `failed` is true. */
  dispose(options?: { failed?: boolean; name?: string }): Promise<void>;
}

export interface ExitedProcess {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built server to completion (for configuration errors): it must exit on its own. */
export function runServerExpectingExit(
  env: Record<string, string>,
  timeoutMs = SERVER_EXIT_MS,
): Promise<ExitedProcess> {
  assertBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SERVER_ENTRY], {
      cwd: REPO_DIR,
      env: { ...baseEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not exit within ${timeoutMs} ms:\n${stdout}${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts the built server on a port the OS picks with a fresh data folder, and waits until /readyz answers. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  assertBuilt();
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'messenjo-test-'));
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.entry ?? SERVER_ENTRY], {
    cwd: REPO_DIR,
    env: { ...baseEnv(), PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  /** Woken on every chunk the server prints and when it exits: log waits need no polling. */
  const printed = new Set<() => void>();
  const append = (chunk: Buffer): void => {
    output += chunk.toString();
    for (const wake of printed) wake();
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => {
      for (const wake of printed) wake();
      resolve(code ?? signal ?? 'unknown');
    }),
  );

  const records = (): Record<string, unknown>[] =>
    output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  const exitedEarly = () =>
    child.exitCode !== null || child.signalCode !== null
      ? `server exited with ${child.exitCode ?? child.signalCode}:\n${output}`
      : undefined;

  const waitForRecord = (
    match: (record: Record<string, unknown>) => boolean,
    what: string,
    timeoutMs = CONDITION_MS,
  ): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const found = records().find(match);
        const fatal = found ? undefined : exitedEarly();
        if (!found && !fatal) return;
        clearTimeout(timer);
        printed.delete(check);
        if (found) resolve(found);
        else reject(new Error(`${fatal}\n(while waiting for ${what})`));
      };
      const timer = setTimeout(() => {
        printed.delete(check);
        reject(new Error(`the server did not log ${what} within ${timeoutMs} ms:\n${output}`));
      }, timeoutMs);
      printed.add(check);
      check();
    });

  const startTimeoutMs = options.readyTimeoutMs ?? SERVER_START_MS;
  const started = Date.now();
  const url = (
    await waitForRecord(
      (r) => typeof r.url === 'string' && typeof r.port === 'number',
      'its URL',
      startTimeoutMs,
    )
  ).url as string;
  await waitUntilReady(url, started + startTimeoutMs, exitedEarly, () => output);

  const port = Number(new URL(url).port);
  let stopped: Promise<number | string> | undefined;
  const stop = (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | string> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    stopped ??= exited;
    return stopped;
  };

  return {
    url,
    port,
    dataDir,
    process: child,
    log: () => output,
    records,
    waitForRecord,
    stop,
    async dispose({ failed = false, name = 'server' } = {}) {
      await stop('SIGKILL');
      if (failed) {
        mkdirSync(ARTIFACTS_DIR, { recursive: true });
        const file = path.join(ARTIFACTS_DIR, `${name.replace(/[^\w.-]+/g, '_')}-${Date.now()}.log`);
        writeFileSync(file, output);
        process.stderr.write(`server log kept at ${file}\n`);
      }
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A port nobody listens on now (the OS picks it), for a server whose PUBLIC_URL must name its
 * port before it starts, or that must come back on the same origin after a stop.
 */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('the OS gave no port');
  return address.port;
}

function baseEnv(): NodeJS.ProcessEnv {
  // The server under test must not inherit a developer's own configuration.
  const env = { ...process.env };
  for (const name of ['PORT', 'HOST', 'DATA_DIR', 'PUBLIC_URL', 'STATIC_DIR', 'LOG_LEVEL']) delete env[name];
  return env;
}

function assertBuilt(): void {
  if (!existsSync(SERVER_ENTRY)) throw new Error(`${SERVER_ENTRY} is missing: run \`pnpm build\` first`);
}

/**
 * Asks /readyz until it answers 200: readiness is the server's answer (its database, migrations
 * and commit worker), so it is asked, not guessed from the log. Each answer is awaited before the
 * next question; the short pause between questions only spares a starting server a busy loop.
 */
async function waitUntilReady(
  url: string,
  deadline: number,
  exitedEarly: () => string | undefined,
  output: () => string,
): Promise<void> {
  for (;;) {
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    const fatal = exitedEarly();
    if (fatal !== undefined) throw new Error(fatal);
    if (Date.now() > deadline) throw new Error(`/readyz did not answer 200 in time:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
