import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ChunkStoreApi } from '@vaultx/chunk-store-client';
import type { ObjectRecord } from '@vaultx/metadata-client';
import { createChecksum } from '@vaultx/sigv4';
import { copyRange } from './copy-range.ts';

/** A chunk store in memory that counts what is read and written. */
function memoryStore() {
  const chunks = new Map<string, Buffer>();
  const stats = { puts: 0, reads: 0 };
  const api = {
    async putChunk(body: AsyncIterable<Buffer>) {
      const parts: Buffer[] = [];
      for await (const b of body) parts.push(b as Buffer);
      const data = Buffer.concat(parts);
      const id = createHash('sha256').update(data).digest('hex');
      stats.puts++;
      const existed = chunks.has(id);
      chunks.set(id, data);
      return { id, size: data.length, existed };
    },
    async getChunk(id: string, range?: { start: number; end: number }) {
      const data = chunks.get(id);
      if (!data) throw new Error(`no chunk ${id}`);
      stats.reads++;
      return Readable.from([range ? data.subarray(range.start, range.end + 1) : data]);
    },
  } satisfies Pick<ChunkStoreApi, 'putChunk' | 'getChunk'>;
  // copyRange only writes and reads chunks.
  return { api: api as unknown as ChunkStoreApi, chunks, stats };
}

async function objectOf(store: ReturnType<typeof memoryStore>, data: Buffer, chunkSize: number): Promise<ObjectRecord> {
  const refs = [];
  for (let off = 0; off < data.length; off += chunkSize) {
    const r = await store.api.putChunk(Readable.from([data.subarray(off, off + chunkSize)]));
    refs.push({ id: r.id, size: r.size });
  }
  const crc = createChecksum('CRC32');
  crc.update(data);
  return {
    bucket: 'b', key: 'k', size: data.length, etag: createHash('md5').update(data).digest('hex'), lastModified: '2025-01-01T00:00:00.000Z',
    owner: 'o', storageClass: 'STANDARD', headers: {}, userMeta: {}, chunks: refs,
    checksum: { algorithm: 'CRC32', value: crc.digest(), type: 'FULL_OBJECT' },
  };
}

async function bytesOf(store: ReturnType<typeof memoryStore>, refs: { id: string }[]): Promise<Buffer> {
  return Buffer.concat(refs.map((r) => store.chunks.get(r.id)!));
}

describe('copyRange', () => {
  const data = randomBytes(1000);

  it('shares whole chunks, writes only the cut pieces, hashes the range', async () => {
    const store = memoryStore();
    const src = await objectOf(store, data, 100);
    const puts = store.stats.puts;
    const r = await copyRange(src, { start: 150, end: 649 }, store.api, { requestId: 't' });
    assert.equal(r.size, 500);
    assert.equal(r.etag, createHash('md5').update(data.subarray(150, 650)).digest('hex'));
    assert.deepEqual(r.chunks.map((c) => c.size), [50, 100, 100, 100, 100, 50]);
    assert.deepEqual(r.chunks.slice(1, 5), src.chunks.slice(2, 6)); // shared, not copied
    assert.equal(store.stats.puts - puts, 2);
    assert.ok((await bytesOf(store, r.chunks)).equals(data.subarray(150, 650)));
    assert.equal(r.checksum, undefined);
  });

  it('a range inside one chunk; the requested checksum is computed', async () => {
    const store = memoryStore();
    const src = await objectOf(store, data, 300);
    const r = await copyRange(src, { start: 310, end: 320 }, store.api, { checksum: 'SHA256', requestId: 't' });
    assert.ok((await bytesOf(store, r.chunks)).equals(data.subarray(310, 321)));
    assert.equal(r.checksum, createHash('sha256').update(data.subarray(310, 321)).digest('base64'));
  });

  it('the whole of a single-part object reuses its chunks, ETag and same-algorithm checksum without reading', async () => {
    const store = memoryStore();
    const src = await objectOf(store, data, 300);
    const reads = store.stats.reads;
    const r = await copyRange(src, undefined, store.api, { checksum: 'CRC32', requestId: 't' });
    assert.equal(store.stats.reads, reads);
    assert.deepEqual(r.chunks, src.chunks);
    assert.equal(r.etag, src.etag);
    assert.equal(r.checksum, src.checksum!.value);
    // another algorithm must be computed: the data is read
    const r2 = await copyRange(src, { start: 0, end: 999 }, store.api, { checksum: 'CRC32C', requestId: 't' });
    assert.ok(store.stats.reads > reads);
    assert.deepEqual(r2.chunks, src.chunks);
    assert.equal(r2.etag, src.etag);
  });

  it('the whole of a multipart object gets the MD5 of its bytes', async () => {
    const store = memoryStore();
    const src = { ...(await objectOf(store, data, 400)), etag: 'abc-2', parts: [{ partNumber: 1, size: 600 }, { partNumber: 2, size: 400 }] };
    const r = await copyRange(src, undefined, store.api, { requestId: 't' });
    assert.equal(r.etag, createHash('md5').update(data).digest('hex'));
    assert.deepEqual(r.chunks, src.chunks);
  });

  it('an inline (small) source becomes a chunk', async () => {
    const store = memoryStore();
    const small = Buffer.from('tiny object');
    const src: ObjectRecord = { ...(await objectOf(store, small, 100)), chunks: [], inline: small.toString('base64') };
    const r = await copyRange(src, { start: 1, end: 4 }, store.api, { requestId: 't' });
    assert.equal(r.chunks.length, 1);
    assert.ok((await bytesOf(store, r.chunks)).equals(small.subarray(1, 5)));
    const w = await copyRange(src, undefined, store.api, { requestId: 't' });
    assert.ok((await bytesOf(store, w.chunks)).equals(small));
    assert.equal(w.etag, src.etag);
  });
});
