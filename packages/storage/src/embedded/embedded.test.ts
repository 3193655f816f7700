/** Runs the shared conformance suite against the embedded backends (LMDB metadata, file chunks). */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { chunkBackendConformance, metaKvConformance } from '../conformance/index.ts';
import type { ChunkBackend, MetaKV } from '../types.ts';
import { openFileChunkBackend } from './file-chunks.ts';
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

describe('embedded file chunks specifics', () => {
  it('lays chunks out as ab/cd/<id> and clears tmp/ debris on open', async () => {
    const dir = await tempDir('chunks-x');
    try {
      let be = await openFileChunkBackend(dir);
      const { id } = await be.write((async function* () { yield Buffer.from('hello'); })());
      await fs.access(path.join(dir, id.slice(0, 2), id.slice(2, 4), id));
      assert.deepEqual(await fs.readdir(path.join(dir, 'tmp')), []);
      await be.close();
      await fs.writeFile(path.join(dir, 'tmp', 'crash-debris'), 'partial');
      be = await openFileChunkBackend(dir);
      assert.deepEqual(await fs.readdir(path.join(dir, 'tmp')), []);
      const ids: string[] = [];
      for await (const x of be.list()) ids.push(x);
      assert.deepEqual(ids, [id]);
      await be.close();
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('leaves no temp file after a BadDigest or a failed source', async () => {
    const dir = await tempDir('chunks-y');
    const be = await openFileChunkBackend(dir);
    try {
      await assert.rejects(
        be.write((async function* () { yield Buffer.from('x'); })(), '0'.repeat(64)),
        (e: unknown) => (e as { code?: string }).code === 'BadDigest',
      );
      await assert.rejects(
        be.write((async function* () { yield Buffer.from('x'); throw new Error('gone'); })()),
        /gone/,
      );
      assert.deepEqual(await fs.readdir(path.join(dir, 'tmp')), []);
    } finally {
      await be.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects ids that are not 64 lowercase hex (no path traversal) and unsatisfiable ranges', async () => {
    const dir = await tempDir('chunks-z');
    const be = await openFileChunkBackend(dir);
    try {
      const hasCode = (c: string) => (e: unknown) => (e as { code?: string }).code === c;
      await assert.rejects(be.read('../../etc/passwd'), hasCode('NoSuchChunk'));
      assert.equal(await be.stat('ABC'), undefined);
      const { id } = await be.write((async function* () { yield Buffer.from('0123456789'); })());
      await assert.rejects(be.read(id, { start: 10, end: 12 }), hasCode('InvalidRange'));
      await assert.rejects(be.read(id, { start: 5, end: 4 }), hasCode('InvalidRange'));
      const r = await be.read(id, { start: 8, end: 100 }); // end clamps
      const parts: Buffer[] = [];
      for await (const p of r) parts.push(p as Buffer);
      assert.equal(Buffer.concat(parts).toString(), '89');
    } finally {
      await be.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
