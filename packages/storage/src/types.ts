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

/** What a backend keeps beside a chunk's stored bytes (the embedded backend: a 16-byte header). */
export interface ChunkMeta {
  /** Encoding id of the stored payload (ChunkEncoding in chunk-header.ts: 0 raw, 1 zstd, 2 deflate). */
  encoding: number;
  /** Plaintext length in bytes. */
  size: number;
  /** CRC-32 of the plaintext (format version 2): lets every read verify at memory speed. */
  crc32?: number;
}

export interface ChunkInfo extends ChunkMeta {
  /** Length of the stored (encoded) payload, header excluded. */
  storedSize: number;
  /** Bytes the chunk takes in the backend, header included (what the collector frees). */
  diskSize: number;
  /** Last write or dedup "touch" (ms since the epoch). */
  mtimeMs: number;
  /** Format version of the stored header (0 = a headerless chunk from before headers existed). */
  formatVersion: number;
}

/** A chunk being written: stream encoded bytes in, then commit under the plaintext's id or abort. */
export interface ChunkWriter {
  /** Appends encoded bytes; resolves when they are handed to the backend (backpressure: await it). */
  write(buf: Buffer): Promise<void>;
  /**
   * Makes the chunk durable and visible under `id` (the SHA-256 of its
   * plaintext, computed by the caller). When a chunk with this id is already
   * stored, the new bytes are dropped, the stored chunk is "touched" (its
   * mtime set to now, under the same per-chunk lock as deleteIfIdle) and
   * existed=true. A crash before commit resolves leaves nothing visible.
   */
  commit(id: string, meta: ChunkMeta): Promise<{ existed: boolean }>;
  /** Drops what was written; idempotent; never throws. */
  abort(): Promise<void>;
}

/** An open stored chunk: its info, and its stored payload as a stream. */
export interface OpenChunk {
  info: ChunkInfo;
  /**
   * Streams the stored (encoded) payload, or an inclusive byte range of it
   * (clamped to storedSize). Call at most once; after it the stream owns the
   * handle.
   */
  stream(range?: { start: number; end: number }): Readable;
  /** Releases the handle when stream() is not called. */
  close(): Promise<void>;
}

export interface ChunkListEntry {
  id: string;
  /** Bytes the chunk takes in the backend (header included). */
  diskSize: number;
  mtimeMs: number;
}

/**
 * Content-addressed blob store. The caller (the chunk-store service) hashes
 * the plaintext and encodes it; the backend stores the encoded bytes plus
 * ChunkMeta under the plaintext's id. A chunk is visible under its id only
 * once it is complete and durable; a crash mid-write leaves no visible chunk.
 */
export interface ChunkBackend {
  begin(): Promise<ChunkWriter>;
  /** Rejects with S3Error NoSuchChunk. */
  open(id: string): Promise<OpenChunk>;
  stat(id: string): Promise<ChunkInfo | undefined>;
  delete(id: string): Promise<void>;
  /**
   * Deletes the chunk only if it was not written or touched after `cutoffMs`
   * (ms since the epoch), checked under the per-chunk lock that commit takes,
   * so a concurrent dedup write either lands before (touches it: kept) or
   * after (finds it gone: stores it anew).
   */
  deleteIfIdle(id: string, cutoffMs: number): Promise<{ deleted: boolean; diskSize: number }>;
  /** Moves a corrupt chunk out of the way (kept for inspection); later reads see NoSuchChunk. Idempotent. */
  quarantine(id: string): Promise<void>;
  /** Stored chunks with id > after, in id order, at most `limit`. */
  list(opts?: { after?: string; limit?: number }): AsyncIterable<ChunkListEntry>;
  close(): Promise<void>;
}
