/**
 * @vaultx/storage — the metadata-KV and chunk-store interfaces, their
 * backends, and (from '@vaultx/storage/conformance') the shared conformance
 * suite.
 *
 * Backends: embedded/ (LMDB + local files, the default run mode). The Riak
 * backends (riak/) are a later issue; they must pass the same suite.
 */
export type * from './types.ts';
export { openLmdbKv } from './embedded/lmdb-kv.ts';
export type { LmdbKvOptions } from './embedded/lmdb-kv.ts';
export { openFileChunkBackend } from './embedded/file-chunks.ts';
export {
  CHUNK_FORMAT_VERSION,
  CHUNK_HEADER_SIZE,
  CHUNK_MAGIC,
  ChunkEncoding,
  ChunkFormatError,
  ENCODING_NAMES,
  encodeChunkHeader,
  parseChunkHeader,
} from './chunk-header.ts';
export type { ChunkEncodingId, ParsedHeader } from './chunk-header.ts';
export { compareUtf8, isWellFormed, prefixEnd, prefixRange, truncateUtf8 } from './util/utf8.ts';
// The conformance suite lives at the '@vaultx/storage/conformance' subpath (it
// imports node:test, which production code should not load).
export type { ChunkBackendFactory, ChunkBackendHarness, MetaKvFactory, MetaKvHarness } from './conformance/index.ts';
