/** Runs the shared conformance suite against the embedded backends (LMDB metadata, file chunks). */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { chunkBackendConformance, metaKvConformance } from '../conformance/index.ts';
import type { ChunkBackend, MetaKV } from '../types.ts';
import { openFileChunkBackend } from './file-chunks.ts';
import { CHUNK_HEADER_SIZE, ChunkFormatError, parseChunkHeader } from '../chunk-header.ts';
import { openLmdbKv } from './lmdb-kv.ts';

async function tempDir(tag: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `vaultx-${tag}-`));
}

metaKvConformance('embedded LMDB', async () => {
  const dir = await tempDir('lmdb');
  const handles: MetaKV[] = [await openLmdbKv(dir)];
  return {
    kv: handles[0]!,
    reopen: async () => {
      const kv = await openLmdbKv(dir);
      handles.push(kv);
      return kv;
    },
    cleanup: async () => {
      for (const h of handles) await h.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
});

chunkBackendConformance('embedded files', async () => {
  const dir = await tempDir('chunks');
  const handles: ChunkBackend[] = [await openFileChunkBackend(dir)];
  return {
    backend: handles[0]!,
    reopen: async () => {
      const b = await openFileChunkBackend(dir);
      handles.push(b);
      return b;
    },
    cleanup: async () => {
      for (const h of handles) await h.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
});

describe('embedded LMDB specifics', () => {
  it('rejects keys that are not well-formed or too long, without breaking the store', async () => {
    const dir = await tempDir('lmdb-x');
    const kv = await openLmdbKv(dir);
    try {
      await assert.rejects(kv.put('lone\uD800', 1), TypeError);
      await assert.rejects(kv.put('', 1), TypeError);
      await assert.rejects(kv.put('k'.repeat(3000), 1), RangeError);
      await assert.rejects(kv.put('undef', undefined), TypeError);
      await assert.rejects(
        kv.update(['ok', 'k'.repeat(3000)], () => ({ writes: new Map(), result: null })),
        RangeError,
      );
      assert.equal(await kv.get('k'.repeat(3000)), undefined);
      await kv.del('k'.repeat(3000));
      // bounds longer than LMDB's key limit still scan correctly
      await kv.put('a', 1);
      await kv.put('b', 2);
      const keys: string[] = [];
      for await (const e of kv.scan({ gt: 'a'.repeat(2500), lt: 'c'.repeat(2500) })) keys.push(e.key);
      assert.deepEqual(keys, ['b']);
      keys.length = 0;
      for await (const e of kv.scan({ gte: 'a', lt: 'a'.repeat(2500) })) keys.push(e.key);
      assert.deepEqual(keys, ['a']);
      await kv.put('still-works', true);
      assert.equal(await kv.get('still-works'), true);
    } finally {
      await kv.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

async function putRaw(be: ChunkBackend, data: Buffer): Promise<{ id: string; existed: boolean }> {
  const w = await be.begin();
  await w.write(data);
  const id = createHash('sha256').update(data).digest('hex');
  return { id, ...(await w.commit(id, { encoding: 0, size: data.length })) };
}

describe('embedded file chunks specifics', () => {
  it('lays chunks out as ab/cd/<id> behind a header, and clears tmp/ debris on open', async () => {
    const dir = await tempDir('chunks-x');
    try {
      let be = await openFileChunkBackend(dir);
      const { id } = await putRaw(be, Buffer.from('hello'));
      const file = await fs.readFile(path.join(dir, id.slice(0, 2), id.slice(2, 4), id));
      assert.equal(file.length, CHUNK_HEADER_SIZE + 5);
      // No CRC given: a version 1 header in the 20 bytes reserved.
      assert.deepEqual(parseChunkHeader(file, file.length), { formatVersion: 1, encoding: 0, size: 5, headerSize: 20 });
      assert.equal(file.subarray(20).toString(), 'hello');
      assert.deepEqual(await fs.readdir(path.join(dir, 'tmp')), []);
      await be.close();
      await fs.writeFile(path.join(dir, 'tmp', 'crash-debris'), 'partial');
      be = await openFileChunkBackend(dir);
      assert.deepEqual(await fs.readdir(path.join(dir, 'tmp')), []);
      const ids: string[] = [];
      for await (const x of be.list()) ids.push(x.id);
      assert.deepEqual(ids, [id]);
      await be.close();
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('reads a headerless chunk written before headers existed as raw (format version 0)', async () => {
    const dir = await tempDir('chunks-legacy');
    try {
      const be = await openFileChunkBackend(dir);
      const data = Buffer.from('legacy chunk bytes');
      const id = createHash('sha256').update(data).digest('hex');
      await fs.mkdir(path.join(dir, id.slice(0, 2), id.slice(2, 4)), { recursive: true });
      await fs.writeFile(path.join(dir, id.slice(0, 2), id.slice(2, 4), id), data);
      const st = await be.stat(id);
      assert.equal(st?.formatVersion, 0);
      assert.equal(st?.size, data.length);
      const c = await be.open(id);
      const parts: Buffer[] = [];
      for await (const p of c.stream({ start: 7, end: 11 })) parts.push(p as Buffer);
      assert.equal(Buffer.concat(parts).toString(), 'chunk');
      // dedup onto it works (it is intact)
      assert.equal((await putRaw(be, data)).existed, true);
      await be.close();
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('a stored chunk with a damaged header is replaced by the next write of it', async () => {
    const dir = await tempDir('chunks-dmg');
    try {
      const be = await openFileChunkBackend(dir);
      const data = Buffer.from('0123456789');
      const { id } = await putRaw(be, data);
      const file = path.join(dir, id.slice(0, 2), id.slice(2, 4), id);
      await fs.truncate(file, 20); // raw length no longer matches the header
      await assert.rejects(be.stat(id), (e: unknown) => e instanceof ChunkFormatError && e.corrupt);
      const again = await putRaw(be, data);
      assert.equal(again.existed, false);
      assert.equal((await be.stat(id))?.size, 10);
      await be.close();
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('quarantine moves the file into corrupt/', async () => {
    const dir = await tempDir('chunks-q');
    try {
      const be = await openFileChunkBackend(dir);
      const { id } = await putRaw(be, Buffer.from('bad'));
      await be.quarantine(id);
      const q = await fs.readdir(path.join(dir, 'corrupt'));
      assert.equal(q.length, 1);
      assert.ok(q[0]!.startsWith(id));
      await be.close();
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('leaves no temp file after an abort or a failed commit', async () => {
    const dir = await tempDir('chunks-y');
    const be = await openFileChunkBackend(dir);
    try {
      const w1 = await be.begin();
      await w1.write(Buffer.from('x'));
      await w1.abort();
      const w2 = await be.begin();
      await w2.write(Buffer.from('x'));
      await assert.rejects(w2.commit('not-an-id', { encoding: 0, size: 1 }));
      assert.deepEqual(await fs.readdir(path.join(dir, 'tmp')), []);
    } finally {
      await be.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
