/**
 * UploadPartCopy's data path: a part made of a byte range of an existing
 * object, reusing the source's chunks wherever the range covers them whole.
 *
 * - Whole chunks inside the range are shared (the part references them; no
 *   bytes are written).
 * - A chunk the range cuts (at most the first and the last) is read for just
 *   the covered piece, which is written as a new chunk.
 * - The part's ETag is the MD5 of the copied bytes, so the range is read once
 *   (streaming, one chunk at a time) to hash it, together with the upload's
 *   checksum. When the whole of a single-part object is copied its ETag (and a
 *   full-object checksum of the same algorithm) are reused and nothing is read.
 */
import { PassThrough, Readable } from 'node:stream';
import type { ChunkStoreApi } from '@vaultx/chunk-store-client';
import type { ChunkRef, ObjectRecord } from '@vaultx/metadata-client';
import type { ChecksumAlgorithm } from '@vaultx/sigv4';
import { BodyDigests } from '../data/digests.ts';

export interface CopiedPart {
  chunks: ChunkRef[];
  size: number;
  /** Hex MD5 of the copied bytes. */
  etag: string;
  checksum?: string;
}

/** True for an ETag that is the MD5 of the object's bytes (not a multipart ETag). */
function isPlainMd5(etag: string): boolean {
  return /^[0-9a-f]{32}$/.test(etag);
}

async function pump(source: AsyncIterable<Buffer>, digests: BodyDigests, sink?: PassThrough): Promise<void> {
  for await (const buf of source) {
    digests.update(buf);
    if (sink && !sink.write(buf)) {
      await new Promise<void>((resolve, reject) => {
        const done = (err?: Error) => {
          sink.off('drain', onDrain);
          sink.off('error', done);
          sink.off('close', onClose);
          if (err) reject(err);
          else resolve();
        };
        const onDrain = () => done();
        const onClose = () => done(new Error('chunk upload closed'));
        sink.once('drain', onDrain);
        sink.once('error', done);
        sink.once('close', onClose);
      });
    }
  }
}

/**
 * The part for bytes [range.start, range.end] (inclusive) of `source`
 * (undefined: all of it). The range must lie within the object.
 */
export async function copyRange(
  source: ObjectRecord,
  range: { start: number; end: number } | undefined,
  store: ChunkStoreApi,
  opts: { checksum?: ChecksumAlgorithm; requestId: string },
): Promise<CopiedPart> {
  const start = range?.start ?? 0;
  const end = range?.end ?? source.size - 1;
  const whole = start === 0 && end === source.size - 1;
  const single = !source.parts && isPlainMd5(source.etag);
  const reusableChecksum =
    opts.checksum === undefined ||
    (source.checksum?.algorithm === opts.checksum && source.checksum.type === 'FULL_OBJECT' && !source.checksum.value.includes('-'));
  if ((whole || source.size === 0) && single && reusableChecksum && source.inline === undefined) {
    return {
      chunks: source.chunks.slice(),
      size: source.size,
      etag: source.etag,
      checksum: opts.checksum !== undefined ? source.checksum?.value : undefined,
    };
  }

  const digests = new BodyDigests({ checksum: opts.checksum });
  const chunks: ChunkRef[] = [];
  const ctx = { requestId: opts.requestId };
  if (source.inline !== undefined) {
    // A small object kept with its metadata: its piece becomes a chunk (parts always live in chunks).
    const piece = Buffer.from(source.inline, 'base64').subarray(start, end + 1);
    digests.update(piece);
    if (piece.length > 0) {
      const written = await store.putChunk(Readable.from([piece]), ctx);
      chunks.push({ id: written.id, size: written.size });
    }
    const d = digests.digest();
    return { chunks, size: d.length, etag: d.md5.toString('hex'), checksum: d.checksum };
  }
  let offset = 0;
  for (const c of source.chunks) {
    const cStart = offset;
    const cEnd = offset + c.size - 1;
    offset += c.size;
    if (c.size === 0 || cEnd < start) continue;
    if (cStart > end) break;
    const from = Math.max(start, cStart) - cStart;
    const to = Math.min(end, cEnd) - cStart;
    if (from === 0 && to === c.size - 1) {
      await pump((await store.getChunk(c.id, undefined, ctx)) as AsyncIterable<Buffer>, digests);
      chunks.push({ id: c.id, size: c.size });
      continue;
    }
    // A cut chunk: its covered piece becomes a chunk of its own.
    const sink = new PassThrough({ highWaterMark: 256 * 1024 });
    const put = store.putChunk(sink, ctx);
    put.catch(() => undefined); // awaited below
    try {
      await pump((await store.getChunk(c.id, { start: from, end: to }, ctx)) as AsyncIterable<Buffer>, digests, sink);
      sink.end();
    } catch (e) {
      sink.destroy(e instanceof Error ? e : new Error(String(e)));
      await put.catch(() => undefined);
      throw e;
    }
    const written = await put;
    chunks.push({ id: written.id, size: written.size });
  }
  const d = digests.digest();
  return { chunks, size: d.length, etag: d.md5.toString('hex'), checksum: d.checksum };
}
