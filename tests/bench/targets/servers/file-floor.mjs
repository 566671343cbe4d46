// W13's floor: the least an HTTP server on Node can do with a file. `PUT /<name>` streams the
// body into `<dir>/<name>` and fsyncs it; `GET /<name>` streams the file back (one `Range:
// bytes=<first>-` for a resumed download). No sessions, checks, hashing or framework: what it
// measures is the client, loopback TCP, node:http and the disk. The folder is FILE_FLOOR_DIR.
// Prints {"port":N} once listening on 127.0.0.1 (a port the OS picks).
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

const dir = process.env.FILE_FLOOR_DIR;
const fileOf = (url) => path.join(dir, path.basename(url ?? '/'));

const server = createServer((req, res) => {
  const file = fileOf(req.url);
  if (req.method === 'PUT') {
    pipeline(req, createWriteStream(file))
      .then(async () => {
        // The write stream has closed its descriptor: open again to fsync, as a durable store would.
        const handle = await open(file, 'r');
        await handle.sync();
        await handle.close();
      })
      .then(() => res.writeHead(204).end())
      .catch(() => res.writeHead(500).end());
    return;
  }
  if (req.method !== 'GET') return void res.writeHead(405).end();
  const size = statSync(file).size;
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const start = range ? Number(range[1]) : 0;
  res.writeHead(range ? 206 : 200, {
    'content-type': 'application/octet-stream',
    'content-length': String(size - start),
    ...(range ? { 'content-range': `bytes ${start}-${size - 1}/${size}` } : {}),
  });
  createReadStream(file, { start }).pipe(res);
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
