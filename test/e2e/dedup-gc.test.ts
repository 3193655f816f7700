/**
 * Dedup, compression and the chunk collector, asserted on the bytes actually
 * on disk (the sum of file sizes under <dataDir>/chunks), and corruption
 * detection on a byte flipped in a stored chunk file — in both wirings.
 *
 * VaultX runs with VAULTX_GC_GRACE_SECONDS=1 and no periodic runs; the test
 * triggers the collector through the admin API (POST /admin/v1/gc/run). In the
 * split wiring the collector runs in its own `--services=lifecycle` process
 * (started here), reached by the gateway at VAULTX_LIFECYCLE_URL.
 */
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  LAUNCHER,
  REPO_ROOT,
  TEST_ADMIN_TOKEN,
  TEST_REGION,
  TEST_ROOT_ACCESS_KEY,
  TEST_ROOT_SECRET_KEY,
  adminRequest,
  bucketName,
  freePort,
  itWithLogs,
  s3Client,
  sleep,
  startVaultx,
  withLogs,
  wirings,
  type Vaultx,
} from './harness.ts';
import { textLike } from '../../services/chunk-store/src/test-data.ts';

const MiB = 1024 * 1024;
const GRACE_MS = 1000;
/** Set explicitly: the corruption test flips a byte in the second chunk of a 12 MiB object. */
const CHUNK_SIZE = 5 * MiB;
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Bytes on disk: the sum of the sizes of every file under dir (recursively). */
async function du(dir: string): Promise<number> {
  let total = 0;
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += await du(p);
    else if (e.isFile()) total += (await fs.stat(p)).size;
  }
  return total;
}

/** Reads a GetObject body, hashing it; reports how much arrived and whether the transfer failed. */
async function drain(body: unknown): Promise<{ bytes: number; sha: string; error?: unknown }> {
  const h = createHash('sha256');
  let bytes = 0;
  try {
    for await (const p of body as Readable) {
      h.update(p as Buffer);
      bytes += (p as Buffer).length;
    }
    return { bytes, sha: h.digest('hex') };
  } catch (error) {
    return { bytes, sha: h.digest('hex'), error };
  }
}

async function getSha(s3: S3Client, bucket: string, key: string): Promise<{ bytes: number; sha: string; error?: unknown }> {
  const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return drain(r.Body);
}

async function runGc(v: Vaultx): Promise<{ deleted: number; bytesFreed: number; errors: number; [k: string]: unknown }> {
  const r = await adminRequest(v, 'POST', '/admin/v1/gc/run');
  assert.equal(r.status, 200, `gc/run: ${r.status} ${r.text}`);
  return r.json;
}

function chunkFile(v: Vaultx, id: string): string {
  return path.join(v.dataDir, 'chunks', id.slice(0, 2), id.slice(2, 4), id);
}

async function flipByte(file: string, offset: number): Promise<void> {
  const fh = await fs.open(file, 'r+');
  try {
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, offset);
    b[0] = b[0]! ^ 0xff;
    await fh.write(b, 0, 1, offset);
  } finally {
    await fh.close();
  }
}

/** In the split wiring: the collector in its own process, as `--services=lifecycle`. */
async function startLifecycle(v: Vaultx, port: number, env: Record<string, string>): Promise<ChildProcess> {
  const log = path.join(v.dataDir, 'vaultx-lifecycle.log');
  const fd = openSync(log, 'a');
  const childEnv: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' };
  Object.assign(childEnv, {
    VAULTX_BIND: '127.0.0.1',
    VAULTX_DATA_DIR: v.dataDir,
    VAULTX_REGION: TEST_REGION,
    VAULTX_ROOT_ACCESS_KEY: TEST_ROOT_ACCESS_KEY,
    VAULTX_ROOT_SECRET_KEY: TEST_ROOT_SECRET_KEY,
    VAULTX_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    VAULTX_LOG_LEVEL: 'warn',
    VAULTX_METADATA_URL: `http://127.0.0.1:${v.ports.metadata}`,
    VAULTX_CHUNK_STORE_URL: `http://127.0.0.1:${v.ports.chunkStore}`,
    VAULTX_LIFECYCLE_PORT: String(port),
    ...env,
  });
  const child = spawn(process.execPath, ['--import', 'tsx', LAUNCHER, '--services=lifecycle'], { cwd: REPO_ROOT, env: childEnv, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  process.on('exit', () => child.kill('SIGKILL'));
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`lifecycle exited (${child.exitCode}):\n${await fs.readFile(log, 'utf8')}`);
    const ok = await fetch(`http://127.0.0.1:${port}/health/readiness`).then((r) => r.status === 200, () => false);
    if (ok) return child;
    await sleep(100);
  }
  throw new Error('lifecycle process not ready');
}

for (const wiring of wirings()) {
  describe(`dedup, compression, GC and integrity on disk (${wiring})`, { timeout: 120_000 }, () => {
    let v: Vaultx;
    let s3: S3Client;
    let lifecycle: ChildProcess | undefined;
    const test = itWithLogs(() => v);
    const b1 = bucketName('dd1');
    const b2 = bucketName('dd2');
    let chunksDir: string;

    before(withLogs(() => v, async () => {
      const gcEnv = { VAULTX_GC_GRACE_SECONDS: String(GRACE_MS / 1000), VAULTX_GC_INTERVAL_SECONDS: '0', VAULTX_CHUNK_SIZE: String(CHUNK_SIZE) };
      const lcPort = await freePort();
      v = await startVaultx({
        wiring,
        env: { ...gcEnv, ...(wiring === 'split' ? { VAULTX_LIFECYCLE_URL: `http://127.0.0.1:${lcPort}` } : {}) },
      });
      if (wiring === 'split') lifecycle = await startLifecycle(v, lcPort, gcEnv);
      s3 = s3Client(v);
      await s3.send(new CreateBucketCommand({ Bucket: b1 }));
      await s3.send(new CreateBucketCommand({ Bucket: b2 }));
      chunksDir = path.join(v.dataDir, 'chunks');
    }));
    after(async () => {
      s3?.destroy();
      if (lifecycle && lifecycle.exitCode === null) {
        lifecycle.kill('SIGTERM');
        await new Promise((r) => lifecycle!.once('exit', r));
      }
      await v?.dispose();
    });

    test('10 copies of a 100 MiB file take ≤ 5% more disk than one; GC keeps what the last copy needs, frees it after it goes', async () => {
      const data = randomBytes(100 * MiB);
      const want = sha256(data);
      const empty = await du(chunksDir);
      const keys = Array.from({ length: 10 }, (_, i) => ({ bucket: i % 2 ? b2 : b1, key: `copies/copy-${i}.bin` }));

      await s3.send(new PutObjectCommand({ Bucket: keys[0]!.bucket, Key: keys[0]!.key, Body: data, ContentType: 'application/octet-stream' }));
      const one = (await du(chunksDir)) - empty;
      assert.ok(one >= data.length && one <= data.length * 1.01, `one copy takes ${one} bytes for ${data.length}`);
      for (const k of keys.slice(1)) await s3.send(new PutObjectCommand({ Bucket: k.bucket, Key: k.key, Body: data }));
      const ten = (await du(chunksDir)) - empty;
      assert.ok(ten <= one * 1.05, `10 copies take ${ten} bytes, one takes ${one}`);
      const g = await getSha(s3, keys[3]!.bucket, keys[3]!.key);
      assert.equal(g.error, undefined);
      assert.equal(g.sha, want);

      for (const k of keys.slice(0, 9)) await s3.send(new DeleteObjectCommand({ Bucket: k.bucket, Key: k.key }));
      await sleep(GRACE_MS + 200);
      const afterNine = await runGc(v);
      assert.equal(afterNine.errors, 0);
      assert.equal(afterNine.deleted, 0, 'nothing the tenth copy needs is freed');
      assert.equal((await du(chunksDir)) - empty, ten);
      const last = keys[9]!;
      const g2 = await getSha(s3, last.bucket, last.key);
      assert.equal(g2.error, undefined);
      assert.equal(g2.bytes, data.length);
      assert.equal(g2.sha, want);

      await s3.send(new DeleteObjectCommand({ Bucket: last.bucket, Key: last.key }));
      const early = await runGc(v);
      assert.equal(early.deleted, 0, 'within the grace period nothing is freed');
      await sleep(GRACE_MS + 200);
      const freed = await runGc(v);
      assert.equal(freed.errors, 0);
      assert.ok(freed.deleted >= 20, `freed ${freed.deleted} chunks`);
      assert.ok(freed.bytesFreed >= data.length, `freed ${freed.bytesFreed} bytes`);
      assert.ok((await du(chunksDir)) - empty <= 0, `bytes left on disk: ${(await du(chunksDir)) - empty}`);
    }, { timeout: 90_000 });

    test('50 MiB of logs/JSON/CSV take < 50% of their size on disk and read back identical', async () => {
      const text = textLike(50 * MiB, 7);
      const before = await du(chunksDir);
      await s3.send(new PutObjectCommand({ Bucket: b1, Key: 'text/app.log', Body: text, ContentType: 'text/plain' }));
      const used = (await du(chunksDir)) - before;
      assert.ok(used < text.length * 0.5, `50 MiB of text takes ${used} bytes (${((100 * used) / text.length).toFixed(1)}%)`);
      const g = await getSha(s3, b1, 'text/app.log');
      assert.equal(g.error, undefined);
      assert.equal(g.bytes, text.length);
      assert.equal(g.sha, sha256(text));
      // a range inside a compressed chunk
      const r = await s3.send(new GetObjectCommand({ Bucket: b1, Key: 'text/app.log', Range: 'bytes=7340000-7340999' }));
      const part = await drain(r.Body);
      assert.equal(part.sha, sha256(text.subarray(7_340_000, 7_341_000)));
    }, { timeout: 60_000 });

    test('20 MiB of random bytes are stored at about their size', async () => {
      const rnd = randomBytes(20 * MiB);
      const before = await du(chunksDir);
      await s3.send(new PutObjectCommand({ Bucket: b2, Key: 'random.bin', Body: rnd }));
      const used = (await du(chunksDir)) - before;
      assert.ok(used >= rnd.length && used <= rnd.length * 1.001, `20 MiB random takes ${used} bytes`);
      assert.equal((await getSha(s3, b2, 'random.bin')).sha, sha256(rnd));
    }, { timeout: 60_000 });

    test('a corrupted chunk: GET fails (never returns wrong bytes), for raw and compressed chunks', async () => {
      const chunk = CHUNK_SIZE;
      const cases = [
        { key: 'corrupt/random.bin', data: randomBytes(12 * MiB), type: 'application/octet-stream' },
        { key: 'corrupt/text.log', data: textLike(12 * MiB, 99), type: 'text/plain' },
      ];
      for (const c of cases) {
        await s3.send(new PutObjectCommand({ Bucket: b1, Key: c.key, Body: c.data, ContentType: c.type }));
        const second = sha256(c.data.subarray(chunk, 2 * chunk));
        const file = chunkFile(v, second);
        const st = await fs.stat(file);
        await flipByte(file, Math.floor(st.size / 2));
        let res: { bytes: number; sha: string; error?: unknown };
        try {
          res = await getSha(s3, b1, c.key);
        } catch (error) {
          res = { bytes: 0, sha: '', error };
        }
        assert.ok(res.error !== undefined || res.bytes < c.data.length, `${c.key}: the GET must fail`);
        assert.ok(res.bytes < c.data.length, `${c.key}: ${res.bytes} of ${c.data.length} bytes delivered`);
        assert.notEqual(res.sha, sha256(c.data));
        // quarantined: the next GET fails up front
        await assert.rejects(getSha(s3, b1, c.key).then((r) => { if (r.error) throw r.error; if (r.bytes < c.data.length) throw new Error('short'); }));
        const q = await fs.readdir(path.join(chunksDir, 'corrupt'));
        assert.ok(q.some((n) => n.startsWith(second)), `${second} quarantined`);
        // uploading the same bytes again repairs the object
        await s3.send(new PutObjectCommand({ Bucket: b1, Key: `${c.key}.again`, Body: c.data, ContentType: c.type }));
        const healed = await getSha(s3, b1, c.key);
        assert.equal(healed.error, undefined);
        assert.equal(healed.sha, sha256(c.data));
      }
    }, { timeout: 60_000 });
  });
}
