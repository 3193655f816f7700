/**
 * The checksum of a multipart object, from its parts' checksums, as S3
 * computes it:
 *
 * - COMPOSITE (CRC32, CRC32C, SHA1, SHA256): the checksum of the concatenated
 *   binary part checksums, base64, then "-N" (N = number of parts).
 * - FULL_OBJECT (CRC64NVME always; CRC32 / CRC32C when asked): the CRC of the
 *   whole object. CRCs are linear, so it is combined from the part CRCs and
 *   part lengths without reading any data (zlib's crc32_combine, generalised
 *   to any reflected CRC whose init and final xor are all ones).
 */
import { createChecksum, type ChecksumAlgorithm } from '@vaultx/sigv4';

export type ChecksumType = 'FULL_OBJECT' | 'COMPOSITE';

/** The type S3 uses when CreateMultipartUpload names an algorithm but no type. */
export function defaultChecksumType(alg: ChecksumAlgorithm): ChecksumType {
  return alg === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE';
}

/** Whether S3 accepts this algorithm / type pair. */
export function isValidChecksumType(alg: ChecksumAlgorithm, type: ChecksumType): boolean {
  if (type === 'FULL_OBJECT') return alg === 'CRC32' || alg === 'CRC32C' || alg === 'CRC64NVME';
  return alg !== 'CRC64NVME';
}

export function compositeChecksum(alg: ChecksumAlgorithm, partChecksums: readonly string[]): string {
  const c = createChecksum(alg);
  for (const v of partChecksums) c.update(Buffer.from(v, 'base64'));
  return `${c.digest()}-${partChecksums.length}`;
}

interface Crc {
  width: number;
  /** Reflected polynomial. */
  poly: bigint;
  /** x^(2^k) mod p for k = 0..63. */
  x2n: bigint[];
}

function makeCrc(width: number, poly: bigint): Crc {
  const crc: Crc = { width, poly, x2n: [] };
  let p = 1n << BigInt(width - 2); // x^1
  crc.x2n.push(p);
  for (let n = 1; n < 64; n++) crc.x2n.push((p = multmodp(crc, p, p)));
  return crc;
}

/** a * b mod p, polynomials in reflected bit order (a must be non-zero). */
function multmodp(crc: Crc, a: bigint, b: bigint): bigint {
  let m = 1n << BigInt(crc.width - 1);
  let p = 0n;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1n)) === 0n) break;
    }
    m >>= 1n;
    b = b & 1n ? (b >> 1n) ^ crc.poly : b >> 1n;
  }
  return p;
}

/** x^(n * 2^k) mod p. */
function x2nmodp(crc: Crc, n: bigint, k: number): bigint {
  let p = 1n << BigInt(crc.width - 1); // x^0
  while (n) {
    if (n & 1n) p = multmodp(crc, crc.x2n[k]!, p);
    n >>= 1n;
    k++;
  }
  return p;
}

const CRCS: Partial<Record<ChecksumAlgorithm, Crc>> = {};
function crcOf(alg: ChecksumAlgorithm): Crc {
  const existing = CRCS[alg];
  if (existing) return existing;
  let c: Crc;
  if (alg === 'CRC32') c = makeCrc(32, 0xedb88320n);
  else if (alg === 'CRC32C') c = makeCrc(32, 0x82f63b78n);
  else if (alg === 'CRC64NVME') c = makeCrc(64, 0x9a6c9329ac4bc9b5n);
  else throw new TypeError(`${alg} cannot be combined`);
  CRCS[alg] = c;
  return c;
}

export function canCombine(alg: ChecksumAlgorithm): boolean {
  return alg === 'CRC32' || alg === 'CRC32C' || alg === 'CRC64NVME';
}

function toBig(b64: string, bytes: number): bigint {
  const b = Buffer.from(b64, 'base64');
  if (b.length !== bytes) throw new RangeError('checksum of the wrong length');
  return BigInt(`0x${b.toString('hex')}`);
}

function fromBig(v: bigint, bytes: number): string {
  return Buffer.from(v.toString(16).padStart(bytes * 2, '0'), 'hex').toString('base64');
}

/** The CRC of the concatenation of parts, each given by its CRC (base64, big-endian) and length. */
export function combineCrcs(alg: ChecksumAlgorithm, parts: readonly { checksum: string; size: number }[]): string {
  const crc = crcOf(alg);
  const bytes = crc.width / 8;
  let acc = 0n; // CRC of the empty string
  for (const p of parts) {
    const c2 = toBig(p.checksum, bytes);
    acc = multmodp(crc, x2nmodp(crc, BigInt(p.size), 3), acc) ^ c2;
  }
  return fromBig(acc, bytes);
}
