/**
 * The header in front of every stored chunk (embedded backend; the Riak
 * backend keeps the same 16 bytes at the start of a chunk's first block), so
 * that the encoding can change without rewriting data:
 *
 *   offset size
 *   0      4    magic "VXCK"
 *   4      1    format version (1)
 *   5      1    encoding: 0 raw, 1 zstd, 2 deflate (raw DEFLATE, node:zlib)
 *   6      2    header length in bytes, big-endian (16 for version 1; a later
 *               version may append fields, and readers skip to this offset)
 *   8      8    plaintext length, big-endian unsigned
 *   16     4    (version 2) CRC-32 of the plaintext, big-endian: reads verify
 *               with it at memory speed; the SHA-256 of the plaintext (the
 *               chunk's id) is checked on write and by verifyChunk (scrub)
 *
 * A file whose first bytes are not the magic is a chunk written before
 * headers existed: raw, the whole file is the plaintext (format version 0).
 */
import type { ChunkMeta } from './types.ts';

export const ChunkEncoding = { raw: 0, zstd: 1, deflate: 2 } as const;
export type ChunkEncodingId = (typeof ChunkEncoding)[keyof typeof ChunkEncoding];
export const ENCODING_NAMES: Record<number, string> = { 0: 'raw', 1: 'zstd', 2: 'deflate' };

export const CHUNK_MAGIC = Buffer.from('VXCK', 'latin1');
export const CHUNK_FORMAT_VERSION = 2;
/** Bytes reserved for the header of a new chunk. */
export const CHUNK_HEADER_SIZE = 20;
/** Version 1 headers are 16 bytes. */
const MIN_HEADER_SIZE = 16;

export interface ParsedHeader extends ChunkMeta {
  formatVersion: number;
  /** Where the payload starts. */
  headerSize: number;
}

/** Thrown for a header that is present but cannot be right (the chunk is corrupt). */
export class ChunkFormatError extends Error {
  readonly corrupt: boolean;
  constructor(message: string, corrupt = true) {
    super(message);
    this.name = 'ChunkFormatError';
    this.corrupt = corrupt;
  }
}

export function encodeChunkHeader(meta: ChunkMeta): Buffer {
  if (!Number.isSafeInteger(meta.size) || meta.size < 0) throw new RangeError(`bad plaintext size ${meta.size}`);
  if (!Number.isInteger(meta.encoding) || meta.encoding < 0 || meta.encoding > 255) throw new RangeError(`bad encoding ${meta.encoding}`);
  const h = Buffer.alloc(CHUNK_HEADER_SIZE);
  CHUNK_MAGIC.copy(h, 0);
  // Without a CRC the header is a version 1 one (readers skip to its length).
  h[4] = meta.crc32 === undefined ? 1 : CHUNK_FORMAT_VERSION;
  h[5] = meta.encoding;
  h.writeUInt16BE(CHUNK_HEADER_SIZE, 6);
  h.writeBigUInt64BE(BigInt(meta.size), 8);
  if (meta.crc32 !== undefined) h.writeUInt32BE(meta.crc32 >>> 0, 16);
  return h;
}

/**
 * Parses the first bytes of a stored chunk (`head` holds at least
 * min(fileSize, CHUNK_HEADER_SIZE) bytes). `fileSize` is the stored length.
 */
export function parseChunkHeader(head: Buffer, fileSize: number): ParsedHeader {
  if (head.length < 4 || !head.subarray(0, 4).equals(CHUNK_MAGIC)) {
    // Written before headers existed: raw bytes only.
    return { formatVersion: 0, encoding: ChunkEncoding.raw, size: fileSize, headerSize: 0 };
  }
  if (head.length < 8) throw new ChunkFormatError('truncated chunk header');
  const version = head[4]!;
  if (version === 0) throw new ChunkFormatError('chunk header version 0');
  if (version > CHUNK_FORMAT_VERSION) {
    throw new ChunkFormatError(`chunk format version ${version} is newer than this software understands`, false);
  }
  const headerSize = head.readUInt16BE(6);
  const needed = version >= 2 ? CHUNK_HEADER_SIZE : MIN_HEADER_SIZE;
  if (headerSize < needed || head.length < needed || headerSize > fileSize) {
    throw new ChunkFormatError(`bad chunk header length ${headerSize} (stored ${fileSize} bytes)`);
  }
  const size = head.readBigUInt64BE(8);
  if (size > BigInt(Number.MAX_SAFE_INTEGER)) throw new ChunkFormatError('chunk plaintext length out of range');
  const encoding = head[5]!;
  if (!(encoding in ENCODING_NAMES)) throw new ChunkFormatError(`unknown chunk encoding ${encoding}`);
  const meta: ParsedHeader = { formatVersion: version, encoding, size: Number(size), headerSize };
  if (version >= 2) meta.crc32 = head.readUInt32BE(16);
  if (encoding === ChunkEncoding.raw && fileSize - headerSize !== meta.size) {
    throw new ChunkFormatError(`raw chunk holds ${fileSize - headerSize} bytes, header says ${meta.size}`);
  }
  return meta;
}
