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

export function readObjectData(
  chunks: ChunkRef[],
  range: { start: number; end: number },
  store: ChunkStoreApi,
  requestId: string,
): Readable {
  const parts = slices(chunks, range.start, range.end);
  async function* generate(): AsyncGenerator<Buffer> {
    for (const s of parts) {
      const whole = s.start === 0 && s.end === s.size - 1;
      const stream = await store.getChunk(s.id, whole ? undefined : { start: s.start, end: s.end }, { requestId });
      for await (const buf of stream) yield buf as Buffer;
    }
  }
  return Readable.from(generate(), { objectMode: false, highWaterMark: 256 * 1024 });
}
