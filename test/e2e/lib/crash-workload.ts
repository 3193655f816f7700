/**
 * The workload and the bookkeeping of the crash test (test/e2e/crash.test.ts).
 *
 * Content: every body is a Blob — a seed, a size and a flavour (random or
 * text-like) — whose bytes are an AES-256-CTR keystream (deterministic, GB/s),
 * generated on the fly for each upload and again for each check; nothing holds
 * a whole object in memory. What the store must give back is computed from the
 * Blob in one streaming pass: size, SHA-256, MD5 (the ETag) and the SHA-256 of
 * every VAULTX_CHUNK_SIZE slice (the ids of the chunks the store must keep).
 *
 * Bookkeeping: every write (PutObject, CompleteMultipartUpload, DeleteObject,
 * UploadPart) is an Attempt on a register (an object key, or an upload's part
 * number) with a start time, and, once it ends, an outcome: acked (a 200/204
 * with the expected ETag), rejected (a 4xx: S3 promises nothing was written),
 * or indeterminate (no answer, a 5xx, or still running at the kill: it may or
 * may not have taken effect). `candidates()` gives the states a register may
 * legitimately show after the crash — linearizability of single-register
 * writes, with last-writer-wins:
 *  - the state before the round, and every acked or indeterminate attempt;
 *  - minus any that an acked attempt *started after it ended* (the prior
 *    state ended before the round): that later write was ordered after it,
 *    so it won.
 * Absent is a candidate only through the prior state or a delete.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { Readable } from 'node:stream';

export const KiB = 1024;
export const MiB = 1024 * 1024;

export interface Blob {
  seed: string;
  size: number;
  /** text-like (compressible) instead of random bytes */
  text: boolean;
}

export const blobId = (b: Blob): string => `${b.seed}:${b.size}:${b.text ? 't' : 'r'}`;

/** byte → a small alphabet with spaces and newlines: compresses to well under half */
const TEXT_TABLE = (() => {
  const t = Buffer.alloc(256);
  for (let i = 0; i < 256; i++) t[i] = i < 12 ? 0x0a : i < 56 ? 0x20 : 0x61 + (i % 16);
  return t;
})();

/** The bytes of a blob in pieces of `piece` bytes (the last one shorter). */
export function* blobPieces(b: Blob, piece: number): Generator<Buffer> {
  const k = createHash('sha256').update(`vaultx-crash:${b.seed}`).digest();
  const cipher = createCipheriv('aes-256-ctr', k, Buffer.alloc(16));
  const zeros = Buffer.alloc(piece);
  let left = b.size;
  while (left > 0) {
    const n = Math.min(piece, left);
    const out = cipher.update(zeros.subarray(0, n));
    if (b.text) for (let i = 0; i < out.length; i++) out[i] = TEXT_TABLE[out[i]!]!;
    left -= n;
    yield out;
  }
}

export function blobBuffer(b: Blob): Buffer {
  return Buffer.concat([...blobPieces(b, 1 * MiB)], b.size);
}

export function blobStream(b: Blob, piece = 256 * KiB): Readable {
  return Readable.from(blobPieces(b, piece), { objectMode: false });
}

export interface BlobDigest {
  size: number;
  sha256: string;
  md5: Buffer;
  /** SHA-256 of each chunkSize slice, in order */
  chunkIds: string[];
}

export class Digests {
  private readonly cache = new Map<string, BlobDigest>();
  constructor(readonly chunkSize: number) {}

  of(b: Blob): BlobDigest {
    const id = blobId(b);
    let d = this.cache.get(id);
    if (!d) {
      const sha = createHash('sha256');
      const md5 = createHash('md5');
      const chunkIds: string[] = [];
      for (const p of blobPieces(b, this.chunkSize)) {
        sha.update(p);
        md5.update(p);
        chunkIds.push(createHash('sha256').update(p).digest('hex'));
      }
      d = { size: b.size, sha256: sha.digest('hex'), md5: md5.digest(), chunkIds };
      this.cache.set(id, d);
    }
    return d;
  }
}

/** What a key can hold: a single PUT's body, a completed multipart upload, or nothing (deleted). */
export type Version =
  | { kind: 'put'; blob: Blob }
  | { kind: 'mpu'; uploadId: string; parts: Blob[] }
  | { kind: 'absent' };

export interface VersionInfo {
  present: boolean;
  size: number;
  sha256: string;
  /** without quotes */
  etag: string;
  /** chunks the store must keep for it (none when inlined or empty) */
  chunkIds: string[];
}

const versionCache = new WeakMap<Version, VersionInfo>();

export function versionInfo(v: Version, d: Digests, inlineMax: number): VersionInfo {
  let info = versionCache.get(v);
  if (info) return info;
  if (v.kind === 'absent') info = { present: false, size: 0, sha256: '', etag: '', chunkIds: [] };
  else if (v.kind === 'put') {
    const g = d.of(v.blob);
    const inline = g.size > 0 && g.size <= inlineMax;
    info = { present: true, size: g.size, sha256: g.sha256, etag: g.md5.toString('hex'), chunkIds: inline ? [] : g.chunkIds };
  } else {
    const sha = createHash('sha256');
    for (const p of v.parts) for (const piece of blobPieces(p, 1 * MiB)) sha.update(piece);
    const ds = v.parts.map((p) => d.of(p));
    info = {
      present: true,
      size: ds.reduce((n, x) => n + x.size, 0),
      sha256: sha.digest('hex'),
      etag: `${createHash('md5').update(Buffer.concat(ds.map((x) => x.md5))).digest('hex')}-${ds.length}`,
      chunkIds: ds.flatMap((x) => x.chunkIds),
    };
  }
  versionCache.set(v, info);
  return info;
}

export function describeVersion(v: Version): string {
  if (v.kind === 'absent') return 'absent';
  if (v.kind === 'put') return `put(${blobId(v.blob)})`;
  return `mpu(${v.uploadId.slice(0, 12)}…, ${v.parts.length} parts)`;
}

export type Outcome = 'pending' | 'acked' | 'rejected' | 'indeterminate';

export interface Attempt<S> {
  op: string;
  state: S;
  start: number;
  end?: number;
  outcome: Outcome;
  detail?: string;
}

/** The states a register may show after the crash (see the top of this file). */
export function candidates<S>(prior: { state: S } | undefined, attempts: Attempt<S>[]): S[] {
  const acked = attempts.filter((a) => a.outcome === 'acked');
  const supersededAfter = (t: number) => acked.some((y) => y.start > t);
  const out: S[] = [];
  if (prior && !acked.length) out.push(prior.state);
  for (const a of attempts) {
    if (a.outcome === 'rejected') continue;
    // an attempt that ended (answered, or failed on the wire) took effect, if at all, before its end
    if (a.end !== undefined && supersededAfter(a.end)) continue;
    out.push(a.state);
  }
  return out;
}

/** A small, fast PRNG for choices (mulberry32). */
export function prng(seed: number): { next(): number; int(n: number): number; pick<T>(xs: readonly T[]): T; chance(p: number): boolean } {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (xs) => xs[Math.floor(next() * xs.length)]!,
    chance: (p) => next() < p,
  };
}
