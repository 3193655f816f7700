/**
 * Streams an object's bytes (or an inclusive range of them) from its chunks,
 * one chunk at a time, with backpressure from the client.
 */
import { Readable } from 'node:stream';
import type { ChunkStoreApi } from '@vaultx/chunk-store-client';
import type { ChunkRef } from '@vaultx/metadata-client';

interface Slice {
  id: string;
  start: number;
  end: number;
  size: number;
}

function slices(chunks: ChunkRef[], start: number, end: number): Slice[] {
  const out: Slice[] = [];
  let offset = 0;
  for (const c of chunks) {
    const cStart = offset;
    const cEnd = offset + c.size - 1;
    offset += c.size;
    if (c.size === 0 || cEnd < start) continue;
    if (cStart > end) break;
    out.push({ id: c.id, start: Math.max(start, cStart) - cStart, end: Math.min(end, cEnd) - cStart, size: c.size });
  }
  return out;
}

/**
 * Opens the first chunk before returning, so an unreachable or missing chunk
 * store fails the request with a proper S3 error instead of a broken body.
 * While a chunk streams, the next one is already being opened (the open is a
 * round trip: file open + header read, or an internal HTTP request), so the
 * client never waits for it between chunks.
 */
export async function readObjectData(
  chunks: ChunkRef[],
  range: { start: number; end: number },
  store: ChunkStoreApi,
  requestId: string,
): Promise<Readable> {
  const parts = slices(chunks, range.start, range.end);
  const open = (s: Slice): Promise<Readable> => {
    const whole = s.start === 0 && s.end === s.size - 1;
    return store.getChunk(s.id, whole ? undefined : { start: s.start, end: s.end }, { requestId });
  };
  let next: Promise<Readable> | undefined = parts.length > 0 ? Promise.resolve(await open(parts[0]!)) : undefined;
  async function* generate(): AsyncGenerator<Buffer> {
    try {
      for (let i = 0; i < parts.length; i++) {
        const stream = await next!;
        next = i + 1 < parts.length ? open(parts[i + 1]!) : undefined;
        next?.catch(() => undefined); // surfaces when awaited above
        for await (const buf of stream) yield buf as Buffer;
      }
    } finally {
      // The client went away mid-object: release the chunk opened ahead.
      void next?.then((s) => s.destroy(), () => undefined);
    }
  }
  return Readable.from(generate(), { objectMode: false, highWaterMark: READ_BUFFER });
}

/** Bytes buffered per GET between chunk store and socket. */
const READ_BUFFER = 512 * 1024;
