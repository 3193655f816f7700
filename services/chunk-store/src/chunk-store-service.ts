/**
 * The chunk store: content-addressed chunks by SHA-256 of their plaintext
 * over a ChunkBackend, with per-chunk compression and integrity checks.
 *
 * Write: the body streams through an EncoderCore (SHA-256 of the plaintext,
 * trial + zstd, see codec.ts) into a backend writer; nothing holds more than
 * the 64 KiB trial sample plus the pieces in flight. The id is known only at
 * the end, so the backend commits the encoded bytes under it then.
 *
 * Read: stored bytes stream through a DecoderCore. Whenever the whole
 * plaintext passes (whole-chunk reads; any compressed read whose range reaches
 * the end) it is hashed, and the last piece is held back until the hash
 * matches: on a mismatch the stream is destroyed with an error, so a client
 * sees a broken transfer, never complete-looking wrong data. A corrupt chunk
 * is logged at error level, counted (vaultx_chunk_corruptions_total) and
 * quarantined (moved out of the way; a later upload of the same bytes stores
 * it afresh). Ranged reads of raw chunks cannot be verified without reading
 * the whole chunk; verifyChunk() does that for a scrubber.
 */
import { Readable } from 'node:stream';
import { S3Error } from '@vaultx/s3-protocol';
import { ChunkEncoding, ChunkFormatError, ENCODING_NAMES, type ChunkBackend, type OpenChunk } from '@vaultx/storage';
import type {
  ChunkListing,
  ChunkStat,
  ChunkStoreApi,
  ChunkStoreMaintenanceApi,
  DeleteIfIdleResult,
  PutChunkOptions,
  PutChunkResult,
  VerifyChunkResult,
} from '@vaultx/chunk-store-client';
import type { Logger } from '@vaultx/service-kit';
import { CorruptChunkError, DEFAULT_ENCODE_OPTIONS, DecoderCore, type EncodeOptions, type Emit } from './codec.ts';
import { BATCH_BYTES, InlineCodec, WorkerCodec, type Codec, type EncodeJob } from './codec-pool.ts';
import { isIncompressibleType } from './content-hints.ts';
import { chunkBytesWritten, chunkCorruptions } from './metrics.ts';

const CHUNK_ID = /^[0-9a-f]{64}$/;

export function assertChunkId(id: string): void {
  if (!CHUNK_ID.test(id)) throw new S3Error('InvalidArgument', `invalid chunk id: ${id.slice(0, 80)}`);
}

export interface ChunkStoreOptions {
  logger?: Logger;
  /** Compression settings (tests tune the trial). */
  encode?: Partial<EncodeOptions>;
  /** Largest chunk accepted, in plaintext bytes (default 64 MiB, VAULTX_CHUNK_SIZE's maximum). */
  maxChunkSize?: number;
  /** Clock (tests). */
  now?: () => number;
  /** Worker threads that encode (hash + compress) uploads; 0 = on the main thread (default). */
  workers?: number;
}

/** Batches handed to the codec and not yet answered, per upload (bounds memory: ~1 MiB). */
const MAX_IN_FLIGHT = 4;

export class ChunkStoreService implements ChunkStoreApi, ChunkStoreMaintenanceApi {
  private readonly encode: EncodeOptions;
  private readonly maxChunkSize: number;
  private readonly logger: Logger | undefined;
  private readonly now: () => number;
  private readonly codec: Codec;

  constructor(
    private readonly backend: ChunkBackend,
    opts: ChunkStoreOptions = {},
  ) {
    this.encode = { ...DEFAULT_ENCODE_OPTIONS, ...opts.encode };
    this.maxChunkSize = opts.maxChunkSize ?? 64 * 1024 * 1024;
    this.logger = opts.logger;
    this.now = opts.now ?? Date.now;
    this.codec = opts.workers && opts.workers > 0 ? new WorkerCodec(opts.workers) : new InlineCodec();
  }

  /** Stops the codec workers (the backend is closed by its owner). */
  async close(): Promise<void> {
    await this.codec.close();
  }

  async putChunk(body: AsyncIterable<Buffer>, opts: PutChunkOptions = {}): Promise<PutChunkResult> {
    if (opts.expectedId !== undefined) assertChunkId(opts.expectedId);
    const writer = await this.backend.begin();
    const encodeOpts = { ...this.encode, tryCompress: this.encode.tryCompress && !isIncompressibleType(opts.contentType) };
    let job: EncodeJob | undefined;
    // Plaintext pieces the encoder has not yet said what to do with (pass through or drop).
    const held: Buffer[] = [];
    let batch: Buffer[] = [];
    let batchBytes = 0;
    const inFlight: Promise<Emit>[] = [];
    const apply = async (e: Emit): Promise<void> => {
      for (let i = 0; i < e.raw; i++) await writer.write(held.shift()!);
      if (e.drop > 0) held.splice(0, e.drop);
      for (const b of e.out) await writer.write(b);
    };
    const send = async (big: boolean): Promise<void> => {
      job ??= this.codec.encoder(encodeOpts, big);
      const p = job.push(batch);
      p.catch(() => undefined); // awaited in order below
      inFlight.push(p);
      batch = [];
      batchBytes = 0;
      while (inFlight.length > MAX_IN_FLIGHT) await apply(await inFlight.shift()!);
    };
    let size = 0;
    try {
      for await (const piece of body) {
        const buf = Buffer.isBuffer(piece) ? piece : Buffer.from(piece as Uint8Array);
        if (buf.length === 0) continue;
        size += buf.length;
        if (size > this.maxChunkSize) throw new S3Error('EntityTooLarge', `a chunk is at most ${this.maxChunkSize} bytes`);
        held.push(buf);
        batch.push(buf);
        batchBytes += buf.length;
        if (batchBytes >= BATCH_BYTES) await send(true);
      }
      // A chunk smaller than one batch never went to a worker: encode it inline.
      if (batch.length > 0) await send(job !== undefined);
      job ??= this.codec.encoder(encodeOpts, false);
      while (inFlight.length > 0) await apply(await inFlight.shift()!);
      const r = await job.finish();
      await apply(r);
      if (opts.expectedId !== undefined && opts.expectedId !== r.id) {
        throw new S3Error('BadDigest', undefined, { ExpectedChunkId: opts.expectedId, CalculatedChunkId: r.id });
      }
      const { existed } = await writer.commit(r.id, { encoding: r.encoding, size: r.size, crc32: r.crc32 });
      if (!existed) {
        const encoding = ENCODING_NAMES[r.encoding] ?? String(r.encoding);
        chunkBytesWritten.inc({ kind: 'plaintext', encoding }, r.size);
        chunkBytesWritten.inc({ kind: 'stored', encoding }, r.storedSize);
      }
      return { id: r.id, size: r.size, existed };
    } catch (e) {
      job?.abort();
      await Promise.allSettled(inFlight);
      await writer.abort();
      throw e;
    }
  }

  /** Opens a chunk; a header that cannot be right is reported as corruption. */
  private async openChunk(id: string): Promise<OpenChunk> {
    try {
      return await this.backend.open(id);
    } catch (e) {
      if (e instanceof ChunkFormatError) {
        if (e.corrupt) {
          await this.reportCorruption(id, e.message);
          throw corruptError(id);
        }
        throw new S3Error('InternalError', `chunk ${id}: ${e.message}`, { ChunkId: id });
      }
      throw e;
    }
  }

  async getChunk(id: string, range?: { start: number; end: number }, _ctx?: unknown, opts?: { fullHash?: boolean }): Promise<Readable> {
    assertChunkId(id);
    const c = await this.openChunk(id);
    const { info } = c;
    let r: { start: number; end: number } | undefined;
    if (range) {
      const { start, end } = range;
      if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || start >= info.size) {
        await c.close();
        throw new S3Error('InvalidRange', undefined, { ChunkId: id, ActualObjectSize: info.size });
      }
      // `end` past the last byte is clamped, as HTTP ranges are.
      r = { start, end: Math.min(end, info.size - 1) };
      if (r.start === 0 && r.end === info.size - 1) r = undefined; // the whole chunk: verify it
    }
    let dec: DecoderCore;
    try {
      dec = new DecoderCore({ id, encoding: info.encoding, size: info.size, range: r, crc32: info.crc32, fullHash: opts?.fullHash });
    } catch (e) {
      await c.close();
      throw new S3Error('InternalError', (e as Error).message, { ChunkId: id });
    }
    const state = { started: false };
    const open = (): Readable => {
      state.started = true;
      return info.encoding === ChunkEncoding.raw && r ? c.stream(r) : c.stream();
    };
    const out = Readable.from(this.decode(id, open, dec), { objectMode: false, highWaterMark: 256 * 1024 });
    // Destroyed before the first read: the generator never ran, so release the file here.
    out.once('close', () => {
      if (!state.started) {
        dec.release();
        void c.close();
      }
    });
    return out;
  }

  /** Stored bytes → plaintext; holds the last piece back until the chunk verified (when it can be). */
  private async *decode(id: string, open: () => Readable, dec: DecoderCore): AsyncGenerator<Buffer> {
    let last: Buffer | undefined;
    const src = open();
    try {
      for await (const piece of src) {
        const e = dec.push(piece as Buffer);
        const outs = e.pass ? [piece as Buffer] : e.out;
        for (const o of outs) {
          if (o.length === 0) continue;
          if (!dec.verifies) {
            yield o;
            continue;
          }
          if (last) yield last;
          last = o;
        }
        if (e.done) break;
      }
      for (const o of dec.finish()) {
        if (o.length === 0) continue;
        if (last) yield last;
        last = o;
      }
      if (last) yield last;
    } catch (e) {
      if (e instanceof CorruptChunkError) {
        await this.reportCorruption(id, e.reason);
        throw corruptError(id);
      }
      throw e;
    } finally {
      dec.release();
      src.destroy();
    }
  }

  async verifyChunk(id: string): Promise<VerifyChunkResult> {
    assertChunkId(id);
    let stream: Readable;
    try {
      stream = await this.getChunk(id, undefined, undefined, { fullHash: true });
    } catch (e) {
      if (e instanceof S3Error && e.code === 'NoSuchChunk') return { id, found: false, ok: false };
      if (e instanceof S3Error && e.details.Reason === 'corrupt') return { id, found: true, ok: false, reason: e.message };
      throw e;
    }
    try {
      for await (const _ of stream) {
        /* decode + hash everything */
      }
      return { id, found: true, ok: true };
    } catch (e) {
      if (e instanceof S3Error && e.details.Reason === 'corrupt') return { id, found: true, ok: false, reason: e.message };
      throw e;
    }
  }

  private async reportCorruption(id: string, reason: string): Promise<void> {
    chunkCorruptions.inc();
    let quarantined = false;
    try {
      await this.backend.quarantine(id);
      quarantined = true;
    } catch (e) {
      this.logger?.error({ err: e, chunkId: id }, 'could not quarantine a corrupt chunk');
    }
    this.logger?.error({ chunkId: id, reason, quarantined }, `corrupt chunk ${id}: ${reason}`);
  }

  async statChunk(id: string): Promise<ChunkStat | undefined> {
    assertChunkId(id);
    try {
      const st = await this.backend.stat(id);
      return st ? { size: st.size } : undefined;
    } catch (e) {
      if (e instanceof ChunkFormatError) throw new S3Error('InternalError', `chunk ${id}: ${e.message}`, { ChunkId: id });
      throw e;
    }
  }

  async deleteChunk(id: string): Promise<void> {
    assertChunkId(id);
    await this.backend.delete(id);
  }

  async listChunks(opts: { after?: string; limit?: number }): Promise<ChunkListing> {
    const limit = Math.min(Math.max(1, Math.floor(opts.limit ?? 1000)), 10_000);
    if (opts.after !== undefined && !/^[0-9a-f]{0,64}$/.test(opts.after)) throw new S3Error('InvalidArgument', 'bad after');
    const chunks: ChunkListing['chunks'] = [];
    for await (const e of this.backend.list({ after: opts.after, limit: limit + 1 })) {
      chunks.push({ id: e.id, size: e.diskSize, mtimeMs: e.mtimeMs });
    }
    if (chunks.length > limit) {
      chunks.length = limit;
      return { chunks, next: chunks[limit - 1]!.id };
    }
    return { chunks };
  }

  async deleteChunkIfIdle(id: string, olderThanMs: number): Promise<DeleteIfIdleResult> {
    assertChunkId(id);
    if (!Number.isFinite(olderThanMs) || olderThanMs < 0) throw new S3Error('InvalidArgument', 'olderThanMs must be >= 0');
    const r = await this.backend.deleteIfIdle(id, this.now() - olderThanMs);
    return { deleted: r.deleted, found: r.deleted || r.diskSize > 0, size: r.deleted ? r.diskSize : 0 };
  }

  /** Readiness: the backend answers. */
  async check(): Promise<void> {
    await this.backend.stat('0'.repeat(64));
  }
}

function corruptError(id: string): S3Error {
  return new S3Error('InternalError', `chunk ${id} is corrupt`, { ChunkId: id, Reason: 'corrupt' });
}
