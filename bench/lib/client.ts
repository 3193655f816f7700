/**
 * The benchmark's HTTP client: undici pools with keep-alive, every request
 * signed by the SigV4 signer of sigv4.ts (UNSIGNED-PAYLOAD). The same code
 * talks to VaultX and to the ceilings (which ignore the signature), so the
 * client's own cost is the same on both sides of every fraction.
 */
import { Readable } from 'node:stream';
import { Pool } from 'undici';
import { Signer, encodeKeyPath, requestPath } from './sigv4.ts';

export interface TargetOptions {
  name: string;
  origin: string; // http://127.0.0.1:port
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  connections: number;
}

export interface Resp {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export class Target {
  readonly name: string;
  readonly host: string;
  readonly pool: Pool;
  private readonly signer: Signer;

  constructor(readonly opts: TargetOptions) {
    this.name = opts.name;
    this.host = new URL(opts.origin).host;
    this.signer = new Signer({ accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey, region: opts.region });
    this.pool = new Pool(opts.origin, {
      connections: opts.connections,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      keepAliveMaxTimeout: 600_000,
      headersTimeout: 300_000,
      bodyTimeout: 300_000,
    });
  }

  /** path for bucket/key, URI-encoded */
  path(bucket: string, key?: string): string {
    return key === undefined ? `/${bucket}` : `/${bucket}/${encodeKeyPath(key)}`;
  }

  private headers(method: string, path: string, query: Array<[string, string]>, extra: Record<string, string>) {
    return this.signer.sign(method, this.host, path, query, extra);
  }

  /** A request whose response body is collected (small responses). */
  async send(
    method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD',
    path: string,
    opts: { query?: Array<[string, string]>; body?: Buffer; headers?: Record<string, string> } = {},
  ): Promise<Resp> {
    const query = opts.query ?? [];
    const extra = { ...(opts.headers ?? {}) };
    const headers = this.headers(method, path, query, extra);
    if (opts.body) headers['content-length'] = String(opts.body.length);
    const r = await this.pool.request({ method, path: requestPath(path, query), headers, body: opts.body ?? null });
    const chunks: Buffer[] = [];
    for await (const c of r.body) chunks.push(c as Buffer);
    return { status: r.statusCode, headers: r.headers, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks) };
  }

  /** PUT a streamed body of a known length. */
  async putStream(
    path: string,
    body: AsyncIterable<Buffer>,
    length: number,
    query: Array<[string, string]> = [],
    extra: Record<string, string> = {},
  ): Promise<Resp> {
    const headers = this.headers('PUT', path, query, extra);
    headers['content-length'] = String(length);
    const r = await this.pool.request({
      method: 'PUT',
      path: requestPath(path, query),
      headers,
      body: Readable.from(body, { objectMode: false, highWaterMark: 1024 * 1024 }),
    });
    const chunks: Buffer[] = [];
    for await (const c of r.body) chunks.push(c as Buffer);
    return { status: r.statusCode, headers: r.headers, body: Buffer.concat(chunks) };
  }

  /** GET, handing every body piece to onData; returns status, headers and the byte count. */
  async getStream(
    path: string,
    onData: (b: Buffer) => void,
    opts: { query?: Array<[string, string]>; range?: string } = {},
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; bytes: number; errorBody?: string }> {
    const query = opts.query ?? [];
    const extra: Record<string, string> = {};
    if (opts.range) extra.range = opts.range;
    const headers = this.headers('GET', path, query, extra);
    const r = await this.pool.request({ method: 'GET', path: requestPath(path, query), headers, highWaterMark: 1024 * 1024 });
    if (r.statusCode >= 300) {
      return { status: r.statusCode, headers: r.headers, bytes: 0, errorBody: await r.body.text() };
    }
    let bytes = 0;
    for await (const c of r.body) {
      const b = c as Buffer;
      bytes += b.length;
      onData(b);
    }
    return { status: r.statusCode, headers: r.headers, bytes };
  }

  async close(): Promise<void> {
    await this.pool.close().catch(() => this.pool.destroy());
  }
}

export function header(h: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Throws with the response's S3 error code when the status is not 2xx. */
export function expectOk(r: Resp, what: string): void {
  if (r.status >= 200 && r.status < 300) return;
  const text = r.body.toString('utf8');
  const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
  const err = new Error(`${what}: HTTP ${r.status}${code ? ` ${code}` : ''} ${text.slice(0, 300)}`) as Error & { status?: number; code?: string };
  err.status = r.status;
  err.code = code;
  throw err;
}
