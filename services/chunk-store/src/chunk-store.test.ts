/**
 * Chunk store: compression round trips at every range, header/versioning,
 * per-chunk compression decisions, and corruption detection on bytes flipped
 * in the stored files — in process and over the HTTP API.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { createLogger, createServiceApp, registry } from '@vaultx/service-kit';
import { ChunkStoreHttpClient, type ChunkStoreFullApi } from '@vaultx/chunk-store-client';
import { CHUNK_HEADER_SIZE, ChunkEncoding, openFileChunkBackend, parseChunkHeader, type ChunkBackend } from '@vaultx/storage';
import { ChunkStoreService } from './chunk-store-service.ts';
import { registerChunkRoutes } from './http.ts';
import { randomish, textLike } from './test-data.ts';
import { zstdAvailable } from './zstd.ts';
import { hasCompressedMagic, isIncompressibleType } from './content-hints.ts';

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

async function* pieces(data: Buffer, size = 64 * 1024): AsyncGenerator<Buffer> {
  for (let off = 0; off < data.length; off += size) yield data.subarray(off, off + size);
}

async function readAll(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of r) parts.push(p as Buffer);
  return Buffer.concat(parts);
}

/** Reads as much as arrives before an error; returns it and the error. */
async function readUntilError(r: Readable): Promise<{ got: Buffer; err: unknown }> {
  const parts: Buffer[] = [];
  try {
    for await (const p of r) parts.push(p as Buffer);
    return { got: Buffer.concat(parts), err: undefined };
  } catch (e) {
    return { got: Buffer.concat(parts), err: e };
  }
}

function hasCode(code: string) {
  return (e: unknown): boolean => {
    assert.equal((e as { code?: string }).code, code);
    return true;
  };
}

async function corruptionCount(): Promise<number> {
  const m = await registry.getSingleMetricAsString('vaultx_chunk_corruptions_total');
  const line = m.split('\n').find((l) => l.startsWith('vaultx_chunk_corruptions_total '));
  return Number(line?.split(' ')[1] ?? 0);
}

interface Env {
  dir: string;
  backend: ChunkBackend;
  svc: ChunkStoreService;
  file(id: string): string;
}

async function makeEnv(opts: ConstructorParameters<typeof ChunkStoreService>[1] = {}): Promise<Env> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vaultx-cs-'));
  const backend = await openFileChunkBackend(dir);
  const svc = new ChunkStoreService(backend, { logger: createLogger('silent'), ...opts });
  return { dir, backend, svc, file: (id) => path.join(dir, id.slice(0, 2), id.slice(2, 4), id) };
}

async function storedHeader(env: Env, id: string) {
  const f = await fs.readFile(env.file(id));
  return { ...parseChunkHeader(f, f.length), fileSize: f.length };
}

async function flipByte(file: string, offset: number): Promise<void> {
  const fh = await fs.open(file, 'r+');
  try {
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, offset);
    b[0] = b[0]! ^ 0x5a;
    await fh.write(b, 0, 1, offset);
  } finally {
    await fh.close();
  }
}

describe('zstd binding', () => {
  it('is available (zstd-napi built)', () => {
    assert.ok(zstdAvailable(), 'zstd-napi failed to load; chunks would fall back to deflate');
  });
});

describe('content hints', () => {
  it('classifies content types', () => {
    for (const t of ['image/jpeg', 'image/png', 'video/mp4', 'audio/mpeg', 'application/zip', 'application/gzip', 'application/x-7z-compressed', 'application/x-xz', 'application/x-bzip2', 'application/zstd', 'APPLICATION/ZIP; charset=binary', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document']) {
      assert.equal(isIncompressibleType(t), true, t);
    }
    for (const t of [undefined, '', 'text/plain', 'application/json', 'text/csv', 'application/octet-stream', 'image/svg+xml', 'image/bmp', 'audio/wav']) {
      assert.equal(isIncompressibleType(t), false, String(t));
    }
  });
  it('recognises compressed magic bytes', () => {
    assert.ok(hasCompressedMagic(Buffer.from([0x1f, 0x8b, 8, 0])));
    assert.ok(hasCompressedMagic(Buffer.from('PK\x03\x04rest', 'latin1')));
    assert.ok(hasCompressedMagic(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0])));
    assert.ok(hasCompressedMagic(Buffer.from([0xff, 0xd8, 0xff, 0xe0])));
    assert.ok(hasCompressedMagic(Buffer.from('\0\0\0\x18ftypisom', 'latin1')));
    assert.ok(!hasCompressedMagic(Buffer.from('{"hello": "world"}')));
    assert.ok(!hasCompressedMagic(Buffer.alloc(0)));
  });
});

for (const workers of [0, 1]) describe(`chunk store: encoding and round trips (${workers ? 'worker thread' : 'main thread'})`, () => {
  let env: Env;
  beforeEach(async () => {
    env = await makeEnv({ workers });
  });
  afterEach(async () => {
    await env.svc.close();
    await env.backend.close();
    await fs.rm(env.dir, { recursive: true, force: true });
  });

  it('compresses text with zstd, stores random data raw, both identical on read', async () => {
    const text = textLike(1_000_000, 1);
    const rnd = randomish(1_000_000, 2);
    const t = await env.svc.putChunk(pieces(text, 16_384));
    const r = await env.svc.putChunk(pieces(rnd, 16_384));
    assert.deepEqual(t, { id: sha256(text), size: text.length, existed: false });
    assert.deepEqual(r, { id: sha256(rnd), size: rnd.length, existed: false });
    const th = await storedHeader(env, t.id);
    const rh = await storedHeader(env, r.id);
    assert.equal(th.encoding, ChunkEncoding.zstd);
    assert.equal(th.size, text.length);
    assert.ok(th.fileSize < text.length * 0.5, `text stored in ${th.fileSize} bytes`);
    assert.equal(rh.encoding, ChunkEncoding.raw);
    assert.equal(rh.fileSize, rnd.length + CHUNK_HEADER_SIZE);
    assert.ok((await readAll(await env.svc.getChunk(t.id))).equals(text));
    assert.ok((await readAll(await env.svc.getChunk(r.id))).equals(rnd));
    assert.deepEqual(await env.svc.statChunk(t.id), { size: text.length });
    assert.deepEqual(await env.svc.verifyChunk(t.id), { id: t.id, found: true, ok: true });
    assert.deepEqual(await env.svc.verifyChunk(r.id), { id: r.id, found: true, ok: true });
  });

  it('reads every kind of range of raw and zstd chunks (plaintext offsets)', async () => {
    const text = textLike(300_001, 5);
    const rnd = randomish(300_001, 6);
    for (const data of [text, rnd]) {
      const { id } = await env.svc.putChunk(pieces(data, 10_000));
      const n = data.length;
      const cases: Array<[number, number]> = [
        [0, 0], [0, n - 1], [0, n + 100], [1, 1], [n - 1, n - 1], [n - 1, n + 5], [12_345, 12_345 + 131_072],
        [131_071, 131_073], [65_535, 65_536], [200_000, n - 1], [1, n - 2], [0, 65_535], [65_536, 262_143],
      ];
      for (const [start, end] of cases) {
        const got = await readAll(await env.svc.getChunk(id, { start, end }));
        assert.ok(got.equals(data.subarray(start, Math.min(end, n - 1) + 1)), `range ${start}-${end} of ${n}`);
      }
      await assert.rejects(env.svc.getChunk(id, { start: n, end: n + 1 }), hasCode('InvalidRange'));
      await assert.rejects(env.svc.getChunk(id, { start: 5, end: 4 }), hasCode('InvalidRange'));
    }
  });

  it('round trips sizes around the trial boundary and the empty chunk', async () => {
    for (const n of [0, 1, 100, 65_535, 65_536, 65_537, 200_000]) {
      for (const data of [textLike(n, n + 1), randomish(n, n + 2)]) {
        const { id, size } = await env.svc.putChunk(pieces(data, 7_000));
        assert.equal(size, n);
        assert.ok((await readAll(await env.svc.getChunk(id))).equals(data), `size ${n}`);
      }
    }
    const empty = sha256(Buffer.alloc(0));
    assert.equal((await storedHeader(env, empty)).encoding, ChunkEncoding.raw);
  });

  it('skips compression for incompressible content types and compressed magic, even for text', async () => {
    const text = textLike(200_000, 8);
    const a = await env.svc.putChunk(pieces(text), { contentType: 'image/jpeg' });
    assert.equal((await storedHeader(env, a.id)).encoding, ChunkEncoding.raw);
    const gz = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), textLike(200_000, 9)]);
    const b = await env.svc.putChunk(pieces(gz), { contentType: 'application/octet-stream' });
    assert.equal((await storedHeader(env, b.id)).encoding, ChunkEncoding.raw);
    const c = await env.svc.putChunk(pieces(textLike(200_000, 10)), { contentType: 'text/plain' });
    assert.equal((await storedHeader(env, c.id)).encoding, ChunkEncoding.zstd);
  });

  it('the trial rejects data whose first 64 KiB do not compress by 10%', async () => {
    // Random head, text tail: decided on the head, stored raw.
    const mixed = Buffer.concat([randomish(70_000, 3), textLike(500_000, 4)]);
    const m = await env.svc.putChunk(pieces(mixed));
    assert.equal((await storedHeader(env, m.id)).encoding, ChunkEncoding.raw);
    // ~5% saving (random bytes with a few zero runs): still raw.
    const weak = randomish(200_000, 5);
    for (let i = 0; i < weak.length; i += 100) weak.fill(0, i, i + 5);
    const w = await env.svc.putChunk(pieces(weak));
    assert.equal((await storedHeader(env, w.id)).encoding, ChunkEncoding.raw);
    assert.ok((await readAll(await env.svc.getChunk(w.id))).equals(weak));
  });

  it('dedups across encodings and reports existed', async () => {
    const text = textLike(100_000, 11);
    const a = await env.svc.putChunk(pieces(text));
    const b = await env.svc.putChunk(pieces(text, 999), { contentType: 'image/png' }); // would be raw
    assert.equal(a.existed, false);
    assert.equal(b.existed, true);
    assert.equal((await storedHeader(env, a.id)).encoding, ChunkEncoding.zstd);
  });

  it('expectedId: a mismatch is BadDigest and stores nothing', async () => {
    const data = textLike(10_000, 12);
    await assert.rejects(env.svc.putChunk(pieces(data), { expectedId: sha256(Buffer.from('x')) }), hasCode('BadDigest'));
    assert.equal(await env.svc.statChunk(sha256(data)), undefined);
    assert.deepEqual((await env.svc.listChunks({})).chunks, []);
    const ok = await env.svc.putChunk(pieces(data), { expectedId: sha256(data) });
    assert.equal(ok.existed, false);
  });

  it('a source failing mid-stream stores nothing', async () => {
    const boom = new Error('client went away');
    await assert.rejects(
      env.svc.putChunk((async function* () {
        yield textLike(100_000, 13);
        throw boom;
      })()),
      (e) => e === boom,
    );
    assert.deepEqual((await env.svc.listChunks({})).chunks, []);
    assert.deepEqual(await fs.readdir(path.join(env.dir, 'tmp')), []);
  });

  it('refuses chunks above the maximum size', async () => {
    const small = await makeEnv({ maxChunkSize: 1000 });
    try {
      await assert.rejects(small.svc.putChunk(pieces(randomish(1001, 1), 100)), hasCode('EntityTooLarge'));
      assert.deepEqual((await small.svc.listChunks({})).chunks, []);
    } finally {
      await small.backend.close();
      await fs.rm(small.dir, { recursive: true, force: true });
    }
  });

  it('lists chunks with disk sizes and pages', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await env.svc.putChunk(pieces(randomish(1000 + i, 40 + i)))).id);
    ids.sort();
    const p1 = await env.svc.listChunks({ limit: 3 });
    assert.deepEqual(p1.chunks.map((c) => c.id), ids.slice(0, 3));
    assert.equal(p1.next, ids[2]);
    assert.equal(p1.chunks[0]!.size, (await fs.stat(env.file(ids[0]!))).size);
    const p2 = await env.svc.listChunks({ after: p1.next, limit: 3 });
    assert.deepEqual(p2.chunks.map((c) => c.id), ids.slice(3));
    assert.equal(p2.next, undefined);
  });

  it('deleteChunkIfIdle honours the idle time, and a dedup write refreshes it', async () => {
    let now = Date.now();
    const clocked = await makeEnv({ now: () => now });
    try {
      const data = randomish(5000, 77);
      const { id } = await clocked.svc.putChunk(pieces(data));
      now = Date.now() + 10_000;
      assert.deepEqual(await clocked.svc.deleteChunkIfIdle(id, 60_000), { deleted: false, found: true, size: 0 });
      assert.ok(await clocked.svc.statChunk(id));
      // age the file, then touch it by writing it again
      const old = new Date(Date.now() - 120_000);
      await fs.utimes(clocked.file(id), old, old);
      assert.equal((await clocked.svc.putChunk(pieces(data))).existed, true);
      assert.deepEqual(await clocked.svc.deleteChunkIfIdle(id, 60_000), { deleted: false, found: true, size: 0 });
      await fs.utimes(clocked.file(id), old, old);
      const r = await clocked.svc.deleteChunkIfIdle(id, 60_000);
      assert.equal(r.deleted, true);
      assert.equal(r.size, data.length + CHUNK_HEADER_SIZE);
      assert.equal(await clocked.svc.statChunk(id), undefined);
      assert.deepEqual(await clocked.svc.deleteChunkIfIdle(id, 0), { deleted: false, found: false, size: 0 });
    } finally {
      await clocked.backend.close();
      await fs.rm(clocked.dir, { recursive: true, force: true });
    }
  });

  it('rejects bad ids', async () => {
    await assert.rejects(env.svc.getChunk('../x'), hasCode('InvalidArgument'));
    await assert.rejects(env.svc.deleteChunkIfIdle('zz', 0), hasCode('InvalidArgument'));
    await assert.rejects(env.svc.verifyChunk('ABC'), hasCode('InvalidArgument'));
  });
});

describe('chunk store: header versioning', () => {
  let env: Env;
  beforeEach(async () => {
    env = await makeEnv();
  });
  afterEach(async () => {
    await env.backend.close();
    await fs.rm(env.dir, { recursive: true, force: true });
  });

  it('writes format version 2 headers (with the plaintext CRC-32), reads 16-byte version 1 and headerless (version 0) chunks', async () => {
    const data = textLike(50_000, 20);
    const { id } = await env.svc.putChunk(pieces(data));
    const h = await storedHeader(env, id);
    assert.equal(h.formatVersion, 2);
    assert.equal(h.headerSize, 20);
    assert.equal(h.crc32, zlibCrc32(data));
    // a version 1 chunk: 16-byte header, no CRC (verified by SHA-256 on read)
    const v1data = randomish(3000, 24);
    const v1id = sha256(v1data);
    const v1head = Buffer.alloc(16);
    v1head.write('VXCK', 0, 'latin1');
    v1head[4] = 1;
    v1head[5] = ChunkEncoding.raw;
    v1head.writeUInt16BE(16, 6);
    v1head.writeBigUInt64BE(BigInt(v1data.length), 8);
    await fs.mkdir(path.dirname(env.file(v1id)), { recursive: true });
    await fs.writeFile(env.file(v1id), Buffer.concat([v1head, v1data]));
    assert.ok((await readAll(await env.svc.getChunk(v1id))).equals(v1data));
    assert.deepEqual(await env.svc.verifyChunk(v1id), { id: v1id, found: true, ok: true });
    // a chunk written before headers existed: raw file named by its hash
    const legacy = textLike(30_000, 21);
    const lid = sha256(legacy);
    await fs.mkdir(path.dirname(env.file(lid)), { recursive: true });
    await fs.writeFile(env.file(lid), legacy);
    assert.ok((await readAll(await env.svc.getChunk(lid))).equals(legacy));
    assert.ok((await readAll(await env.svc.getChunk(lid, { start: 10, end: 20 }))).equals(legacy.subarray(10, 21)));
    assert.deepEqual(await env.svc.verifyChunk(lid), { id: lid, found: true, ok: true });
  });

  it('reads verify by CRC-32; the scrubber (verifyChunk) checks the SHA-256 too', async () => {
    const data = randomish(4000, 25);
    const { id } = await env.svc.putChunk(pieces(data));
    // Replace the content and its CRC consistently: only the SHA-256 can tell.
    const other = randomish(4000, 26);
    const f = await fs.readFile(env.file(id));
    other.copy(f, 20);
    f.writeUInt32BE(zlibCrc32(other), 16);
    await fs.writeFile(env.file(id), f);
    assert.ok((await readAll(await env.svc.getChunk(id))).equals(other), 'a read trusts a consistent CRC');
    const v = await env.svc.verifyChunk(id);
    assert.equal(v.ok, false, 'the scrubber checks the SHA-256');
  });

  it('a flipped byte fails the CRC-32 on read', async () => {
    const data = randomish(4000, 27);
    const { id } = await env.svc.putChunk(pieces(data));
    const f = await fs.readFile(env.file(id));
    f[2000] ^= 0x01;
    await fs.writeFile(env.file(id), f);
    await assert.rejects(readAll(await env.svc.getChunk(id)), /corrupt|CRC/i);
  });

  it('a header from a newer format version is an error, not corruption (nothing quarantined)', async () => {
    const data = randomish(1000, 22);
    const { id } = await env.svc.putChunk(pieces(data));
    const before = await corruptionCount();
    const f = await fs.readFile(env.file(id));
    f[4] = 9; // format version 9
    await fs.writeFile(env.file(id), f);
    await assert.rejects(env.svc.getChunk(id), (e: unknown) => /newer/.test((e as Error).message));
    assert.equal(await corruptionCount(), before);
    await fs.access(env.file(id));
  });

  it('a header extended by a later minor revision (longer header length) is skipped over', async () => {
    const data = randomish(1000, 23);
    const id = sha256(data);
    const head = Buffer.alloc(24);
    Buffer.from('VXCK').copy(head, 0);
    head[4] = 1;
    head[5] = 0;
    head.writeUInt16BE(24, 6);
    head.writeBigUInt64BE(BigInt(data.length), 8);
    await fs.mkdir(path.dirname(env.file(id)), { recursive: true });
    await fs.writeFile(env.file(id), Buffer.concat([head, data]));
    assert.ok((await readAll(await env.svc.getChunk(id))).equals(data));
  });
});

for (const workers of [0, 1]) describe(`chunk store: corruption (${workers ? 'worker thread' : 'main thread'})`, () => {
  let env: Env;
  beforeEach(async () => {
    env = await makeEnv({ workers });
  });
  afterEach(async () => {
    await env.svc.close();
    await env.backend.close();
    await fs.rm(env.dir, { recursive: true, force: true });
  });

  for (const kind of ['raw', 'zstd'] as const) {
    it(`a flipped byte in a ${kind} chunk fails the read before its end, is counted and quarantined; a re-upload heals it`, async () => {
      const data = kind === 'raw' ? randomish(600_000, 30) : textLike(600_000, 31);
      const { id } = await env.svc.putChunk(pieces(data));
      assert.equal((await storedHeader(env, id)).encoding, kind === 'raw' ? ChunkEncoding.raw : ChunkEncoding.zstd);
      const st = await fs.stat(env.file(id));
      await flipByte(env.file(id), Math.floor(st.size * 0.8));
      const before = await corruptionCount();
      const { got, err } = await readUntilError(await env.svc.getChunk(id));
      assert.ok(err, 'the read must fail');
      assert.ok(got.length < data.length, `delivered ${got.length} of ${data.length} bytes: must stop short`);
      assert.equal(await corruptionCount(), before + 1);
      await assert.rejects(env.svc.getChunk(id), hasCode('NoSuchChunk'));
      const q = await fs.readdir(path.join(env.dir, 'corrupt'));
      assert.equal(q.length, 1);
      const again = await env.svc.putChunk(pieces(data));
      assert.equal(again.existed, false);
      assert.ok((await readAll(await env.svc.getChunk(id))).equals(data));
    });
  }

  it('a flipped byte in the last piece still fails the whole read (the last piece is held back)', async () => {
    const data = randomish(300_000, 32);
    const { id } = await env.svc.putChunk(pieces(data));
    const st = await fs.stat(env.file(id));
    await flipByte(env.file(id), st.size - 1);
    const { got, err } = await readUntilError(await env.svc.getChunk(id));
    assert.ok(err);
    assert.ok(got.length < data.length);
  });

  it('a zstd range read reaching the end is verified; an unverifiable raw range is served as stored', async () => {
    const text = textLike(400_000, 33);
    const { id } = await env.svc.putChunk(pieces(text));
    const st = await fs.stat(env.file(id));
    await flipByte(env.file(id), st.size - 20);
    const { err } = await readUntilError(await env.svc.getChunk(id, { start: 100, end: text.length - 1 }));
    assert.ok(err, 'range to the end of a zstd chunk is verified');

    const rnd = randomish(400_000, 34);
    const r = await env.svc.putChunk(pieces(rnd));
    await flipByte(env.file(r.id), CHUNK_HEADER_SIZE + 300_000);
    // bytes 0..999 are intact and cannot be checked without reading it all: served
    assert.ok((await readAll(await env.svc.getChunk(r.id, { start: 0, end: 999 }))).equals(rnd.subarray(0, 1000)));
    // the scrubber finds it
    const v = await env.svc.verifyChunk(r.id);
    assert.equal(v.ok, false);
    assert.equal(v.found, true);
    assert.match(v.reason ?? '', /corrupt/);
    assert.deepEqual(await env.svc.verifyChunk(r.id), { id: r.id, found: false, ok: false });
  });

  it('a truncated file, a header/length mismatch and garbage zstd are corruption', async () => {
    const rnd = randomish(10_000, 35);
    const a = await env.svc.putChunk(pieces(rnd));
    await fs.truncate(env.file(a.id), 5_000);
    const before = await corruptionCount();
    await assert.rejects(env.svc.getChunk(a.id), (e: unknown) => /corrupt/.test((e as Error).message));
    assert.equal(await corruptionCount(), before + 1);

    const text = textLike(200_000, 36);
    const b = await env.svc.putChunk(pieces(text));
    const st = await fs.stat(env.file(b.id));
    await fs.truncate(env.file(b.id), st.size - 100); // zstd frame cut short
    assert.ok((await readUntilError(await env.svc.getChunk(b.id))).err);

    const text2 = textLike(200_000, 37);
    const c = await env.svc.putChunk(pieces(text2));
    const f = await fs.readFile(env.file(c.id));
    f.fill(0xee, CHUNK_HEADER_SIZE, CHUNK_HEADER_SIZE + 64); // zstd frame header garbage
    await fs.writeFile(env.file(c.id), f);
    assert.ok((await readUntilError(await env.svc.getChunk(c.id))).err);

    const text3 = textLike(200_000, 38);
    const d = await env.svc.putChunk(pieces(text3));
    const g = await fs.readFile(env.file(d.id));
    g.writeBigUInt64BE(BigInt(text3.length + 1), 8); // header claims one more byte
    await fs.writeFile(env.file(d.id), g);
    assert.ok((await readUntilError(await env.svc.getChunk(d.id))).err);
    assert.equal(await corruptionCount(), before + 4);
  });
});

describe('chunk store over HTTP', () => {
  let env: Env;
  let app: ReturnType<typeof createServiceApp>;
  let client: ChunkStoreHttpClient;
  let api: ChunkStoreFullApi;

  before(async () => {
    env = await makeEnv({ workers: 1 });
    app = createServiceApp({ service: 'chunk-store', logger: createLogger('silent') });
    registerChunkRoutes(app, env.svc);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    client = new ChunkStoreHttpClient(`http://127.0.0.1:${port}`);
    api = client;
  });
  after(async () => {
    await client.close();
    await app.close();
    await env.svc.close();
    await env.backend.close();
    await fs.rm(env.dir, { recursive: true, force: true });
  });

  it('puts with a content-type hint, gets ranges, lists, verifies, deletes when idle', async () => {
    const text = textLike(700_000, 50);
    const a = await api.putChunk(pieces(text), { contentType: 'image/gif' });
    assert.equal((await storedHeader(env, a.id)).encoding, ChunkEncoding.raw);
    const text2 = textLike(700_000, 51);
    const b = await api.putChunk(pieces(text2), { contentType: 'text/plain' });
    assert.equal((await storedHeader(env, b.id)).encoding, ChunkEncoding.zstd);
    assert.ok((await readAll(await api.getChunk(b.id))).equals(text2));
    assert.ok((await readAll(await api.getChunk(b.id, { start: 5, end: 99_999 }))).equals(text2.subarray(5, 100_000)));
    assert.deepEqual(await api.statChunk(b.id), { size: text2.length });
    assert.deepEqual(await api.verifyChunk(b.id), { id: b.id, found: true, ok: true });
    const listing = await api.listChunks({ limit: 1 });
    assert.equal(listing.chunks.length, 1);
    assert.ok(listing.next);
    assert.deepEqual(await api.deleteChunkIfIdle(a.id, 3_600_000), { deleted: false, found: true, size: 0 });
    const r = await api.deleteChunkIfIdle(a.id, 0);
    assert.equal(r.deleted, true);
    assert.equal(await api.statChunk(a.id), undefined);
    await assert.rejects(api.putChunk(pieces(text), { expectedId: sha256(Buffer.from('no')) }), hasCode('BadDigest'));
  });

  it('a corrupt chunk: the HTTP transfer breaks before the chunk is complete', async () => {
    for (const data of [randomish(2_000_000, 52), textLike(2_000_000, 53)]) {
      const { id } = await api.putChunk(pieces(data));
      const st = await fs.stat(env.file(id));
      await flipByte(env.file(id), Math.floor(st.size / 2));
      // Found before the first byte went out: an error status; later: a cut transfer.
      const { got, err } = await api.getChunk(id).then(readUntilError, (e: unknown) => ({ got: Buffer.alloc(0), err: e }));
      assert.ok(err, 'the client sees an error');
      assert.ok(got.length < data.length);
      await assert.rejects(api.getChunk(id), hasCode('NoSuchChunk'));
    }
  });
});

describe('chunk store: streams released early', () => {
  it('a read stream destroyed before its first read closes the file', async () => {
    const env = await makeEnv();
    try {
      const { id } = await env.svc.putChunk(pieces(randomish(100_000, 60)));
      const fdsBefore = (await fs.readdir('/proc/self/fd').catch(() => [])).length;
      for (let i = 0; i < 50; i++) {
        const s = await env.svc.getChunk(id);
        s.destroy();
      }
      for (let i = 0; i < 50; i++) {
        const s = await env.svc.getChunk(id, { start: 10, end: 20 });
        await new Promise((r) => setImmediate(r));
        s.destroy();
      }
      await new Promise((r) => setTimeout(r, 50));
      const fdsAfter = (await fs.readdir('/proc/self/fd').catch(() => [])).length;
      assert.ok(fdsAfter - fdsBefore < 5, `file descriptors leaked: ${fdsBefore} -> ${fdsAfter}`);
      // and a partly read stream, abandoned
      const s = await env.svc.getChunk(id);
      for await (const _ of s) break;
    } finally {
      await env.backend.close();
      await fs.rm(env.dir, { recursive: true, force: true });
    }
  });
});

describe('chunk store: a source failing with batches in flight at a worker', () => {
  it('rejects promptly and stores nothing', async () => {
    const env = await makeEnv({ workers: 1 });
    try {
      for (const data of [randomish(3_000_000, 70), textLike(3_000_000, 71)]) {
        const boom = new Error('bad chunk signature');
        const t0 = Date.now();
        await assert.rejects(
          env.svc.putChunk((async function* () {
            for (let off = 0; off < 2_000_000; off += 100_000) yield data.subarray(off, off + 100_000);
            throw boom;
          })()),
          (e) => e === boom,
        );
        assert.ok(Date.now() - t0 < 5000);
      }
      assert.deepEqual((await env.svc.listChunks({})).chunks, []);
      // the pool still works
      const ok = await env.svc.putChunk(pieces(textLike(1_000_000, 72)));
      assert.equal(ok.existed, false);
    } finally {
      await env.svc.close();
      await env.backend.close();
      await fs.rm(env.dir, { recursive: true, force: true });
    }
  });
});
