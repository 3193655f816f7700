/**
 * The per-chunk codec: plaintext in → SHA-256 + encoded bytes out (encoder),
 * and stored bytes in → plaintext out, with verification (decoder).
 *
 * Both cores are synchronous state machines over pieces of a chunk, so they
 * run the same way on the main thread or inside a worker (codec-worker.ts).
 * They never copy plaintext that is stored as is: instead of echoing such
 * pieces back they report how many of the caller's pieces to pass through
 * (`raw`) or to drop (`drop`), in order.
 *
 * Compression is decided per chunk. A content-type hint or compressed-format
 * magic bytes make it raw outright. Otherwise the first `trialBytes` are fed
 * to the real streaming compressor with a flush: if that saved less than
 * `minGain`, the chunk is stored raw (cost: compressing 64 KiB, which zstd
 * does at several GB/s on random data); if it saved enough, compression just
 * carries on with the same context (the trial is not wasted work).
 */
import { createHash, type Hash } from 'node:crypto';
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
// The header module alone: this file also runs in codec workers, which must not load the storage backends.
import { ChunkEncoding } from '@vaultx/storage/chunk-header';
import { hasCompressedMagic } from './content-hints.ts';
import { ZstdCompressor, ZstdDecompressor, zstdAvailable } from './zstd.ts';

export interface EncodeOptions {
  /** false: store raw without trying (incompressible content type). */
  tryCompress: boolean;
  /** zstd level (1 by default: measured fastest with the same ratio as 3 on logs/JSON/CSV). */
  level: number;
  /** Bytes compressed as a trial before committing to compression. */
  trialBytes: number;
  /** Minimum saving for the trial to pass (0.1 = at least 10% smaller). */
  minGain: number;
  /** Algorithm for new compressed chunks; deflate only when zstd is unavailable. */
  algorithm: 'zstd' | 'deflate';
}

export const DEFAULT_ENCODE_OPTIONS: EncodeOptions = {
  tryCompress: true,
  level: 1,
  trialBytes: 64 * 1024,
  minGain: 0.1,
  algorithm: zstdAvailable() ? 'zstd' : 'deflate',
};

/** What the caller stores next: first `raw` of its held plaintext pieces as is, then drops `drop` of them, then `out`. */
export interface Emit {
  raw: number;
  drop: number;
  out: Buffer[];
}

export interface EncodeResult extends Emit {
  id: string;
  size: number;
  /** CRC-32 of the plaintext, stored in the header for fast read verification. */
  crc32: number;
  encoding: number;
  /** Encoded payload bytes (raw: = size). */
  storedSize: number;
}

const NONE: Emit = Object.freeze({ raw: 0, drop: 0, out: [] }) as Emit;
const sumLen = (bufs: Buffer[]): number => bufs.reduce((n, b) => n + b.length, 0);

export class EncoderCore {
  private readonly hash: Hash = createHash('sha256');
  private crc = 0;
  private size = 0;
  private storedSize = 0;
  private mode: 'undecided' | 'raw' | 'zstd' | 'deflate' = 'undecided';
  private held: Buffer[] = [];
  private heldBytes = 0;
  private z: ZstdCompressor | undefined;
  private frameEnded = false;

  constructor(private readonly opts: EncodeOptions) {}

  push(buf: Buffer): Emit {
    if (buf.length === 0) return { raw: 0, drop: 0, out: [] };
    this.hash.update(buf);
    this.crc = crc32(buf, this.crc);
    this.size += buf.length;
    switch (this.mode) {
      case 'raw':
        this.storedSize += buf.length;
        return { raw: 1, drop: 0, out: [] };
      case 'zstd': {
        const out = this.z!.push(buf, 'continue');
        this.storedSize += sumLen(out);
        return { raw: 0, drop: 1, out };
      }
      case 'deflate':
        // DEFLATE (the fallback) is done in one go at the end: keep the piece.
        this.held.push(buf);
        return { raw: 0, drop: 1, out: [] };
      default:
        this.held.push(buf);
        this.heldBytes += buf.length;
        return this.heldBytes >= this.opts.trialBytes ? this.decide(false) : { raw: 0, drop: 0, out: [] };
    }
  }

  private goRaw(): Emit {
    const n = this.held.length;
    this.mode = 'raw';
    this.storedSize += this.heldBytes;
    this.held = [];
    this.heldBytes = 0;
    return { raw: n, drop: 0, out: [] };
  }

  private decide(atEnd: boolean): Emit {
    if (!this.opts.tryCompress || this.heldBytes === 0) return this.goRaw();
    const sample = this.held.length === 1 ? this.held[0]! : Buffer.concat(this.held, this.heldBytes);
    if (hasCompressedMagic(sample.subarray(0, 16))) return this.goRaw();
    // Judge on the first trialBytes only, however the input was cut into pieces.
    const head = sample.length > this.opts.trialBytes ? sample.subarray(0, this.opts.trialBytes) : sample;
    const rest = sample.subarray(head.length);
    const limit = head.length * (1 - this.opts.minGain);
    if (this.opts.algorithm === 'zstd') {
      const z = new ZstdCompressor(this.opts.level);
      const out = z.push(head, atEnd && rest.length === 0 ? 'end' : 'flush');
      if (sumLen(out) > limit) {
        z.release();
        return this.goRaw();
      }
      if (rest.length > 0) out.push(...z.push(rest, atEnd ? 'end' : 'continue'));
      this.z = z;
      this.frameEnded = atEnd;
      this.mode = 'zstd';
      const n = this.held.length;
      this.held = [];
      this.heldBytes = 0;
      this.storedSize += sumLen(out);
      return { raw: 0, drop: n, out };
    }
    const trial = deflateRawSync(sample.subarray(0, this.opts.trialBytes), { level: 1 });
    if (trial.length > Math.min(sample.length, this.opts.trialBytes) * (1 - this.opts.minGain)) return this.goRaw();
    this.mode = 'deflate';
    return { raw: 0, drop: this.held.length, out: [] };
  }

  finish(): EncodeResult {
    let e: Emit = NONE;
    if (this.mode === 'undecided') e = this.decide(true);
    const extra: Buffer[] = [];
    if (this.mode === 'zstd' && !this.frameEnded) {
      extra.push(...this.z!.push(Buffer.alloc(0), 'end'));
      this.frameEnded = true;
    } else if (this.mode === 'deflate') {
      const out = deflateRawSync(Buffer.concat(this.held), { level: 1 });
      this.held = [];
      extra.push(out);
    }
    this.storedSize += sumLen(extra);
    this.release();
    const encoding =
      this.mode === 'zstd' ? ChunkEncoding.zstd : this.mode === 'deflate' ? ChunkEncoding.deflate : ChunkEncoding.raw;
    return {
      raw: e.raw,
      drop: e.drop,
      out: [...e.out, ...extra],
      id: this.hash.digest('hex'),
      size: this.size,
      crc32: this.crc,
      encoding,
      storedSize: this.storedSize,
    };
  }

  /** Frees native state (after finish, or instead of it). */
  release(): void {
    this.z?.release();
    this.z = undefined;
    this.held = [];
  }
}

/** A stored chunk that cannot be decoded to its id's plaintext. */
export class CorruptChunkError extends Error {
  constructor(
    readonly chunkId: string,
    readonly reason: string,
  ) {
    super(`chunk ${chunkId} is corrupt: ${reason}`);
    this.name = 'CorruptChunkError';
  }
}

export interface DecodeSpec {
  id: string;
  encoding: number;
  /** Plaintext length (from the header). */
  size: number;
  /** Inclusive plaintext range, already validated and clamped (undefined = whole chunk). */
  range?: { start: number; end: number };
  /** The header's CRC-32 of the plaintext: verify with it (≈ 15× cheaper than SHA-256) unless fullHash. */
  crc32?: number;
  /** Check the SHA-256 (the id) even when a CRC is there: scrubbing. */
  fullHash?: boolean;
}

/** What the caller forwards for one stored piece: the piece itself (raw), or decoded output. */
export interface DecodeEmit {
  /** raw encoding: forward the stored piece as is. */
  pass: boolean;
  out: Buffer[];
  /** Past the requested range: stop reading. */
  done: boolean;
}

/**
 * Decodes (zstd/deflate) or passes (raw) a chunk's stored bytes, cuts the
 * requested range, and — whenever the whole plaintext goes through it —
 * hashes it: finish() then throws CorruptChunkError on a hash or length
 * mismatch. Decoding errors are CorruptChunkError too.
 *
 * A raw chunk read by range is handed only that range (no verification
 * possible without reading it all); a compressed one is always decoded from
 * its start, so a range reaching its end is verified as well.
 */
export class DecoderCore {
  private readonly hash: Hash | undefined;
  /** Running CRC-32 when verifying by CRC (then `hash` is unset). */
  private crc: number | undefined;
  /** Plaintext bytes seen so far. */
  private pos = 0;
  private readonly start: number;
  private readonly end: number;
  private z: ZstdDecompressor | undefined;
  private readonly deflateParts: Buffer[] = [];
  private stopped = false;
  readonly verifies: boolean;

  constructor(private readonly spec: DecodeSpec) {
    this.start = spec.range?.start ?? 0;
    this.end = spec.range?.end ?? spec.size - 1;
    const reachesEnd = this.end >= spec.size - 1;
    this.verifies = spec.encoding === ChunkEncoding.raw ? this.start === 0 && reachesEnd : reachesEnd;
    if (this.verifies) {
      if (spec.crc32 !== undefined && !spec.fullHash) this.crc = 0;
      else this.hash = createHash('sha256');
    }
    if (spec.encoding === ChunkEncoding.raw) this.pos = this.start;
    if (spec.encoding === ChunkEncoding.zstd) {
      try {
        this.z = new ZstdDecompressor();
      } catch (e) {
        throw new Error(`cannot read zstd chunk ${spec.id}: ${(e as Error).message}`);
      }
    }
  }

  private corrupt(reason: string): CorruptChunkError {
    this.release();
    return new CorruptChunkError(this.spec.id, reason);
  }

  /** Cuts plaintext pieces to the range, hashing them when verifying. */
  private take(pieces: Buffer[]): DecodeEmit {
    const out: Buffer[] = [];
    for (const p of pieces) {
      this.hash?.update(p);
      if (this.crc !== undefined) this.crc = crc32(p, this.crc);
      const pStart = this.pos;
      const pEnd = this.pos + p.length; // exclusive
      this.pos = pEnd;
      if (pEnd <= this.start || pStart > this.end) continue;
      const from = Math.max(this.start, pStart) - pStart;
      const to = Math.min(this.end + 1, pEnd) - pStart;
      out.push(from === 0 && to === p.length ? p : p.subarray(from, to));
    }
    if (this.pos > this.spec.size) throw this.corrupt(`decodes to more than the ${this.spec.size} bytes its header says`);
    const done = !this.verifies && this.pos > this.end;
    if (done) this.stopped = true;
    return { pass: false, out, done };
  }

  push(stored: Buffer): DecodeEmit {
    switch (this.spec.encoding) {
      case ChunkEncoding.raw:
        this.hash?.update(stored);
        if (this.crc !== undefined) this.crc = crc32(stored, this.crc);
        this.pos += stored.length;
        return { pass: true, out: [], done: false };
      case ChunkEncoding.zstd: {
        let pieces: Buffer[];
        try {
          pieces = this.z!.push(stored);
        } catch (e) {
          throw this.corrupt(`zstd: ${(e as Error).message}`);
        }
        return this.take(pieces);
      }
      case ChunkEncoding.deflate:
        this.deflateParts.push(stored);
        return { pass: false, out: [], done: false };
      default:
        throw this.corrupt(`unknown encoding ${this.spec.encoding}`);
    }
  }

  /** After the last stored piece: remaining output, then the checks. */
  finish(): Buffer[] {
    let out: Buffer[] = [];
    if (this.spec.encoding === ChunkEncoding.deflate) {
      let plain: Buffer;
      try {
        plain = inflateRawSync(Buffer.concat(this.deflateParts));
      } catch (e) {
        throw this.corrupt(`deflate: ${(e as Error).message}`);
      }
      out = this.take([plain]).out;
    }
    if (this.stopped) {
      this.release();
      return out;
    }
    if (this.spec.encoding === ChunkEncoding.zstd && !this.z!.frameDone) throw this.corrupt('zstd frame is truncated');
    const expectedEnd = this.spec.encoding === ChunkEncoding.raw ? this.end + 1 : this.spec.size;
    if (this.pos !== expectedEnd) throw this.corrupt(`holds ${this.pos} plaintext bytes where ${expectedEnd} were expected`);
    if (this.hash) {
      const got = this.hash.digest('hex');
      if (got !== this.spec.id) throw this.corrupt(`SHA-256 of its content is ${got}`);
    }
    if (this.crc !== undefined && this.crc >>> 0 !== this.spec.crc32! >>> 0) {
      throw this.corrupt(`CRC-32 of its content is ${(this.crc >>> 0).toString(16)}, its header says ${(this.spec.crc32! >>> 0).toString(16)}`);
    }
    this.release();
    return out;
  }

  release(): void {
    this.z?.release();
    this.z = undefined;
  }
}
