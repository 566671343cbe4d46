import { readFile } from 'node:fs/promises';
import { Hono } from 'hono';
import { notFound } from '../../http/app-error.ts';
import type { AppEnv } from '../../http/env.ts';
import type { Pictures } from './pictures.ts';

const FILE = /^([0-9a-f]{64})-(256|64)\.webp$/;

/** `GET /media/<hash>-<size>.webp`: content-addressed, so cached forever. */
export function mediaRoutes(pictures: Pictures): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.get('/media/:file', async (c) => {
    const match = FILE.exec(c.req.param('file'));
    if (!match) throw notFound('No such picture');
    let data: Buffer;
    try {
      data = await readFile(pictures.filePath(match[1]!, Number(match[2])));
    } catch {
      throw notFound('No such picture');
    }
    return c.body(new Uint8Array(data), 200, {
      'content-type': 'image/webp',
      'cache-control': 'public, max-age=31536000, immutable',
    });
  });
  return routes;
}
