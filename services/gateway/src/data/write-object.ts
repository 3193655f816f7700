/**
 * Streams an object's bytes into the chunk store as fixed-size chunks while
 * computing its digests in the same pass. Memory is bounded by the stream
 * buffers of at most MAX_IN_FLIGHT chunk uploads, whatever the object size.
 * A failure anywhere aborts every chunk upload; chunks that did land stay
 * unreferenced and are left to the collector.
 */
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { ChunkStoreApi } from '@vaultx/chunk-store-client';
import type { ChunkRef } from '@vaultx/metadata-client';
import type { ChecksumAlgorithm } from '@vaultx/sigv4';
import { BodyDigests, type DigestResult } from './digests.ts';

/** Chunks being written at once: one receiving, one being fsynced. */
const MAX_IN_FLIGHT = 2;

export interface WriteResult {
  chunks: ChunkRef[];
  digests: DigestResult;
}

export async function writeObjectData(
  source: AsyncIterable<Buffer>,
  chunks: ChunkStoreApi,
  opts: {
    chunkSize: number;
    sha256: boolean;
    checksum?: ChecksumAlgorithm;
    requestId: string;
    maxSize: number;
    onTooLarge: () => Error;
    /** The object's Content-Type: tells the chunk store not to try compressing images, video, archives... */
    contentType?: string;
  },
): Promise<WriteResult> {
  const digests = new BodyDigests({ sha256: opts.sha256, checksum: opts.checksum });
  const pending: Promise<ChunkRef>[] = [];
  const refs: ChunkRef[] = [];
  let current: PassThrough | undefined;
  let currentSize = 0;
  let total = 0;

  const startChunk = (): PassThrough => {
    const pass = new PassThrough({ highWaterMark: 256 * 1024 });
    // The consumer sees a failure through its own read; this listener only keeps
    // an error raised before (or after) it reads from crashing the process.
    pass.on('error', () => undefined);
    const p = chunks.putChunk(pass, { requestId: opts.requestId, contentType: opts.contentType }).then((r) => ({ id: r.id, size: r.size }));
    p.catch(() => undefined); // observed below; avoid an unhandled rejection meanwhile
    pending.push(p);
    currentSize = 0;
    return pass;
  };
  const finishChunk = async (): Promise<void> => {
    current?.end();
    current = undefined;
    while (pending.length >= MAX_IN_FLIGHT) refs.push(await pending.shift()!);
  };

  try {
    for await (const piece of source) {
      let buf: Buffer = piece;
      digests.update(buf);
      total += buf.length;
      if (total > opts.maxSize) throw opts.onTooLarge();
      while (buf.length > 0) {
        if (!current) current = startChunk();
        const room = opts.chunkSize - currentSize;
        const part = buf.length > room ? buf.subarray(0, room) : buf;
        buf = buf.length > room ? buf.subarray(room) : Buffer.alloc(0);
        currentSize += part.length;
        if (!current.write(part)) await Promise.race([once(current, 'drain'), pending[pending.length - 1]]);
        if (currentSize === opts.chunkSize) await finishChunk();
      }
    }
    if (current) await finishChunk();
    for (const p of pending.splice(0)) refs.push(await p);
  } catch (e) {
    current?.destroy(e instanceof Error ? e : new Error(String(e)));
    await Promise.allSettled(pending);
    throw e;
  }
  return { chunks: refs, digests: digests.digest() };
}
