/**
 * The chunk-store service's API. The service implements it directly
 * (in-process wiring); the HTTP client speaks it over internal HTTP:
 *   PUT    /v1/chunks            body = chunk bytes   -> 200 {id,size,existed}
 *   GET    /v1/chunks/:id        Range: bytes=a-b     -> 200/206 bytes
 *   HEAD   /v1/chunks/:id                             -> 200 x-chunk-size / 404
 *   DELETE /v1/chunks/:id                             -> 204
 */
import type { Readable } from 'node:stream';

export interface ChunkContext {
  requestId?: string;
}

export interface PutChunkResult {
  id: string;
  size: number;
  existed: boolean;
}

export interface ChunkStoreApi {
  putChunk(body: AsyncIterable<Buffer>, ctx?: ChunkContext): Promise<PutChunkResult>;
  /** Inclusive range of the chunk's plaintext. Rejects with S3Error NoSuchChunk. */
  getChunk(id: string, range?: { start: number; end: number }, ctx?: ChunkContext): Promise<Readable>;
  statChunk(id: string, ctx?: ChunkContext): Promise<{ size: number } | undefined>;
  deleteChunk(id: string, ctx?: ChunkContext): Promise<void>;
}
