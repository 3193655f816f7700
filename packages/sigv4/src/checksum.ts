/**
 * The S3 "flexible checksums": CRC32, CRC32C, CRC64NVME, SHA1, SHA256.
 *
 * Every checksummer is incremental (update() any number of times, any piece
 * size) and its digest is the big-endian checksum value, base64-encoded, the
 * way S3 carries it in `x-amz-checksum-*` headers and trailers.
 *
 * CRC32 uses node:zlib's native `crc32` when present (Node >= 20.15), else the
 * table implementation below. CRC32C and CRC64NVME are slice-by-8 tables written
 * here: `@aws-crypto/crc32c` processes one byte per iteration through an
 * iterator (several times slower), and `@aws-sdk/crc64-nvme` only offers an
 * async digest(); both serve as reference implementations in the tests.
 */
import { createHash, type Hash } from 'node:crypto';
import * as zlib from 'node:zlib';

export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'SHA1' | 'SHA256' | 'CRC64NVME';

export interface Checksummer {
  update(data: Buffer): void;
  /** base64 of the big-endian checksum bytes, as S3 headers carry it. */
  digest(): string;
}

const ALGORITHMS: readonly ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME'];

/** 'x-amz-checksum-crc32', 'x-amz-checksum-crc64nvme', ... */
export function checksumHeaderName(alg: ChecksumAlgorithm): string {
  return `x-amz-checksum-${alg.toLowerCase()}`;
}

/** Case-insensitive; accepts 'crc32', 'CRC32C', 'x-amz-checksum-sha256', ... */
export function parseChecksumAlgorithm(s: string): ChecksumAlgorithm | undefined {
  let v = s.trim().toUpperCase();
  if (v.startsWith('X-AMZ-CHECKSUM-')) v = v.slice('X-AMZ-CHECKSUM-'.length);
  return (ALGORITHMS as readonly string[]).includes(v) ? (v as ChecksumAlgorithm) : undefined;
}

export function createChecksum(alg: ChecksumAlgorithm): Checksummer {
  switch (alg) {
    case 'CRC32':
      return typeof nativeCrc32 === 'function' ? new NativeCrc32() : new Crc32Table(CRC32_TABLES);
    case 'CRC32C':
      return new Crc32Table(CRC32C_TABLES);
    case 'CRC64NVME':
      return new Crc64Nvme();
    case 'SHA1':
      return new HashChecksum(createHash('sha1'));
    case 'SHA256':
      return new HashChecksum(createHash('sha256'));
    default: {
      const never: never = alg;
      throw new TypeError(`unknown checksum algorithm ${String(never)}`);
    }
  }
}

// ---------------------------------------------------------------------------
// Hash-based

class HashChecksum implements Checksummer {
  #hash: Hash;
  #result: string | undefined;
  constructor(hash: Hash) {
    this.#hash = hash;
  }
  update(data: Buffer): void {
    if (this.#result !== undefined) throw new Error('checksum already digested');
    this.#hash.update(data);
  }
  digest(): string {
    this.#result ??= this.#hash.digest('base64');
    return this.#result;
  }
}

// ---------------------------------------------------------------------------
// CRC32 (native)

const nativeCrc32 = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

class NativeCrc32 implements Checksummer {
  #crc = 0;
  update(data: Buffer): void {
    this.#crc = nativeCrc32!(data, this.#crc);
  }
  digest(): string {
    const out = Buffer.allocUnsafe(4);
    out.writeUInt32BE(this.#crc >>> 0, 0);
    return out.toString('base64');
  }
}

// ---------------------------------------------------------------------------
// Reflected 32-bit CRCs, slice-by-8 (CRC32: poly 0xEDB88320, CRC32C: 0x82F63B78)

function makeCrc32Tables(reflectedPoly: number): Uint32Array[] {
  const tables: Uint32Array[] = [];
  const t0 = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ reflectedPoly : c >>> 1;
    t0[i] = c >>> 0;
  }
  tables.push(t0);
  for (let s = 1; s < 8; s++) {
    const prev = tables[s - 1];
    const t = new Uint32Array(256);
    for (let i = 0; i < 256; i++) t[i] = (prev[i] >>> 8) ^ t0[prev[i] & 0xff];
    tables.push(t);
  }
  return tables;
}

const CRC32_TABLES = makeCrc32Tables(0xedb88320);
const CRC32C_TABLES = makeCrc32Tables(0x82f63b78);

/** Exported for tests: the table CRC32 that backs up a missing zlib.crc32. */
export class Crc32Table implements Checksummer {
  #crc = 0xffffffff;
  readonly #t: Uint32Array[];
  constructor(tables: Uint32Array[]) {
    this.#t = tables;
  }
  update(data: Buffer): void {
    const [t0, t1, t2, t3, t4, t5, t6, t7] = this.#t;
    let crc = this.#crc;
    const len = data.length;
    let i = 0;
    const end8 = len - (len % 8);
    while (i < end8) {
      const a = crc ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24));
      crc =
        t7[a & 0xff] ^
        t6[(a >>> 8) & 0xff] ^
        t5[(a >>> 16) & 0xff] ^
        t4[a >>> 24] ^
        t3[data[i + 4]] ^
        t2[data[i + 5]] ^
        t1[data[i + 6]] ^
        t0[data[i + 7]];
      i += 8;
    }
    while (i < len) crc = (crc >>> 8) ^ t0[(crc ^ data[i++]) & 0xff];
    this.#crc = crc;
  }
  digest(): string {
    const out = Buffer.allocUnsafe(4);
    out.writeUInt32BE((this.#crc ^ 0xffffffff) >>> 0, 0);
    return out.toString('base64');
  }
}

/** For tests: a CRC32 checksummer that never uses zlib. */
export function createTableCrc32(): Checksummer {
  return new Crc32Table(CRC32_TABLES);
}

// ---------------------------------------------------------------------------
// CRC64/NVME: reflected poly 0x9a6c9329ac4bc9b5 (= bit-reverse of 0xad93d23594c93659),
// init and xorout all ones. Check value for "123456789" is 0xae8b14860a799888.
// The 64-bit register is kept as two uint32 halves (hi, lo); tables are
// interleaved [hi, lo] pairs. Slice-by-8: the 8 data bytes xor the whole register.

const CRC64_POLY_HI = 0x9a6c9329;
const CRC64_POLY_LO = 0xac4bc9b5;

function makeCrc64Tables(): Uint32Array[] {
  const tables: Uint32Array[] = [];
  const t0 = new Uint32Array(512);
  for (let i = 0; i < 256; i++) {
    let hi = 0;
    let lo = i;
    for (let k = 0; k < 8; k++) {
      const bit = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (bit) {
        hi = (hi ^ CRC64_POLY_HI) >>> 0;
        lo = (lo ^ CRC64_POLY_LO) >>> 0;
      }
    }
    t0[i * 2] = hi;
    t0[i * 2 + 1] = lo;
  }
  tables.push(t0);
  for (let s = 1; s < 8; s++) {
    const prev = tables[s - 1];
    const t = new Uint32Array(512);
    for (let i = 0; i < 256; i++) {
      const phi = prev[i * 2];
      const plo = prev[i * 2 + 1];
      const idx = (plo & 0xff) * 2;
      // (prev >>> 8) ^ t0[prev & 0xff]
      t[i * 2] = ((phi >>> 8) ^ t0[idx]) >>> 0;
      t[i * 2 + 1] = (((plo >>> 8) | ((phi & 0xff) << 24)) ^ t0[idx + 1]) >>> 0;
    }
    tables.push(t);
  }
  return tables;
}

const CRC64_TABLES = makeCrc64Tables();

class Crc64Nvme implements Checksummer {
  #hi = 0xffffffff;
  #lo = 0xffffffff;
  update(data: Buffer): void {
    const [t0, t1, t2, t3, t4, t5, t6, t7] = CRC64_TABLES;
    let hi = this.#hi;
    let lo = this.#lo;
    const len = data.length;
    let i = 0;
    const end8 = len - (len % 8);
    while (i < end8) {
      const l = lo ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24));
      const h = hi ^ (data[i + 4] | (data[i + 5] << 8) | (data[i + 6] << 16) | (data[i + 7] << 24));
      const i0 = (l & 0xff) << 1;
      const i1 = ((l >>> 8) & 0xff) << 1;
      const i2 = ((l >>> 16) & 0xff) << 1;
      const i3 = (l >>> 24) << 1;
      const i4 = (h & 0xff) << 1;
      const i5 = ((h >>> 8) & 0xff) << 1;
      const i6 = ((h >>> 16) & 0xff) << 1;
      const i7 = (h >>> 24) << 1;
      hi = t7[i0] ^ t6[i1] ^ t5[i2] ^ t4[i3] ^ t3[i4] ^ t2[i5] ^ t1[i6] ^ t0[i7];
      lo = t7[i0 + 1] ^ t6[i1 + 1] ^ t5[i2 + 1] ^ t4[i3 + 1] ^ t3[i4 + 1] ^ t2[i5 + 1] ^ t1[i6 + 1] ^ t0[i7 + 1];
      i += 8;
    }
    while (i < len) {
      const idx = ((lo ^ data[i++]) & 0xff) << 1;
      lo = ((lo >>> 8) | ((hi & 0xff) << 24)) ^ t0[idx + 1];
      hi = (hi >>> 8) ^ t0[idx];
    }
    this.#hi = hi >>> 0;
    this.#lo = lo >>> 0;
  }
  digest(): string {
    const out = Buffer.allocUnsafe(8);
    out.writeUInt32BE((this.#hi ^ 0xffffffff) >>> 0, 0);
    out.writeUInt32BE((this.#lo ^ 0xffffffff) >>> 0, 4);
    return out.toString('base64');
  }
}
