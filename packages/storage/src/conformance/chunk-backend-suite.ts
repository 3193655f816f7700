/**
 * The ChunkBackend conformance suite: every chunk backend (local files now,
 * Riak blocks later) registers it from its own test file:
 *
 *   import { chunkBackendConformance } from '@vaultx/storage/conformance';
 *   chunkBackendConformance('riak', async () => ({ backend, reopen, cleanup }));
 *
 * Each test gets a fresh, empty backend from `factory` and calls `cleanup` after.
 *
 * The backend stores encoded bytes + ChunkMeta under an id its caller (the
 * chunk-store service) computed; it neither hashes nor decodes. So the suite
 * writes arbitrary "encoded" payloads with arbitrary meta and checks they come
 * back exactly, under exact dedup, touch and idle-delete rules.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Readable } from 'node:stream';
import type { ChunkBackend, ChunkMeta } from '../types.ts';

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
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function readAll(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of r) parts.push(p as Buffer);
  return Buffer.concat(parts);
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

/** Writes `data` in pieces and commits it raw under its SHA-256 (or the given id/meta). */
async function put(
  be: ChunkBackend,
  data: Buffer,
  opts: { piece?: number; id?: string; meta?: ChunkMeta } = {},
): Promise<{ id: string; existed: boolean }> {
  const w = await be.begin();
  const piece = opts.piece ?? 64 * 1024;
  try {
    for (let off = 0; off < data.length; off += piece) await w.write(data.subarray(off, off + piece));
    const id = opts.id ?? sha256(data);
    const { existed } = await w.commit(id, opts.meta ?? { encoding: 0, size: data.length });
    return { id, existed };
  } catch (e) {
    await w.abort();
    throw e;
  }
}

async function readChunk(be: ChunkBackend, id: string, range?: { start: number; end: number }): Promise<Buffer> {
  const c = await be.open(id);
  return readAll(c.stream(range));
}

async function listIds(be: ChunkBackend, opts?: { after?: string; limit?: number }): Promise<string[]> {
  const out: string[] = [];
  for await (const e of be.list(opts)) out.push(e.id);
  return out;
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

    it('stores a chunk under the given id, then opens, stats and lists it', async () => {
      const data = bytes(100_000, 7);
      const r = await put(be, data, { piece: 4096 });
      assert.deepEqual(r, { id: sha256(data), existed: false });
      const st = await be.stat(r.id);
      assert.ok(st);
      assert.equal(st.encoding, 0);
      assert.equal(st.size, data.length);
      assert.equal(st.storedSize, data.length);
      assert.ok(st.diskSize >= data.length);
      assert.ok(Math.abs(st.mtimeMs - Date.now()) < 60_000);
      const c = await be.open(r.id);
      assert.deepEqual({ ...c.info }, { ...st });
      assert.ok((await readAll(c.stream())).equals(data));
      const listed: Array<{ id: string; diskSize: number }> = [];
      for await (const e of be.list()) listed.push({ id: e.id, diskSize: e.diskSize });
      assert.deepEqual(listed, [{ id: r.id, diskSize: st.diskSize }]);
    });

    it('keeps the meta of an encoded payload (stored bytes returned as written)', async () => {
      const payload = bytes(7_000, 4); // pretend: a zstd frame of a 50,000-byte plaintext
      const id = sha256(Buffer.from('the plaintext'));
      const r = await put(be, payload, { id, meta: { encoding: 1, size: 50_000 } });
      assert.equal(r.existed, false);
      const st = await be.stat(id);
      assert.equal(st?.encoding, 1);
      assert.equal(st?.size, 50_000);
      assert.equal(st?.storedSize, 7_000);
      assert.ok((await readChunk(be, id)).equals(payload));
      assert.ok((await readChunk(be, id, { start: 10, end: 99 })).equals(payload.subarray(10, 100)));
    });

    it('reads inclusive byte ranges of the stored payload (end clamps)', async () => {
      const data = bytes(10_000, 3);
      const { id } = await put(be, data);
      const cases: Array<[number, number]> = [
        [0, 0],
        [0, 9_999],
        [1, 1],
        [100, 4_195],
        [9_999, 9_999],
        [5_000, 9_999],
        [9_000, 20_000],
      ];
      for (const [start, end] of cases) {
        const got = await readChunk(be, id, { start, end });
        assert.ok(got.equals(data.subarray(start, end + 1)), `range ${start}-${end}`);
      }
    });

    it('open() without stream() can be closed', async () => {
      const { id } = await put(be, Buffer.from('x'));
      const c = await be.open(id);
      await c.close();
      await c.close();
    });

    it('missing chunks: open rejects NoSuchChunk, stat is undefined, delete is a no-op', async () => {
      const id = sha256(Buffer.from('never written'));
      await assert.rejects(be.open(id), hasCode('NoSuchChunk'));
      await assert.rejects(be.open('../../etc/passwd'), hasCode('NoSuchChunk'));
      assert.equal(await be.stat(id), undefined);
      await be.delete(id);
      assert.deepEqual(await be.deleteIfIdle(id, Date.now()), { deleted: false, diskSize: 0 });
      await be.quarantine(id);
      assert.deepEqual(await listIds(be), []);
    });

    it('deletes a chunk', async () => {
      const a = await put(be, Buffer.from('chunk a'));
      const b = await put(be, Buffer.from('chunk b'));
      await be.delete(a.id);
      assert.equal(await be.stat(a.id), undefined);
      await assert.rejects(be.open(a.id), hasCode('NoSuchChunk'));
      assert.deepEqual(await listIds(be), [b.id]);
      assert.equal((await readChunk(be, b.id)).toString(), 'chunk b');
    });

    it('lists every stored chunk exactly once, in id order, paged by after + limit', async () => {
      const ids = new Set<string>();
      for (let i = 0; i < 40; i++) ids.add((await put(be, bytes(500 + i, i + 1))).id);
      const sorted = [...ids].sort();
      assert.deepEqual(await listIds(be), sorted);
      const paged: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await listIds(be, { after, limit: 7 });
        if (page.length === 0) break;
        assert.ok(page.length <= 7);
        paged.push(...page);
        after = page.at(-1);
      }
      assert.deepEqual(paged, sorted);
      assert.deepEqual(await listIds(be, { after: sorted[19] }), sorted.slice(20));
      assert.deepEqual(await listIds(be, { limit: 0 }), []);
    });

    it('deduplicates: committing an id already stored reports existed and keeps the first copy', async () => {
      const data = bytes(70_000, 11);
      const first = await put(be, data, { piece: 1000 });
      const second = await put(be, data, { piece: 33_333 });
      assert.equal(first.existed, false);
      assert.deepEqual(second, { id: first.id, existed: true });
      // a different encoding of the same plaintext also dedups onto the stored copy
      const third = await put(be, bytes(100, 1), { id: first.id, meta: { encoding: 1, size: data.length } });
      assert.equal(third.existed, true);
      assert.equal((await be.stat(first.id))?.encoding, 0);
      assert.deepEqual(await listIds(be), [first.id]);
      assert.ok((await readChunk(be, first.id)).equals(data));
    });

    it('a dedup commit touches the stored chunk (mtime moves forward)', async () => {
      const data = bytes(5_000, 12);
      const { id } = await put(be, data);
      const before = (await be.stat(id))!.mtimeMs;
      await sleep(30);
      const again = await put(be, data);
      assert.equal(again.existed, true);
      const after = (await be.stat(id))!.mtimeMs;
      assert.ok(after > before, `mtime ${after} should be after ${before}`);
    });

    it('deleteIfIdle deletes only chunks not written or touched after the cutoff', async () => {
      const data = bytes(3_000, 13);
      const { id } = await put(be, data);
      const st = (await be.stat(id))!;
      assert.deepEqual(await be.deleteIfIdle(id, st.mtimeMs - 1_000), { deleted: false, diskSize: st.diskSize });
      assert.ok(await be.stat(id));
      await sleep(20);
      assert.deepEqual(await be.deleteIfIdle(id, Date.now()), { deleted: true, diskSize: st.diskSize });
      assert.equal(await be.stat(id), undefined);
      assert.deepEqual(await listIds(be), []);
    });

    it('a dedup write racing deleteIfIdle never leaves the chunk missing', async () => {
      const data = bytes(20_000, 14);
      for (let round = 0; round < 10; round++) {
        const { id } = await put(be, data);
        await sleep(5);
        const cutoff = Date.now() - 1; // the chunk is idle as of now
        const [w] = await Promise.all([put(be, data, { piece: 4096 }), be.deleteIfIdle(id, cutoff)]);
        // Either the write touched it first (delete declined) or came after the delete (stored anew).
        assert.ok(await be.stat(id), `round ${round}: chunk missing after a write that reported existed=${w.existed}`);
        assert.ok((await readChunk(be, id)).equals(data));
      }
    });

    it('abort leaves nothing visible, and the writer cannot be used after', async () => {
      const w = await be.begin();
      await w.write(bytes(50_000, 2));
      await w.abort();
      await w.abort();
      await assert.rejects(w.write(Buffer.from('x')));
      assert.deepEqual(await listIds(be), []);
    });

    it('quarantine makes a chunk unreadable; a later write stores it anew', async () => {
      const data = bytes(9_000, 15);
      const { id } = await put(be, data);
      await be.quarantine(id);
      await be.quarantine(id);
      await assert.rejects(be.open(id), hasCode('NoSuchChunk'));
      assert.equal(await be.stat(id), undefined);
      assert.deepEqual(await listIds(be), []);
      const again = await put(be, data);
      assert.equal(again.existed, false);
      assert.ok((await readChunk(be, id)).equals(data));
    });

    it('stores a 0-byte chunk', async () => {
      const r = await put(be, Buffer.alloc(0));
      assert.deepEqual(r, { id: EMPTY_SHA256, existed: false });
      assert.equal((await be.stat(EMPTY_SHA256))?.size, 0);
      assert.equal((await readChunk(be, EMPTY_SHA256)).length, 0);
      assert.deepEqual(await listIds(be), [EMPTY_SHA256]);
      assert.deepEqual(await put(be, Buffer.alloc(0)), { id: EMPTY_SHA256, existed: true });
    });

    it('concurrent writes of the same content store it once, intact', async () => {
      const data = bytes(300_000, 9);
      const results = await Promise.all(Array.from({ length: 12 }, () => put(be, data, { piece: 8192 })));
      for (const r of results) assert.equal(r.id, sha256(data));
      assert.equal(results.filter((r) => !r.existed).length, 1, 'exactly one writer stores it');
      assert.deepEqual(await listIds(be), [sha256(data)]);
      assert.ok((await readChunk(be, sha256(data))).equals(data));
    });

    it('concurrent writes of different content all land', async () => {
      const datas = Array.from({ length: 20 }, (_, i) => bytes(10_000 + i * 17, 100 + i));
      const results = await Promise.all(datas.map((d) => put(be, d, { piece: 3000 })));
      for (const [i, r] of results.entries()) {
        assert.equal(r.id, sha256(datas[i]!));
        assert.ok((await readChunk(be, r.id)).equals(datas[i]!));
      }
      assert.equal((await listIds(be)).length, 20);
    });

    it('streams a large chunk (8 MiB) in and out', async () => {
      const piece = bytes(64 * 1024, 13);
      const n = 128;
      const w = await be.begin();
      const want = createHash('sha256');
      for (let i = 0; i < n; i++) {
        const p = Buffer.from(piece);
        p.writeUInt32BE(i, 0); // make pieces differ
        want.update(p);
        await w.write(p);
      }
      const id = want.digest('hex');
      assert.deepEqual(await w.commit(id, { encoding: 0, size: n * piece.length }), { existed: false });
      const got = createHash('sha256');
      let size = 0;
      for await (const p of (await be.open(id)).stream()) {
        got.update(p as Buffer);
        size += (p as Buffer).length;
      }
      assert.equal(size, n * piece.length);
      assert.equal(got.digest('hex'), id);
    });

    it('rejects a raw commit whose length disagrees with its meta, storing nothing', async () => {
      const data = bytes(1_000, 16);
      await assert.rejects(put(be, data, { meta: { encoding: 0, size: 999 } }));
      assert.deepEqual(await listIds(be), []);
    });

    it('keeps chunks (and their meta) across close and reopen', async (t) => {
      if (!h.reopen) {
        t.skip('backend harness has no reopen()');
        return;
      }
      const data = bytes(12_345, 21);
      const { id } = await put(be, data);
      const zid = sha256(Buffer.from('z'));
      await put(be, bytes(77, 2), { id: zid, meta: { encoding: 1, size: 1 } });
      await be.close();
      await be.close(); // idempotent
      be = await h.reopen();
      assert.equal((await be.stat(id))?.size, data.length);
      assert.ok((await readChunk(be, id)).equals(data));
      assert.deepEqual(await listIds(be), [id, zid].sort());
      assert.equal((await be.stat(zid))?.encoding, 1);
      assert.equal((await put(be, data)).existed, true);
    });
  });
}
