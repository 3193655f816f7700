/**
 * The chunk store: content-addressed chunks by SHA-256 over a ChunkBackend.
 * (Compression and read verification sit here, between API and backend.)
 */
import type { Readable } from 'node:stream';
import { S3Error } from '@vaultx/s3-protocol';
import type { ChunkBackend } from '@vaultx/storage';
import type { ChunkStoreApi, PutChunkResult } from '@vaultx/chunk-store-client';

const CHUNK_ID = /^[0-9a-f]{64}$/;

export function assertChunkId(id: string): void {
  if (!CHUNK_ID.test(id)) throw new S3Error('InvalidArgument', `invalid chunk id: ${id.slice(0, 80)}`);
}

export class ChunkStoreService implements ChunkStoreApi {
  constructor(private readonly backend: ChunkBackend) {}

  putChunk(body: AsyncIterable<Buffer>): Promise<PutChunkResult> {
    return this.backend.write(body);
  }

  async getChunk(id: string, range?: { start: number; end: number }): Promise<Readable> {
    assertChunkId(id);
    return this.backend.read(id, range);
  }

  async statChunk(id: string): Promise<{ size: number } | undefined> {
    assertChunkId(id);
    return this.backend.stat(id);
  }

  async deleteChunk(id: string): Promise<void> {
    assertChunkId(id);
    await this.backend.delete(id);
  }

  /** Readiness: the backend answers. */
  async check(): Promise<void> {
    await this.backend.stat('0'.repeat(64));
  }
}
