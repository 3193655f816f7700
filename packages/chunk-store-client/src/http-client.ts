/**
 * ChunkStoreApi over internal HTTP: chunk bodies stream in both directions.
 */
import { Readable } from 'node:stream';
import { S3Error } from '@vaultx/s3-protocol';
import { InternalHttp, REQUEST_ID_HEADER } from '@vaultx/service-kit';
import type {
  ChunkContext,
  ChunkListing,
  ChunkStat,
  ChunkStoreApi,
  ChunkStoreMaintenanceApi,
  DeleteIfIdleResult,
  PutChunkOptions,
  PutChunkResult,
  VerifyChunkResult,
} from './api.ts';

export const CONTENT_TYPE_HINT_HEADER = 'x-vaultx-content-type';
export const EXPECTED_ID_HEADER = 'x-vaultx-expected-id';

function ctxHeaders(ctx?: ChunkContext): Record<string, string> {
  return ctx?.requestId ? { [REQUEST_ID_HEADER]: ctx.requestId } : {};
}

async function errorFrom(res: { statusCode: number; body: { json(): Promise<unknown>; dump(): Promise<void> } }): Promise<S3Error> {
  try {
    const b = (await res.body.json()) as { error?: { code: string; message?: string } };
    if (b.error) return S3Error.fromJSON(b.error);
  } catch {
    /* not JSON */
  }
  return new S3Error('InternalError', `chunk-store answered ${res.statusCode}`);
}

/** Header values must be plain visible ASCII; anything else is not a useful hint anyway. */
function headerSafe(v: string): string | undefined {
  return /^[\x20-\x7e]{1,256}$/.test(v) ? v : undefined;
}

export class ChunkStoreHttpClient implements ChunkStoreApi, ChunkStoreMaintenanceApi {
  private readonly http: InternalHttp;

  constructor(baseUrl: string) {
    this.http = new InternalHttp(baseUrl, 'chunk-store');
  }

  async putChunk(body: AsyncIterable<Buffer>, opts?: PutChunkOptions): Promise<PutChunkResult> {
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream', ...ctxHeaders(opts) };
    const hint = opts?.contentType !== undefined ? headerSafe(opts.contentType) : undefined;
    if (hint) headers[CONTENT_TYPE_HINT_HEADER] = hint;
    if (opts?.expectedId) headers[EXPECTED_ID_HEADER] = opts.expectedId;
    const res = await this.http.request({
      method: 'PUT',
      path: '/v1/chunks',
      headers,
      body: body instanceof Readable ? body : Readable.from(body),
    });
    if (res.statusCode !== 200) throw await errorFrom(res);
    return (await res.body.json()) as PutChunkResult;
  }

  async getChunk(id: string, range?: { start: number; end: number }, ctx?: ChunkContext): Promise<Readable> {
    const headers = ctxHeaders(ctx);
    if (range) headers.range = `bytes=${range.start}-${range.end}`;
    const res = await this.http.request({ method: 'GET', path: `/v1/chunks/${id}`, headers });
    if (res.statusCode !== 200 && res.statusCode !== 206) throw await errorFrom(res);
    return res.body;
  }

  async statChunk(id: string, ctx?: ChunkContext): Promise<ChunkStat | undefined> {
    const res = await this.http.request({ method: 'HEAD', path: `/v1/chunks/${id}`, headers: ctxHeaders(ctx) });
    await res.body.dump();
    if (res.statusCode === 404) return undefined;
    if (res.statusCode !== 200) throw new S3Error('InternalError', `chunk-store answered ${res.statusCode}`);
    return { size: Number(res.headers['x-chunk-size']) };
  }

  async deleteChunk(id: string, ctx?: ChunkContext): Promise<void> {
    const res = await this.http.request({ method: 'DELETE', path: `/v1/chunks/${id}`, headers: ctxHeaders(ctx) });
    if (res.statusCode !== 204) throw await errorFrom(res);
    await res.body.dump();
  }

  async verifyChunk(id: string, ctx?: ChunkContext): Promise<VerifyChunkResult> {
    const res = await this.http.request({ method: 'POST', path: `/v1/chunks/${id}/verify`, headers: ctxHeaders(ctx) });
    if (res.statusCode !== 200) throw await errorFrom(res);
    return (await res.body.json()) as VerifyChunkResult;
  }

  async listChunks(opts: { after?: string; limit?: number }, ctx?: ChunkContext): Promise<ChunkListing> {
    const q = new URLSearchParams();
    if (opts.after !== undefined) q.set('after', opts.after);
    if (opts.limit !== undefined) q.set('limit', String(opts.limit));
    const res = await this.http.request({ method: 'GET', path: `/v1/chunks?${q.toString()}`, headers: ctxHeaders(ctx) });
    if (res.statusCode !== 200) throw await errorFrom(res);
    return (await res.body.json()) as ChunkListing;
  }

  async deleteChunkIfIdle(id: string, olderThanMs: number, ctx?: ChunkContext): Promise<DeleteIfIdleResult> {
    const res = await this.http.request({
      method: 'POST',
      path: `/v1/chunks/${id}/delete-if-idle?olderThanMs=${Math.max(0, Math.floor(olderThanMs))}`,
      headers: ctxHeaders(ctx),
    });
    if (res.statusCode !== 200) throw await errorFrom(res);
    return (await res.body.json()) as DeleteIfIdleResult;
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
