/**
 * The chunk collector against the real metadata service (LMDB) and chunk
 * store (files), in process: what it deletes, what it must keep, and the
 * races with uploads of the same chunk (grace 0–1 s).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ChunkStoreService } from '@vaultx/chunk-store';
import { MetadataService } from '@vaultx/metadata';
import type { ObjectRecord } from '@vaultx/metadata-client';
import { createLogger, registry } from '@vaultx/service-kit';
import { openFileChunkBackend, openLmdbKv, type ChunkBackend, type MetaKV } from '@vaultx/storage';
import { ChunkCollector } from './collector.ts';
import { LifecycleService } from './lifecycle-service.ts';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const logger = createLogger('silent');

async function* once(b: Buffer): AsyncGenerator<Buffer> {
  yield b;
}

async function readAll(r: AsyncIterable<unknown>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of r) parts.push(p as Buffer);
  return Buffer.concat(parts);
}

async function counter(name: string): Promise<number> {
  const m = await registry.getSingleMetricAsString(name);
  const line = m.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1] ?? 0);
}

interface Env {
  dir: string;
  kv: MetaKV;
  backend: ChunkBackend;
  meta: MetadataService;
  chunks: ChunkStoreService;
  /** Added to the metadata service's clock (ages g/ entries). */
  skew: { ms: number };
  file(id: string): string;
  collector(graceMs: number, extra?: Partial<ConstructorParameters<typeof ChunkCollector>[0]>): ChunkCollector;
  put(data: Buffer): Promise<string>;
  record(key: string, ids: string[], size?: number): ObjectRecord;
  age(id: string, ms: number): Promise<void>;
  exists(id: string): Promise<boolean>;
}

async function makeEnv(): Promise<Env> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vaultx-gc-'));
  const kv = await openLmdbKv(path.join(dir, 'metadata'));
  const backend = await openFileChunkBackend(path.join(dir, 'chunks'));
  const skew = { ms: 0 };
  const meta = new MetadataService({ kv, now: () => new Date(Date.now() + skew.ms) });
  const chunks = new ChunkStoreService(backend, { logger });
  await meta.createBucket({ name: 'gc', owner: 'u', region: 'us-east-1' });
  const file = (id: string) => path.join(dir, 'chunks', id.slice(0, 2), id.slice(2, 4), id);
  return {
    dir,
    kv,
    backend,
    meta,
    chunks,
    skew,
    file,
    collector: (graceMs, extra = {}) => new ChunkCollector({ metadata: meta, chunks, logger, graceMs, ...extra }),
    put: async (data) => (await chunks.putChunk(once(data))).id,
    record: (key, ids, size = 10) => ({
      bucket: 'gc',
      key,
      size: size * ids.length,
      etag: sha256(Buffer.from(key)).slice(0, 32),
      lastModified: new Date().toISOString(),
      owner: 'u',
      storageClass: 'STANDARD',
      headers: {},
      userMeta: {},
      chunks: ids.map((id) => ({ id, size })),
    }),
    age: async (id, ms) => {
      const t = new Date(Date.now() - ms);
      await fs.utimes(file(id), t, t);
    },
    exists: async (id) => (await chunks.statChunk(id)) !== undefined,
  };
}

async function disposeEnv(env: Env): Promise<void> {
  await env.backend.close();
  await env.kv.close();
  await fs.rm(env.dir, { recursive: true, force: true });
}

describe('chunk collector', () => {
  let env: Env;
  beforeEach(async () => {
    env = await makeEnv();
  });
  afterEach(async () => {
    await disposeEnv(env);
  });

  it('deletes unreferenced chunks (g/ candidates and orphans) only after the grace period', async () => {
    const a = await env.put(Buffer.from('chunk a'));
    const b = await env.put(Buffer.from('chunk b (never referenced: debris of a failed upload)'));
    const c = await env.put(Buffer.from('chunk c (kept)'));
    await env.meta.putObject({ record: env.record('obj-a', [a]) });
    await env.meta.putObject({ record: env.record('obj-c', [c]) });
    await env.meta.deleteObject({ bucket: 'gc', key: 'obj-a' });
    const gc = env.collector(1000);
    const deletedBefore = await counter('vaultx_gc_chunks_deleted_total');
    const first = await gc.runNow();
    assert.equal(first.deleted, 0, 'nothing is old enough yet');
    assert.ok(await env.exists(a));
    assert.ok(await env.exists(b));

    await sleep(1100);
    const second = await gc.runNow();
    assert.equal(second.deleted, 2);
    assert.equal(second.candidates, 1);
    assert.ok(second.scanComplete);
    assert.ok(second.bytesFreed > 0);
    assert.equal(second.errors, 0);
    assert.equal(await env.exists(a), false);
    assert.equal(await env.exists(b), false);
    assert.ok(await env.exists(c), 'a referenced chunk is never deleted');
    assert.deepEqual((await env.meta.listGcCandidates({})).candidates, [], 'g/ dropped once the chunk is gone');
    assert.equal(await counter('vaultx_gc_chunks_deleted_total'), deletedBefore + 2);

    // still referenced, however old: kept
    await env.age(c, 10_000_000);
    const third = await gc.runNow();
    assert.equal(third.deleted, 0);
    assert.ok(await env.exists(c));
  });

  it('keeps a chunk whose g/ entry is younger than the grace even when its file is old (a copy may still be committing)', async () => {
    const a = await env.put(Buffer.from('copied chunk'));
    await env.meta.putObject({ record: env.record('src', [a]) });
    await env.age(a, 3_600_000);
    await env.meta.deleteObject({ bucket: 'gc', key: 'src' }); // g/ written now
    const s = await env.collector(60_000).runNow();
    assert.equal(s.deleted, 0);
    assert.ok(s.keptReferenced >= 1);
    assert.ok(await env.exists(a));
    // the copy commits: referenced again, the candidate is cleared
    await env.meta.putObject({ record: env.record('dst', [a]) });
    env.skew.ms = 120_000;
    assert.equal((await env.collector(60_000).runNow()).deleted, 0);
    assert.ok(await env.exists(a));
  });

  it('a dedup write of an unreferenced, old chunk keeps it until its record commits', async () => {
    const data = Buffer.from('shared bytes uploaded twice');
    const x = await env.put(data);
    await env.meta.putObject({ record: env.record('old', [x]) });
    await env.meta.deleteObject({ bucket: 'gc', key: 'old' });
    await env.age(x, 10_000);
    env.skew.ms = 10_000; // g/ is 10 s old
    const gc = env.collector(1000);
    // a new upload of the same bytes: existed (dedup), touches the file
    const up = await env.chunks.putChunk(once(data));
    assert.equal(up.existed, true);
    // the collector runs before the upload commits its record
    const s = await gc.runNow();
    assert.equal(s.deleted, 0);
    assert.equal(s.keptRecent, 1);
    assert.ok(await env.exists(x));
    await env.meta.putObject({ record: env.record('new', [x]) });
    await sleep(1100);
    assert.equal((await gc.runNow()).deleted, 0);
    assert.ok((await readAll(await env.chunks.getChunk(x))).equals(data));
  });

  it('races: uploads of a chunk the collector is deleting never end up referencing a missing chunk', async () => {
    const gc = env.collector(1000, { concurrency: 1 });
    let deletedSome = 0;
    for (let round = 0; round < 25; round++) {
      const data = Buffer.from(`racy chunk ${round}`);
      const x = await env.put(data);
      await env.meta.putObject({ record: env.record(`old-${round}`, [x]) });
      await env.meta.deleteObject({ bucket: 'gc', key: `old-${round}` });
      await env.age(x, 10_000);
      env.skew.ms += 10_000;
      const upload = (async () => {
        for (let i = 0; i < round % 5; i++) await new Promise((r) => setImmediate(r));
        await env.chunks.putChunk(once(data));
        await env.meta.putObject({ record: env.record(`new-${round}`, [x]) });
      })();
      const [, s] = await Promise.all([upload, gc.runNow()]);
      deletedSome += s.deleted;
      assert.ok(await env.exists(x), `round ${round}: referenced chunk is missing`);
      assert.ok((await readAll(await env.chunks.getChunk(x))).equals(data));
    }
    // (whether some rounds deleted first and re-stored is timing; both orders must be safe)
    assert.ok(deletedSome >= 0);
  });

  it('a g/ entry whose chunk is already gone (crash between delete and drop) is dropped', async () => {
    const a = await env.put(Buffer.from('gone already'));
    await env.meta.putObject({ record: env.record('k', [a]) });
    await env.meta.deleteObject({ bucket: 'gc', key: 'k' });
    await env.chunks.deleteChunk(a);
    env.skew.ms = 5000;
    const s = await env.collector(1000).runNow();
    assert.equal(s.deleted, 0);
    assert.equal(s.errors, 0);
    assert.deepEqual((await env.meta.listGcCandidates({})).candidates, []);
  });

  it('bounded runs: the orphan scan resumes where it stopped', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const id = await env.put(Buffer.from(`orphan ${i}`));
      await env.age(id, 60_000);
      ids.push(id);
    }
    const gc = env.collector(1000, { batchSize: 5, maxScan: 5 });
    let total = 0;
    let runs = 0;
    for (; runs < 10; runs++) {
      const s = await gc.runNow();
      total += s.deleted;
      assert.ok(s.scanned <= 5);
      if (total === 12) break;
    }
    assert.equal(total, 12);
    assert.ok(runs >= 2);
    for (const id of ids) assert.equal(await env.exists(id), false);
  });

  it('concurrent on-demand runs share the next run; the service runs on an interval', async () => {
    const svc = new LifecycleService({ metadata: env.meta, chunks: env.chunks, logger, gcGraceSeconds: 0, gcIntervalSeconds: 0 });
    const [r1, r2, r3] = await Promise.all([svc.runGc(), svc.runGc(), svc.runGc()]);
    assert.equal(r2, r3, 'callers arriving during a run share the next one');
    assert.ok(r1.startedAt <= r2.startedAt);
    const orphan = await env.put(Buffer.from('collected by the timer'));
    await env.age(orphan, 5000);
    const timed = new LifecycleService({ metadata: env.meta, chunks: env.chunks, logger, gcGraceSeconds: 1, gcIntervalSeconds: 1 });
    timed.start();
    try {
      for (let i = 0; i < 40 && (await env.exists(orphan)); i++) await sleep(100);
      assert.equal(await env.exists(orphan), false);
    } finally {
      timed.stop();
    }
  });
});
