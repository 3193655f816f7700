/**
 * Ceiling: the durable sink. A plain node:http server doing only the work a
 * durable PUT cannot avoid: receive the body, compute its MD5 (the S3 ETag)
 * and SHA-256 (the chunk address) — in this process, on the main thread, the
 * plain way — write it to a file, fsync, answer 200 with the ETag.
 *
 *   PUT /<anything>     body → <SINK_DIR>/<path with / → _>, fsynced
 *   DELETE /<anything>  removes that file
 *
 * env: SINK_DIR (required). Listens on 127.0.0.1, an ephemeral port; prints
 * "READY <port>" on stdout.
 */
import { createHash } from 'node:crypto';
import { close, createWriteStream, fsync, open } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { promisify } from 'node:util';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

const dir = process.env.SINK_DIR;
if (!dir) throw new Error('SINK_DIR is required');

const openP = promisify(open);
const fsyncP = promisify(fsync);
const closeP = promisify(close);

function fileFor(url: string): string {
  const p = decodeURIComponent(url.split('?')[0]).replace(/^\/+/, '').replace(/[^A-Za-z0-9._-]/g, '_');
  return join(dir!, p || 'root');
}

const server = createServer((req, res) => {
  const file = fileFor(req.url ?? '/');
  const fail = (e: unknown) => {
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(String(e));
  };
  if (req.method === 'PUT') {
    void (async () => {
      const md5 = createHash('md5');
      const sha = createHash('sha256');
      const fd = await openP(file, 'w');
      try {
        await pipeline(
          req,
          async function* (src: AsyncIterable<Buffer>) {
            for await (const chunk of src) {
              md5.update(chunk);
              sha.update(chunk);
              yield chunk;
            }
          },
          createWriteStream('', { fd, autoClose: false }),
        );
        await fsyncP(fd);
      } finally {
        await closeP(fd);
      }
      res.writeHead(200, { etag: `"${md5.digest('hex')}"`, 'x-sha256': sha.digest('hex'), 'content-length': '0' });
      res.end();
    })().catch(fail);
    return;
  }
  if (req.method === 'DELETE') {
    req.resume();
    unlink(file).then(
      () => {
        res.writeHead(204);
        res.end();
      },
      () => {
        res.writeHead(404);
        res.end();
      },
    );
    return;
  }
  req.resume();
  res.writeHead(405);
  res.end();
});
server.keepAliveTimeout = 60_000;
server.requestTimeout = 0;
server.listen(0, '127.0.0.1', () => {
  const a = server.address();
  process.stdout.write(`READY ${typeof a === 'object' && a ? a.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
