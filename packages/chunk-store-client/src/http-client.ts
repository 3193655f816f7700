/**
 * ChunkStoreApi over internal HTTP: chunk bodies stream in both directions.
 */
import { Readable } from 'node:stream';
import { S3Error } from '@vaultx/s3-protocol';
import { InternalHttp, REQUEST_ID_HEADER } from '@vaultx/service-kit';
import type { ChunkContext, ChunkStoreApi, PutChunkResult } from './api.ts';

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

export class ChunkStoreHttpClient implements ChunkStoreApi {
  private readonly http: InternalHttp;

  constructor(baseUrl: string) {
    this.http = new InternalHttp(baseUrl, 'chunk-store');
  }

  async putChunk(body: AsyncIterable<Buffer>, ctx?: ChunkContext): Promise<PutChunkResult> {
    const res = await this.http.request({
      method: 'PUT',
      path: '/v1/chunks',
      headers: { 'content-type': 'application/octet-stream', ...ctxHeaders(ctx) },
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

  async statChunk(id: string, ctx?: ChunkContext): Promise<{ size: number } | undefined> {
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

  close(): Promise<void> {
    return this.http.close();
  }
}
