import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PeerProcess {
  port: number;
  dataDir: string;
  process: ChildProcess;
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * Starts a peer server script from servers/ as its own Node process (the load generator is never
 * the server), with a fresh data folder, and waits for the `{"port":N}` line it prints.
 * BENCH_PROFILE_DIR adds `--cpu-prof` so a peer can be profiled the same way as ours.
 */
export async function startPeerProcess(
  script: string,
  env: (dataDir: string) => Record<string, string>,
): Promise<PeerProcess> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'messenjo-bench-peer-'));
  const profile = process.env.BENCH_PROFILE_DIR;
  const child = spawn(
    process.execPath,
    [
      ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []),
      fileURLToPath(new URL(`./servers/${script}`, import.meta.url)),
    ],
    { env: { ...process.env, ...env(dataDir) }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} printed no port:\n${output}`)), 20_000);
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}:\n${output}`)));
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /\{"port":(\d+)\}/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
  });
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    })();
    return stopped;
  };
  return {
    port,
    dataDir,
    process: child,
    stop,
    async dispose() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
