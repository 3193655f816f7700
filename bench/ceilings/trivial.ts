/**
 * Ceiling: the trivial server. A plain node:http server answering small-object
 * requests from memory, doing nothing else:
 *
 *   PUT  → consume the body, 200 with an ETag header
 *   GET  → 200 with a 4 KiB body held in memory (TRIVIAL_SIZE bytes)
 *
 * Prints "READY <port>" on stdout.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

const size = Number(process.env.TRIVIAL_SIZE ?? 4096);
const body = randomBytes(size);
const etag = '"' + randomBytes(16).toString('hex') + '"';

const server = createServer((req, res) => {
  if (req.method === 'PUT') {
    req.on('data', () => {});
    req.on('end', () => {
      res.writeHead(200, { etag, 'content-length': '0' });
      res.end();
    });
    return;
  }
  req.resume();
  if (req.method === 'GET') {
    res.writeHead(200, { etag, 'content-length': String(body.length), 'content-type': 'application/octet-stream' });
    res.end(body);
    return;
  }
  res.writeHead(405);
  res.end();
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const a = server.address();
  process.stdout.write(`READY ${typeof a === 'object' && a ? a.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
