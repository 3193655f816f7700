/**
 * The ChunkBackend conformance suite: every chunk backend (local files now,
 * Riak blocks later) registers it from its own test file:
 *
 *   import { chunkBackendConformance } from '@vaultx/storage/conformance';
 *   chunkBackendConformance('riak', async () => ({ backend, reopen, cleanup }));
 *
 * Each test gets a fresh, empty backend from `factory` and calls `cleanup` after.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Readable } from 'node:stream';
import type { ChunkBackend } from '../types.ts';

export interface ChunkBackendHarness {
  backend: ChunkBackend;
  /** Opens a new handle on the same storage (after `backend.close()`); when absent the persistence test is skipped. */
  reopen?: () => Promise<ChunkBackend>;
  /** Closes every handle the harness opened and removes the data. */
  cleanup(): Promise<void>;
}

export type ChunkBackendFactory = () => Promise<ChunkBackendHarness>;

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

async function* pieces(data: Buffer, size = 64 * 1024): AsyncGenerator<Buffer> {
  for (let off = 0; off < data.length; off += size) yield data.subarray(off, off + size);
}

async function readAll(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of r) parts.push(p as Buffer);
  return Buffer.concat(parts);
}

async function listAll(b: ChunkBackend): Promise<string[]> {
  const out: string[] = [];
  for await (const id of b.list()) out.push(id);
  return out.sort();
}

function hasCode(code: string) {
  return (e: unknown): boolean => {
    assert.equal((e as { code?: string }).code, code);
    return true;
  };
}

/** Deterministic pseudo-random bytes (no RNG dependence between runs). */
function bytes(n: number, seed = 1): Buffer {
  const b = Buffer.allocUnsafe(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

export function chunkBackendConformance(name: string, factory: ChunkBackendFactory): void {
  describe(`ChunkBackend conformance: ${name}`, () => {
    let h: ChunkBackendHarness;
    let be: ChunkBackend;

    beforeEach(async () => {
      h = await factory();
      be = h.backend;
    });
    afterEach(async () => {
      await h.cleanup();
    });

    it('writes a chunk addressed by its SHA-256, then reads, stats and lists it', async () => {
      const data = bytes(100_000, 7);
      const r = await be.write(pieces(data, 4096));
      assert.deepEqual(r, { id: sha256(data), size: data.length, existed: false });
      assert.deepEqual(await be.stat(r.id), { size: data.length });
      assert.ok((await readAll(await be.read(r.id))).equals(data));
      assert.deepEqual(await listAll(be), [r.id]);
    });

    it('reads inclusive byte ranges', async () => {
      const data = bytes(10_000, 3);
      const { id } = await be.write(pieces(data));
      const cases: Array<[number, number]> = [
        [0, 0],
        [0, 9_999],
        [1, 1],
        [100, 4_195],
        [9_999, 9_999],
        [5_000, 9_999],
      ];
      for (const [start, end] of cases) {
        const got = await readAll(await be.read(id, { start, end }));
        assert.ok(got.equals(data.subarray(start, end + 1)), `range ${start}-${end}`);
      }
    });

    it('missing chunks: read rejects NoSuchChunk, stat is undefined, delete is a no-op', async () => {
      const id = sha256(Buffer.from('never written'));
      await assert.rejects(be.read(id), hasCode('NoSuchChunk'));
      await assert.rejects(be.read(id, { start: 0, end: 1 }), hasCode('NoSuchChunk'));
      assert.equal(await be.stat(id), undefined);
      await be.delete(id);
      assert.deepEqual(await listAll(be), []);
    });

    it('deletes a chunk', async () => {
      const a = await be.write(pieces(Buffer.from('chunk a')));
      const b = await be.write(pieces(Buffer.from('chunk b')));
      await be.delete(a.id);
      assert.equal(await be.stat(a.id), undefined);
      await assert.rejects(be.read(a.id), hasCode('NoSuchChunk'));
      assert.deepEqual(await listAll(be), [b.id]);
      assert.equal((await readAll(await be.read(b.id))).toString(), 'chunk b');
    });

    it('lists every stored chunk exactly once', async () => {
      const ids = new Set<string>();
      for (let i = 0; i < 40; i++) ids.add((await be.write(pieces(bytes(500 + i, i + 1)))).id);
      assert.deepEqual(await listAll(be), [...ids].sort());
    });

    it('deduplicates identical content (existed flag)', async () => {
      const data = bytes(70_000, 11);
      const first = await be.write(pieces(data, 1000));
      const second = await be.write(pieces(data, 33_333)); // same bytes, different piece boundaries
      assert.equal(first.existed, false);
      assert.deepEqual(second, { id: first.id, size: data.length, existed: true });
      assert.deepEqual(await listAll(be), [first.id]);
      assert.ok((await readAll(await be.read(first.id))).equals(data));
    });

    it('accepts a matching expectedId', async () => {
      const data = Buffer.from('expected');
      const r = await be.write(pieces(data), sha256(data));
      assert.equal(r.id, sha256(data));
      assert.equal(r.existed, false);
    });

    it('expectedId mismatch rejects BadDigest and stores nothing', async () => {
      const data = bytes(20_000, 5);
      const wrong = sha256(Buffer.from('something else'));
      await assert.rejects(be.write(pieces(data), wrong), hasCode('BadDigest'));
      assert.equal(await be.stat(sha256(data)), undefined);
      assert.equal(await be.stat(wrong), undefined);
      assert.deepEqual(await listAll(be), []);
      // and the same content can still be written normally afterwards
      const r = await be.write(pieces(data));
      assert.equal(r.existed, false);
    });

    it('stores a 0-byte chunk', async () => {
      const r = await be.write(pieces(Buffer.alloc(0)));
      assert.deepEqual(r, { id: EMPTY_SHA256, size: 0, existed: false });
      assert.deepEqual(await be.stat(EMPTY_SHA256), { size: 0 });
      assert.equal((await readAll(await be.read(EMPTY_SHA256))).length, 0);
      assert.deepEqual(await listAll(be), [EMPTY_SHA256]);
      const again = await be.write((async function* () {})());
      assert.deepEqual(again, { id: EMPTY_SHA256, size: 0, existed: true });
    });

    it('concurrent writes of the same content store it once, intact', async () => {
      const data = bytes(300_000, 9);
      const results = await Promise.all(Array.from({ length: 12 }, () => be.write(pieces(data, 8192))));
      for (const r of results) {
        assert.equal(r.id, sha256(data));
        assert.equal(r.size, data.length);
      }
      assert.ok(results.some((r) => !r.existed), 'the chunk was new, so not every writer can see it as existing');
      assert.deepEqual(await listAll(be), [sha256(data)]);
      assert.ok((await readAll(await be.read(sha256(data)))).equals(data));
    });

    it('concurrent writes of different content all land', async () => {
      const datas = Array.from({ length: 20 }, (_, i) => bytes(10_000 + i * 17, 100 + i));
      const results = await Promise.all(datas.map((d) => be.write(pieces(d, 3000))));
      for (const [i, r] of results.entries()) {
        assert.equal(r.id, sha256(datas[i]!));
        assert.ok((await readAll(await be.read(r.id))).equals(datas[i]!));
      }
      assert.equal((await listAll(be)).length, 20);
    });

    it('streams a large chunk (8 MiB) in and out', async () => {
      const piece = bytes(64 * 1024, 13);
      const n = 128;
      const src = async function* () {
        for (let i = 0; i < n; i++) {
          const p = Buffer.from(piece);
          p.writeUInt32BE(i, 0); // make pieces differ
          yield p;
        }
      };
      const want = createHash('sha256');
      for await (const p of src()) want.update(p);
      const wantId = want.digest('hex');
      const r = await be.write(src());
      assert.deepEqual(r, { id: wantId, size: n * piece.length, existed: false });
      const got = createHash('sha256');
      let size = 0;
      for await (const p of await be.read(r.id)) {
        got.update(p as Buffer);
        size += (p as Buffer).length;
      }
      assert.equal(size, n * piece.length);
      assert.equal(got.digest('hex'), wantId);
    });

    it('a source that fails mid-stream rejects and leaves nothing visible', async () => {
      const boom = new Error('client went away');
      const src = async function* () {
        yield bytes(50_000, 2);
        throw boom;
      };
      await assert.rejects(be.write(src()), (e) => e === boom);
      assert.deepEqual(await listAll(be), []);
    });

    it('keeps chunks across close and reopen', async (t) => {
      if (!h.reopen) {
        t.skip('backend harness has no reopen()');
        return;
      }
      const data = bytes(12_345, 21);
      const { id } = await be.write(pieces(data));
      await be.close();
      await be.close(); // idempotent
      be = await h.reopen();
      assert.deepEqual(await be.stat(id), { size: data.length });
      assert.ok((await readAll(await be.read(id))).equals(data));
      assert.deepEqual(await listAll(be), [id]);
      const again = await be.write(pieces(data));
      assert.equal(again.existed, true);
    });
  });
}
