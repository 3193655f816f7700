/**
 * The one conformance suite every storage backend runs (embedded now; the
 * Riak backends, a later issue, import these same functions from
 * '@vaultx/storage/conformance' in their own test file).
 */
export { metaKvConformance } from './meta-kv-suite.ts';
export type { MetaKvFactory, MetaKvHarness } from './meta-kv-suite.ts';
export { chunkBackendConformance } from './chunk-backend-suite.ts';
export type { ChunkBackendFactory, ChunkBackendHarness } from './chunk-backend-suite.ts';
