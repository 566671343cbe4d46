import { isErrorEnvelope, type HealthResponse, type ReadinessResponse } from '@messenjo/shared';
import { describe, expect, it } from 'vitest';
import { useServer } from '../harness/fixtures.ts';

describe('the built server over HTTP', () => {
  const server = useServer('http');

  it('answers /healthz and /readyz with JSON', async () => {
    const health = await fetch(`${server().url}/healthz`);
    expect(health.status).toBe(200);
    expect(health.headers.get('content-type')).toMatch(/application\/json/);
    const healthBody = (await health.json()) as HealthResponse;
    expect(healthBody.status).toBe('ok');
    expect(healthBody.version).toMatch(/^\d+\.\d+\.\d+/);

    const ready = await fetch(`${server().url}/readyz`);
    expect(ready.status).toBe(200);
    const readyBody = (await ready.json()) as ReadinessResponse;
    expect(readyBody.status).toBe('ready');
    expect(readyBody.checks.database).toBe('ok');
    expect(readyBody.checks.migrations.applied).toBe(readyBody.checks.migrations.expected);
    expect(readyBody.checks.migrations.expected).toBeGreaterThan(0);
    expect(readyBody.checks.commits).toBe('ok'); // the commit worker started with the server
  });

  it('answers an unknown API path with a JSON 404 envelope, not the app', async () => {
    const response = await fetch(`${server().url}/api/does-not-exist`);
    expect(response.status).toBe(404);
    const body: unknown = await response.json();
    expect(isErrorEnvelope(body)).toBe(true);
    expect((body as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('falls back to the app shell for an unknown page path, never cached', async () => {
    const response = await fetch(`${server().url}/chats/some-conversation`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(await response.text()).toContain('<div id="root">');
  });

  it('serves hashed assets immutable and the service worker and index uncached', async () => {
    const html = await (await fetch(`${server().url}/`)).text();
    const asset = /(?:src|href)="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const assetResponse = await fetch(`${server().url}${asset}`);
    expect(assetResponse.status).toBe(200);
    expect(assetResponse.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(assetResponse.headers.get('content-type')).toMatch(/javascript/);

    const sw = await fetch(`${server().url}/sw.js`);
    expect(sw.status).toBe(200);
    expect(sw.headers.get('cache-control')).toBe('no-cache');

    const index = await fetch(`${server().url}/index.html`);
    expect(index.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers a missing hashed asset with 404 rather than HTML', async () => {
    const response = await fetch(`${server().url}/assets/missing-abc123.js`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
  });

  it('refuses path traversal out of the app folder', async () => {
    const response = await fetch(`${server().url}/..%2f..%2fpackage.json`);
    const text = await response.text();
    expect(text).not.toContain('"name": "@messenjo');
  });

  it('sets security headers and a request id on every response', async () => {
    for (const path of ['/', '/healthz', '/api/nope']) {
      const response = await fetch(`${server().url}${path}`);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(response.headers.get('x-request-id')).toMatch(/^[\w-]{8,}$/);
    }
  });

  it('refuses an oversized API body with 413 in the error envelope', async () => {
    const response = await fetch(`${server().url}/api/anything`, {
      method: 'POST',
      // Same-origin: a cross-site POST is refused earlier, by the Origin check.
      headers: { 'content-type': 'application/json', origin: new URL(server().url).origin },
      body: JSON.stringify({ blob: 'x'.repeat(200 * 1024) }),
    });
    expect(response.status).toBe(413);
    const body = (await response.json()) as { error: { code: string } };
    expect(body.error.code).toBe('payload_too_large');
  });

  it('logs each request as JSON with its id and without the query string', async () => {
    const response = await fetch(`${server().url}/healthz?code=secret-oauth-code`);
    const id = response.headers.get('x-request-id');
    // The record is printed once the response has gone out: wait for the line itself.
    const record = await server().waitForRecord(
      (r) => r.msg === 'request' && r.requestId === id,
      `the request record of ${id}`,
    );
    expect(record).toMatchObject({ method: 'GET', path: '/healthz', status: 200, level: 'info' });
    expect(server().log()).not.toContain('secret-oauth-code');
  });
});
