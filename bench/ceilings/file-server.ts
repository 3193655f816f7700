/**
 * Ceiling: the file server. A plain node:http server that streams a file
 * (the runner reads it once beforehand, so it is in the page cache) for a
 * GET: open, stat, fs.createReadStream piped into the response.
 *
 *   GET /<anything>   <FILE_DIR>/<path with / → _>
 *
 * env: FILE_DIR (required), FILE_READ_SIZE (read size, default 256 KiB).
 * Prints "READY <port>" on stdout.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

const dir = process.env.FILE_DIR;
if (!dir) throw new Error('FILE_DIR is required');
const readSize = Number(process.env.FILE_READ_SIZE ?? 256 * 1024);

function fileFor(url: string): string {
  const p = decodeURIComponent(url.split('?')[0]).replace(/^\/+/, '').replace(/[^A-Za-z0-9._-]/g, '_');
  return join(dir!, p || 'root');
}

const server = createServer((req, res) => {
  req.resume();
  if (req.method !== 'GET') {
    res.writeHead(405);
    res.end();
    return;
  }
  const file = fileFor(req.url ?? '/');
  stat(file).then(
    (st) => {
      res.writeHead(200, { 'content-length': String(st.size), 'content-type': 'application/octet-stream' });
      pipeline(createReadStream(file, { highWaterMark: readSize }), res).catch(() => res.destroy());
    },
    () => {
      res.writeHead(404);
      res.end();
    },
  );
});
server.keepAliveTimeout = 60_000;
server.requestTimeout = 0;
server.listen(0, '127.0.0.1', () => {
  const a = server.address();
  process.stdout.write(`READY ${typeof a === 'object' && a ? a.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
