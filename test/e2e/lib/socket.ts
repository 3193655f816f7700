/**
 * HTTP/1.1 over a bare TCP socket, for requests no HTTP client will send as
 * written: garbage Content-Length, control bytes in header values, Expect
 * headers, a body held back until the server answers 100 Continue.
 */
import { connect, type Socket } from 'node:net';

export interface SocketResponse {
  /** status of every response head received, in order (e.g. [100, 200]) */
  statuses: number[];
  /** headers of the last head (lower-case names) */
  headers: Record<string, string>;
  /** everything after the last head */
  body: Buffer;
}

function parseHeads(data: Buffer): { heads: Array<{ status: number; headers: Record<string, string> }>; rest: Buffer } {
  const heads: Array<{ status: number; headers: Record<string, string> }> = [];
  let off = 0;
  for (;;) {
    const end = data.indexOf('\r\n\r\n', off);
    if (end < 0) break;
    const lines = data.subarray(off, end).toString('latin1').split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
    if (!m) break;
    const headers: Record<string, string> = {};
    for (const l of lines.slice(1)) {
      const i = l.indexOf(':');
      if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    heads.push({ status: Number(m[1]), headers });
    off = end + 4;
    if (Number(m[1]) >= 200) break;
  }
  return { heads, rest: data.subarray(off) };
}

/**
 * Sends `head` (request line + headers, without the blank line) and, when
 * `body` is given, the body: at once, or only after a 100 Continue when
 * `waitForContinue` is set. Resolves when the server closes the connection,
 * the final response's Content-Length is satisfied, or `timeoutMs` passes.
 */
export function socketRequest(
  port: number,
  head: string[],
  opts: { body?: Buffer; waitForContinue?: boolean; timeoutMs?: number } = {},
): Promise<SocketResponse> {
  return new Promise((resolve, reject) => {
    const s: Socket = connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let bodySent = false;
    const finish = () => {
      clearTimeout(timer);
      s.destroy();
      const { heads, rest } = parseHeads(data);
      const last = heads[heads.length - 1];
      resolve({ statuses: heads.map((h) => h.status), headers: last?.headers ?? {}, body: rest });
    };
    const timer = setTimeout(finish, opts.timeoutMs ?? 5000);
    s.on('error', (e) => {
      if (data.length > 0) finish();
      else {
        clearTimeout(timer);
        reject(e);
      }
    });
    s.on('connect', () => {
      s.write(Buffer.from(head.join('\r\n') + '\r\n\r\n', 'latin1'));
      if (opts.body && !opts.waitForContinue) {
        s.write(opts.body);
        bodySent = true;
      }
    });
    s.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const { heads, rest } = parseHeads(data);
      const last = heads[heads.length - 1];
      if (!last) return;
      if (last.status === 100) {
        if (opts.body && !bodySent) {
          s.write(opts.body);
          bodySent = true;
        }
        return;
      }
      const len = Number(last.headers['content-length'] ?? NaN);
      if (Number.isFinite(len) && rest.length >= len) finish();
    });
    s.on('close', finish);
  });
}
