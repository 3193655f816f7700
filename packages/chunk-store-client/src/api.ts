/**
 * The chunk-store service's API. The service implements it directly
 * (in-process wiring); the HTTP client speaks it over internal HTTP:
 *   PUT    /v1/chunks            body = chunk bytes   -> 200 {id,size,existed}
 *            x-vaultx-content-type: the object's content type (compression hint)
 *            x-vaultx-expected-id:  optional; mismatch -> 400 BadDigest, nothing stored
 *   GET    /v1/chunks/:id        Range: bytes=a-b     -> 200/206 plaintext bytes
 *            (a corrupt chunk: error status when seen up front, else the
 *            transfer is cut before its last bytes — never wrong data)
 *   HEAD   /v1/chunks/:id                             -> 200 x-chunk-size / 404
 *   DELETE /v1/chunks/:id                             -> 204
 *   POST   /v1/chunks/:id/verify                      -> 200 VerifyChunkResult
 *   GET    /v1/chunks?after=<id>&limit=<n>            -> 200 ChunkListing
 *   POST   /v1/chunks/:id/delete-if-idle?olderThanMs=<n> -> 200 {deleted,found,size}
 *
 * Chunks are addressed by the SHA-256 of their plaintext; sizes and ranges
 * are always the plaintext's (compression is invisible here).
 */
import type { Readable } from 'node:stream';

export interface ChunkContext {
  requestId?: string;
}

export interface PutChunkOptions extends ChunkContext {
  /** The object's content type: a hint that its bytes are already compressed (image/*, zip, ...). */
  contentType?: string;
  /** Reject with BadDigest (storing nothing) unless the chunk's SHA-256 is this. */
  expectedId?: string;
}

export interface PutChunkResult {
  id: string;
  size: number;
  existed: boolean;
}

export interface ChunkStat {
  /** Plaintext length. */
  size: number;
}

export interface VerifyChunkResult {
  id: string;
  found: boolean;
  /** True when the stored chunk decodes to plaintext whose SHA-256 is its id. */
  ok: boolean;
  /** Why it is not ok (it has been quarantined). */
  reason?: string;
}

export interface ChunkListEntry {
  id: string;
  /** Bytes the chunk takes on disk (encoded, header included). */
  size: number;
  /** Last write or dedup touch, ms since the epoch (chunk-store clock). */
  mtimeMs: number;
}

export interface ChunkListing {
  chunks: ChunkListEntry[];
  /** Pass as `after` for the next page; absent on the last page. */
  next?: string;
}

export interface DeleteIfIdleResult {
  deleted: boolean;
  /** False when there was no such chunk (nothing to delete). */
  found: boolean;
  /** Bytes freed on disk (0 when not deleted). */
  size: number;
}

export interface ChunkStoreApi {
  putChunk(body: AsyncIterable<Buffer>, opts?: PutChunkOptions): Promise<PutChunkResult>;
  /** Inclusive range of the chunk's plaintext. Rejects with S3Error NoSuchChunk. */
  getChunk(id: string, range?: { start: number; end: number }, ctx?: ChunkContext): Promise<Readable>;
  statChunk(id: string, ctx?: ChunkContext): Promise<ChunkStat | undefined>;
  deleteChunk(id: string, ctx?: ChunkContext): Promise<void>;
}

/** Maintenance methods (the collector, a scrubber); the service and the HTTP client implement them too. */
export interface ChunkStoreMaintenanceApi {
  /** Reads and hashes the whole chunk (for a scrubber); a corrupt one is quarantined and reported. */
  verifyChunk(id: string, ctx?: ChunkContext): Promise<VerifyChunkResult>;
  /** Stored chunks in id order, after `after` (exclusive), at most `limit` (default 1000, max 10000). */
  listChunks(opts: { after?: string; limit?: number }, ctx?: ChunkContext): Promise<ChunkListing>;
  /**
   * Deletes the chunk only if it was not written or dedup-touched during the
   * last `olderThanMs` ms (chunk-store clock), atomically with respect to
   * writes of the same chunk.
   */
  deleteChunkIfIdle(id: string, olderThanMs: number, ctx?: ChunkContext): Promise<DeleteIfIdleResult>;
}

/** Everything the chunk store offers. */
export type ChunkStoreFullApi = ChunkStoreApi & ChunkStoreMaintenanceApi;
