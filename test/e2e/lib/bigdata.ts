/**
 * Test data for the large client scenarios: a fast deterministic PRNG
 * (AES-128-CTR keystream, seeded by a string), files written and hashed in one
 * streaming pass (nothing holds a whole file in memory), generated text/JSON
 * logs (compressible), and a manifest of a directory tree (every file's size
 * and SHA-256, every directory) to compare trees after a round trip.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, lstat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';

export const KiB = 1024;
export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

const BLOCK = 4 * MiB;
const ZEROS = Buffer.alloc(BLOCK);

/** Incompressible pseudo-random bytes, deterministic for a seed; ~GB/s (AES-NI). */
export class Prng {
  private cipher;
  constructor(seed: string) {
    const k = createHash('sha256').update(`vaultx-e2e:${seed}`).digest();
    this.cipher = createCipheriv('aes-128-ctr', k.subarray(0, 16), k.subarray(16, 32));
  }
  /** n fresh bytes (a new buffer) */
  bytes(n: number): Buffer {
    const out: Buffer[] = [];
    let left = n;
    while (left > 0) {
      const take = Math.min(left, BLOCK);
      out.push(this.cipher.update(ZEROS.subarray(0, take)));
      left -= take;
    }
    return out.length === 1 ? out[0] : Buffer.concat(out, n);
  }
  /** a uniform integer in [0, n) */
  int(n: number): number {
    return this.bytes(4).readUInt32BE() % n;
  }
}

/** A small, fast PRNG for choices (mulberry32). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FileDigest {
  size: number;
  sha256: string;
}

/** Writes `size` pseudo-random bytes for `seed` to path, streaming; returns size and SHA-256. */
export async function writeRandomFile(path: string, size: number, seed: string, observe?: (b: Buffer) => void): Promise<FileDigest> {
  const prng = new Prng(seed);
  return writeFromBlocks(path, size, (n) => {
    const b = prng.bytes(n);
    observe?.(b);
    return b;
  });
}

/**
 * Accumulates the S3 multipart ETag of a byte stream cut into partSize parts:
 * md5 of the concatenated binary part MD5s, then "-N".
 */
export class MultipartEtag {
  private parts: Buffer[] = [];
  private cur = createHash('md5');
  private inPart = 0;
  constructor(private partSize: number) {}
  update(b: Buffer): void {
    let off = 0;
    while (off < b.length) {
      const take = Math.min(b.length - off, this.partSize - this.inPart);
      this.cur.update(b.subarray(off, off + take));
      this.inPart += take;
      off += take;
      if (this.inPart === this.partSize) {
        this.parts.push(this.cur.digest());
        this.cur = createHash('md5');
        this.inPart = 0;
      }
    }
  }
  digest(): string {
    const parts = this.inPart > 0 ? [...this.parts, this.cur.digest()] : this.parts;
    return `"${createHash('md5').update(Buffer.concat(parts)).digest('hex')}-${parts.length}"`;
  }
}

/** Writes `size` bytes produced by gen(n) (n ≤ 4 MiB per call), streaming; returns size and SHA-256. */
export async function writeFromBlocks(path: string, size: number, gen: (n: number) => Buffer): Promise<FileDigest> {
  await mkdir(dirname(path), { recursive: true });
  const h = createHash('sha256');
  const fh = await open(path, 'w');
  try {
    let left = size;
    while (left > 0) {
      const take = Math.min(left, BLOCK);
      const b = gen(take);
      if (b.length !== take) throw new Error(`generator gave ${b.length} bytes, wanted ${take}`);
      h.update(b);
      let off = 0;
      while (off < b.length) off += (await fh.write(b, off, b.length - off)).bytesWritten;
      left -= take;
    }
  } finally {
    await fh.close();
  }
  return { size, sha256: h.digest('hex') };
}

/** Writes a buffer and returns its digest. */
export async function writeBuffer(path: string, data: Buffer): Promise<FileDigest> {
  await mkdir(dirname(path), { recursive: true });
  const fh = await open(path, 'w');
  try {
    await fh.writeFile(data);
  } finally {
    await fh.close();
  }
  return { size: data.length, sha256: createHash('sha256').update(data).digest('hex') };
}

/** SHA-256 (hex) and size of a file, streaming. */
export async function digestFile(path: string): Promise<FileDigest> {
  const h = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 * MiB })) {
    h.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: h.digest('hex') };
}

/** SHA-256 (hex), size, MD5 (hex) and CRC32 of a stream of bytes (e.g. a GetObject body). */
export async function digestStream(body: AsyncIterable<Uint8Array>): Promise<FileDigest & { md5: string; crc32: number }> {
  const h = createHash('sha256');
  const m = createHash('md5');
  let crc = 0;
  let size = 0;
  for await (const chunk of body) {
    h.update(chunk);
    m.update(chunk);
    crc = zlib.crc32(chunk, crc);
    size += chunk.length;
  }
  return { size, sha256: h.digest('hex'), md5: m.digest('hex'), crc32: crc >>> 0 };
}

/** A Readable of `size` pseudo-random bytes for `seed`, in `piece`-sized chunks. */
export function randomReadable(size: number, seed: string, piece = 1 * MiB): Readable {
  const prng = new Prng(seed);
  let left = size;
  return new Readable({
    read() {
      if (left <= 0) {
        this.push(null);
        return;
      }
      const take = Math.min(left, piece);
      left -= take;
      this.push(prng.bytes(take));
    },
  });
}

const WORDS = (
  'request served upstream timeout cache hit miss retry backoff chunk manifest bucket object region replica ' +
  'queue worker lease commit abort upload part verify checksum compress inline listing delete version tenant'
).split(' ');
const LEVELS = ['DEBUG', 'INFO', 'INFO', 'INFO', 'WARN', 'ERROR'];

/** Plain-text log lines (compressible, like real logs), exactly `size` bytes. */
export function logText(size: number, seed: number): Buffer {
  const r = mulberry32(seed);
  const parts: string[] = [];
  let len = 0;
  let t = Date.UTC(2024, 0, 1) + Math.floor(r() * 1e9);
  while (len < size) {
    t += Math.floor(r() * 2000);
    const words = Array.from({ length: 3 + Math.floor(r() * 8) }, () => WORDS[Math.floor(r() * WORDS.length)]).join(' ');
    const line =
      `${new Date(t).toISOString()} ${LEVELS[Math.floor(r() * LEVELS.length)]} svc=${WORDS[Math.floor(r() * 8)]} ` +
      `req=${Math.floor(r() * 0xffffffff).toString(16).padStart(8, '0')} latency_ms=${Math.floor(r() * 900)} ${words}\n`;
    parts.push(line);
    len += Buffer.byteLength(line);
  }
  return Buffer.from(parts.join('')).subarray(0, size);
}

/** JSON lines (compressible), exactly `size` bytes. */
export function jsonLines(size: number, seed: number): Buffer {
  const r = mulberry32(seed);
  const parts: string[] = [];
  let len = 0;
  let id = Math.floor(r() * 1e6);
  while (len < size) {
    id += 1;
    const line = `${JSON.stringify({
      id,
      ts: new Date(Date.UTC(2024, 0, 1) + id * 1000).toISOString(),
      level: LEVELS[Math.floor(r() * LEVELS.length)],
      bucket: `b-${Math.floor(r() * 40)}`,
      key: `${WORDS[Math.floor(r() * WORDS.length)]}/${WORDS[Math.floor(r() * WORDS.length)]}-${Math.floor(r() * 1e5)}.dat`,
      bytes: Math.floor(r() * 1e8),
      ok: r() > 0.1,
      tags: [WORDS[Math.floor(r() * WORDS.length)], WORDS[Math.floor(r() * WORDS.length)]],
    })}\n`;
    parts.push(line);
    len += Buffer.byteLength(line);
  }
  return Buffer.from(parts.join('')).subarray(0, size);
}

/** Every file (with size and SHA-256) and every directory (size -1, sha256 'dir') under root, keyed by relative path ('/' separated). */
export async function treeManifest(root: string): Promise<Map<string, FileDigest>> {
  const out = new Map<string, FileDigest>();
  async function walk(rel: string): Promise<void> {
    const names = (await readdir(join(root, rel))).sort();
    for (const name of names) {
      const r = rel ? `${rel}/${name}` : name;
      const st = await lstat(join(root, r));
      if (st.isDirectory()) {
        out.set(`${r}/`, { size: -1, sha256: 'dir' });
        await walk(r);
      } else if (st.isFile()) {
        out.set(r, await digestFile(join(root, r)));
      } else {
        out.set(r, { size: -2, sha256: 'other' });
      }
    }
  }
  await walk('');
  return out;
}

/** Human-readable differences between two manifests (empty when equal). */
export function diffManifests(want: Map<string, FileDigest>, got: Map<string, FileDigest>, limit = 20): string[] {
  const diffs: string[] = [];
  for (const [k, w] of want) {
    const g = got.get(k);
    if (!g) diffs.push(`missing: ${k}`);
    else if (g.size !== w.size || g.sha256 !== w.sha256) diffs.push(`differs: ${k} (want ${w.size} B ${w.sha256.slice(0, 12)}, got ${g.size} B ${g.sha256.slice(0, 12)})`);
  }
  for (const k of got.keys()) if (!want.has(k)) diffs.push(`unexpected: ${k}`);
  return diffs.slice(0, limit).concat(diffs.length > limit ? [`... and ${diffs.length - limit} more`] : []);
}
