/**
 * Checksums computed independently of the product, to check what it stores
 * and returns: CRC32 (zlib), CRC32C, CRC64/NVME, SHA-1, SHA-256, MD5.
 * All returned base64 (big-endian for CRCs), as S3 puts them in
 * x-amz-checksum-* headers; md5Hex for ETags.
 */
import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';

function makeTable32(poly: number): Uint32Array {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
}
const T32 = makeTable32(0xedb88320);
const T32C = makeTable32(0x82f63b78);

function crc32With(table: Uint32Array, data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function crc32Num(data: Uint8Array): number {
  const z = zlib as unknown as { crc32?: (d: Uint8Array) => number };
  return typeof z.crc32 === 'function' ? z.crc32(data) >>> 0 : crc32With(T32, data);
}
export function crc32cNum(data: Uint8Array): number {
  return crc32With(T32C, data);
}

const POLY64 = 0x9a6c9329ac4bc9b5n; // reflected CRC-64/NVME polynomial
const T64: BigUint64Array = (() => {
  const t = new BigUint64Array(256);
  for (let i = 0n; i < 256n; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ POLY64 : c >> 1n;
    t[Number(i)] = c;
  }
  return t;
})();
const MASK64 = 0xffffffffffffffffn;
export function crc64nvmeNum(data: Uint8Array): bigint {
  let c = MASK64;
  for (let i = 0; i < data.length; i++) c = T64[Number((c ^ BigInt(data[i])) & 0xffn)] ^ (c >> 8n);
  return (c ^ MASK64) & MASK64;
}

function be32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

export const b64 = {
  crc32: (d: Uint8Array) => be32(crc32Num(d)).toString('base64'),
  crc32c: (d: Uint8Array) => be32(crc32cNum(d)).toString('base64'),
  crc64nvme: (d: Uint8Array) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(crc64nvmeNum(d));
    return b.toString('base64');
  },
  sha1: (d: Uint8Array) => createHash('sha1').update(d).digest('base64'),
  sha256: (d: Uint8Array) => createHash('sha256').update(d).digest('base64'),
  md5: (d: Uint8Array) => createHash('md5').update(d).digest('base64'),
};

export function md5Hex(d: Uint8Array | string): string {
  return createHash('md5').update(d).digest('hex');
}
export function sha256HexOf(d: Uint8Array | string): string {
  return createHash('sha256').update(d).digest('hex');
}
