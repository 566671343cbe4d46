// Starts the built server exactly as the root `start` script (and the Docker image's CMD) does,
// with an empty data folder, probes it like a load balancer and a browser would, and stops it
// with SIGTERM, which must end it cleanly with exit code 0.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const startScript = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts.start;
const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1];
if (!cmd || JSON.parse(cmd).join(' ') !== startScript) {
  throw new Error(`Dockerfile CMD ${cmd} does not run the start script "${startScript}"`);
}

const [command, ...args] = startScript.split(' ');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'messenjo-smoke-'));
const child = spawn(command === 'node' ? process.execPath : command, args, {
  cwd: root,
  env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let output = '';
child.stdout.on('data', (chunk) => (output += chunk));
const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));

function check(condition, message) {
  if (!condition) {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    console.error(`smoke: FAILED: ${message}\n--- server output ---\n${output}`);
    process.exit(1);
  }
  console.log(`smoke: ok: ${message}`);
}

const deadline = Date.now() + 20_000;
let url;
while (!url && Date.now() < deadline) {
  url = /"url":"(http[^"]+)"/.exec(output)?.[1];
  if (!url) await new Promise((r) => setTimeout(r, 50));
}
check(url, `server printed its URL (${url})`);

let ready;
while (Date.now() < deadline) {
  ready = await fetch(`${url}/readyz`).catch(() => undefined);
  if (ready?.ok) break;
  await new Promise((r) => setTimeout(r, 50));
}
check(ready?.ok && (await ready.json()).status === 'ready', '/readyz answers ready');

const page = await fetch(`${url}/`);
const html = await page.text();
check(page.ok && html.includes('<div id="root">'), 'the app page is served');
check(page.headers.get('cache-control') === 'no-cache', 'the app page is never cached');

const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
const assetResponse = asset ? await fetch(`${url}${asset}`) : undefined;
check(
  assetResponse?.ok && assetResponse.headers.get('cache-control') === 'public, max-age=31536000, immutable',
  `a hashed asset (${asset}) is cached immutable`,
);

child.kill('SIGTERM');
const code = await exited;
check(code === 0, `SIGTERM stopped the server cleanly (exit ${code})`);
check(output.includes('"msg":"stopped"'), 'the server logged its clean stop');
rmSync(dataDir, { recursive: true, force: true });
