import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { useServer } from '../harness/fixtures.ts';
import { REPO_DIR } from '../harness/paths.ts';

// A copy of the built app, so a test may remove one precompressed file without touching the build.
const staticDir = mkdtempSync(path.join(os.tmpdir(), 'messenjo-static-'));
cpSync(path.join(REPO_DIR, 'app', 'dist'), staticDir, { recursive: true });
afterAll(() => rmSync(staticDir, { recursive: true, force: true }));

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** node:http, not fetch: fetch decodes the body itself, and these tests look at the bytes sent. */
function raw(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('precompressed static files', () => {
  const server = useServer('compression', { env: { STATIC_DIR: staticDir } });
  const mainScript = (): string => {
    const html = readFileSync(path.join(staticDir, 'index.html'), 'utf8');
    const src = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    if (!src) throw new Error('index.html names no script');
    return src;
  };
  const original = (urlPath: string): Buffer => readFileSync(path.join(staticDir, urlPath));
  /** The app's largest script (the entry is a 12 KB starter; the bytes that matter are here). */
  const largestScript = (): string => {
    const scripts = readdirSync(path.join(staticDir, 'assets')).filter((name) => name.endsWith('.js'));
    const size = (name: string) => original(`/assets/${name}`).length;
    const largest = scripts.sort((a, b) => size(b) - size(a))[0];
    if (!largest) throw new Error('the build wrote no script');
    return `/assets/${largest}`;
  };

  it('sends brotli when accepted, with the type, caching and Vary of the file', async () => {
    const script = largestScript();
    const response = await raw(`${server().url}${script}`, { 'Accept-Encoding': 'gzip, deflate, br, zstd' });
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe('br');
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.headers.vary).toMatch(/Accept-Encoding/i);
    expect(Number(response.headers['content-length'])).toBe(response.body.length);
    expect(brotliDecompressSync(response.body).equals(original(script))).toBe(true);
    // Worth sending: the largest script is several times smaller.
    expect(response.body.length).toBeLessThan(original(script).length / 3);
  });

  it("sends the search worker's SQLite WebAssembly in brotli, as application/wasm (streaming compile)", async () => {
    const wasm = readdirSync(path.join(staticDir, 'assets')).find((name) => name.endsWith('.wasm'));
    if (!wasm) throw new Error('the build wrote no .wasm asset');
    const response = await raw(`${server().url}/assets/${wasm}`, { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe('br');
    expect(response.headers['content-type']).toBe('application/wasm');
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotliDecompressSync(response.body).equals(original(`/assets/${wasm}`))).toBe(true);
    expect(response.body.length).toBeLessThan(original(`/assets/${wasm}`).length / 2);
  });

  it('sends gzip to a client that accepts only gzip, and the file itself to one that accepts neither', async () => {
    const script = mainScript();
    const gzipped = await raw(`${server().url}${script}`, { 'Accept-Encoding': 'gzip' });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzipped.body).equals(original(script))).toBe(true);

    const plain = await raw(`${server().url}${script}`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toMatch(/Accept-Encoding/i);
    expect(plain.body.equals(original(script))).toBe(true);

    const refused = await raw(`${server().url}${script}`, { 'Accept-Encoding': 'br;q=0, gzip;q=0' });
    expect(refused.headers['content-encoding']).toBeUndefined();
  });

  it('compresses the app shell served for a deep link, the service worker and the manifest, all still revalidated', async () => {
    for (const urlPath of ['/c/some-conversation', '/sw.js', '/manifest.webmanifest']) {
      const response = await raw(`${server().url}${urlPath}`, { 'Accept-Encoding': 'br' });
      expect(response.status, urlPath).toBe(200);
      expect(response.headers['content-encoding'], urlPath).toBe('br');
      expect(response.headers['cache-control'], urlPath).toBe('no-cache');
    }
    const shell = await raw(`${server().url}/c/some-conversation`, { 'Accept-Encoding': 'br' });
    expect(brotliDecompressSync(shell.body).toString()).toContain('<div id="root">');
  });

  it('falls back to gzip, then to the file, when a precompressed file is missing', async () => {
    const script = mainScript();
    rmSync(path.join(staticDir, `${script}.br`));
    const gzipped = await raw(`${server().url}${script}`, { 'Accept-Encoding': 'br, gzip' });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzipped.body).equals(original(script))).toBe(true);

    rmSync(path.join(staticDir, `${script}.gz`));
    const plain = await raw(`${server().url}${script}`, { 'Accept-Encoding': 'br, gzip' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(original(script))).toBe(true);
  });

  it('answers HEAD with the headers of the body GET would send, and ignores ranges rather than cut a compressed body', async () => {
    const css = /href="(\/assets\/[^"]+\.css)"/.exec(
      readFileSync(path.join(staticDir, 'index.html'), 'utf8'),
    )?.[1];
    if (!css) throw new Error('index.html names no stylesheet');
    const get = await raw(`${server().url}${css}`, { 'Accept-Encoding': 'br' });
    const head = await raw(`${server().url}${css}`, { 'Accept-Encoding': 'br' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-encoding']).toBe('br');
    expect(head.headers['content-type']).toMatch(/text\/css/);
    expect(head.headers['content-length']).toBe(String(get.body.length));

    const ranged = await raw(`${server().url}${css}`, { 'Accept-Encoding': 'br', Range: 'bytes=0-9' });
    expect(ranged.status).toBe(200);
    expect(brotliDecompressSync(ranged.body).equals(original(css))).toBe(true);
  });

  it('never compresses the API', async () => {
    const response = await raw(`${server().url}/api/auth/providers`, { 'Accept-Encoding': 'br, gzip' });
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBeUndefined();
  });
});
