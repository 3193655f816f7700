/**
 * The two storage interfaces every backend implements (embedded now, Riak
 * later), and which the shared conformance suite exercises.
 */
import type { Readable } from 'node:stream';

/** A JSON-serialisable value. */
export type KvValue = unknown;

export interface KvEntry<T = KvValue> {
  key: string;
  value: T;
}

export interface ScanOptions {
  /** Inclusive lower bound. */
  gte?: string;
  /** Exclusive lower bound (wins over gte when both are set). */
  gt?: string;
  /** Exclusive upper bound. */
  lt?: string;
  limit?: number;
}

/**
 * Ordered key-value store for metadata. Keys are strings compared by their
 * UTF-8 bytes (S3 lists in UTF-8 binary order).
 */
export interface MetaKV {
  get<T = KvValue>(key: string): Promise<T | undefined>;
  /** Durable when the promise resolves. */
  put(key: string, value: KvValue): Promise<void>;
  del(key: string): Promise<void>;
  scan<T = KvValue>(opts: ScanOptions): AsyncIterable<KvEntry<T>>;
  /**
   * Atomic read-modify-write over a few keys. `fn` receives the current values
   * (undefined when absent) and returns the writes to apply: a value to put,
   * null to delete; keys it omits stay as they are. `fn` must be synchronous and
   * may throw to abort (nothing is written). Durable when the promise resolves.
   * The embedded backend runs it in one write transaction; a backend without
   * transactions uses per-key conditional writes and retries `fn` on conflict.
   */
  update<R>(
    keys: string[],
    fn: (current: Map<string, KvValue | undefined>) => { writes: Map<string, KvValue | null>; result: R },
  ): Promise<R>;
  close(): Promise<void>;
}

export interface ChunkWriteResult {
  /** SHA-256 of the bytes written, lowercase hex. */
  id: string;
  size: number;
  /** True when an identical chunk was already stored (nothing new on disk). */
  existed: boolean;
}

/**
 * Content-addressed blob store. A chunk is visible under its id only once it
 * is complete and durable; a crash mid-write leaves no visible chunk.
 */
export interface ChunkBackend {
  /** Streams `source` in, hashing it; when expectedId is given a mismatch rejects with BadDigest and stores nothing. */
  write(source: AsyncIterable<Buffer>, expectedId?: string): Promise<ChunkWriteResult>;
  /** Inclusive byte range within the stored chunk. Rejects with S3Error NoSuchChunk. */
  read(id: string, range?: { start: number; end: number }): Promise<Readable>;
  stat(id: string): Promise<{ size: number } | undefined>;
  delete(id: string): Promise<void>;
  list(): AsyncIterable<string>;
  close(): Promise<void>;
}
