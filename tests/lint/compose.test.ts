import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { load } from 'js-yaml';

/**
 * compose.yaml is never run here (no container engine on the test machines), so this reads it
 * and checks it against what it deploys: the variables the server reads and the README
 * documents, the Dockerfile's port and data folder, the Caddyfile the proxy mounts. A renamed
 * variable, a lost replica or a proxy pointed at the wrong port fails here, not on a server.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

interface Service {
  build?: string;
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  deploy?: { replicas?: number };
  healthcheck?: { test: string[] };
}
const compose = load(read('compose.yaml')) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const { postgres, redis, messenjo, proxy } = compose.services;

/** The variables the server's configuration reads (`env.NAME`, `readPositiveInt(env, 'NAME', …)`). */
function variablesTheServerReads(): Set<string> {
  const dir = path.join(ROOT, 'sync-server/src/config');
  const names = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')))
    for (const match of read(`sync-server/src/config/${file}`).matchAll(/env(?:\.|,\s*')([A-Z][A-Z0-9_]*)/g))
      names.add(match[1]!);
  return names;
}

/** `ENV NAME=value` lines of the Dockerfile's final image. */
function dockerfileEnv(): Map<string, string> {
  const text = read('Dockerfile');
  const final = text.slice(text.lastIndexOf('\nFROM '));
  const env = new Map<string, string>();
  for (const match of final.matchAll(/([A-Z][A-Z0-9_]*)=(\S+)/g)) env.set(match[1]!, match[2]!);
  return env;
}

describe('compose.yaml', () => {
  it('runs PostgreSQL, Redis, three replicas of the Dockerfile image and a proxy', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['messenjo', 'postgres', 'proxy', 'redis']);
    expect(messenjo?.build).toBe('.');
    expect(messenjo?.deploy?.replicas).toBe(3);
    // Replicas publish no port of their own: every device comes in through the proxy.
    expect(messenjo?.ports).toBeUndefined();
    expect(proxy?.ports).toContain('80:80');
    // Redis keeps nothing: it is pub/sub only (README.md, "Several processes").
    expect(redis?.command).toEqual(['redis-server', '--save', '', '--appendonly', 'no']);
  });

  it('sets only variables the server reads and the README documents', () => {
    const reads = variablesTheServerReads();
    expect(reads).toContain('DATABASE_URL'); // the scan itself finds what it must
    const readme = read('README.md');
    for (const name of Object.keys(messenjo?.environment ?? {})) {
      expect(reads, `the server does not read ${name}`).toContain(name);
      expect(readme, `README.md does not document ${name}`).toContain(`\`${name}\``);
    }
    expect(Object.keys(messenjo?.environment ?? {})).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'PUBLIC_URL']),
    );
  });

  it('points the replicas at the PostgreSQL and Redis services it starts', () => {
    const env = messenjo!.environment!;
    // Compose substitutes ${…} before the server reads it; the URL's shape is what matters here.
    const database = new URL(env.DATABASE_URL!.replaceAll(/\$\{[^}]+\}/g, 'secret'));
    expect(database.protocol).toBe('postgres:');
    expect(database.hostname).toBe('postgres');
    expect(database.username).toBe(postgres!.environment!.POSTGRES_USER);
    expect(database.pathname).toBe(`/${postgres!.environment!.POSTGRES_DB}`);
    expect(env.DATABASE_URL).toContain('${POSTGRES_PASSWORD');
    expect(postgres!.environment!.POSTGRES_PASSWORD).toContain('${POSTGRES_PASSWORD');
    const bus = new URL(env.REDIS_URL!);
    expect(bus.protocol).toBe('redis:');
    expect(bus.hostname).toBe('redis');
    // A replica starts once both answer their health checks (it refuses to start without them).
    expect(postgres?.healthcheck?.test).toContain('pg_isready');
    expect(redis?.healthcheck?.test).toContain('ping');
    expect(messenjo?.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
  });

  it('shares the image’s data folder between the replicas and declares every volume', () => {
    const dataDir = dockerfileEnv().get('DATA_DIR');
    expect(dataDir).toBe('/data');
    expect(messenjo?.volumes).toContain(`data:${dataDir}`);
    const named = Object.values(compose.services)
      .flatMap((s) => s.volumes ?? [])
      .map((v) => v.split(':')[0]!)
      .filter((source) => !source.startsWith('.'));
    for (const name of named) expect(Object.keys(compose.volumes)).toContain(name);
  });

  it('mounts a Caddyfile that proxies to every replica on the image’s port', () => {
    const mount = proxy?.volumes?.find((v) => v.endsWith(':/etc/caddy/Caddyfile:ro'));
    expect(mount).toBe('./Caddyfile:/etc/caddy/Caddyfile:ro');
    const caddyfile = read('Caddyfile');
    const port = dockerfileEnv().get('PORT');
    expect(port).toBe('8080');
    // Every replica, found by Docker's DNS; round robin, no sticky sessions (no cookie or ip_hash policy).
    expect(caddyfile).toMatch(new RegExp(`^\\s*dynamic a messenjo ${port} \\{`, 'm'));
    expect(caddyfile).toMatch(/^\s*lb_policy round_robin$/m);
    expect(caddyfile).not.toMatch(/lb_policy\s+(cookie|ip_hash|client_ip_hash|header)/);
    expect(proxy?.environment?.SITE_ADDRESS).toBeDefined();
    expect(caddyfile).toContain('{$SITE_ADDRESS');
  });
});
