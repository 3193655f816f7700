/**
 * Crash consistency (issue 4): VaultX SIGKILLed at a random moment while 50
 * clients run single PUTs, multipart uploads and deletes, then restarted on the
 * same data directory — several rounds in a row, in both wirings.
 *
 * After each crash:
 *  - every key shows a state it may legitimately show (lib/crash-workload.ts,
 *    `candidates`): the last acknowledged write (or the state before the
 *    round), or one of the writes still in flight at the kill — read back whole
 *    and byte-identical (SHA-256 of the body, ETag, length), never a mix, never
 *    partial bytes; a key whose writes were all unacknowledged is absent or
 *    shows one of them;
 *  - ListObjectsV2 lists exactly the keys that are visible, with their sizes
 *    and ETags;
 *  - multipart uploads: an upload created (acknowledged) and neither completed
 *    nor aborted is still listed, with every acknowledged part; a completed or
 *    aborted one is not; uploads left over are completed (whole, checked) or
 *    aborted; aborting an upload that is gone answers NoSuchUpload;
 *  - nothing is left in chunks/tmp, nothing was quarantined as corrupt;
 *  - then the collector runs (past the grace period) and the chunk files on
 *    disk are exactly the chunks the visible objects are made of (computed
 *    here from their bytes): none missing, none extra; every object reads back
 *    whole again.
 * Objects written before the first round (pinned/) and the survivors of each
 * round carry over, so they must survive every later crash. At the end every
 * object is deleted, a collector run is SIGKILLed midway, and after the next
 * run the chunk store holds no chunk.
 *
 * The workload (VAULTX_CHUNK_SIZE=256 KiB, so objects have many chunks): 36
 * writers of single PUTs (0 B to 3 MiB, inline-size boundaries included, a
 * quarter of them from a shared pool — some sharing a prefix — for dedup) and
 * DeleteObjects, 14 writers of multipart uploads (3-4 parts of 5 MiB and a
 * small last one, two parts in flight, a third of the parts shared across
 * uploads, now and then a part re-uploaded, an upload aborted or abandoned);
 * keys are each writer's own, shared by several writers at once, or left by
 * earlier rounds. The kill comes 200-2000 ms after the start, after 80
 * acknowledgements or after the first completed upload, or 0-400 ms after the
 * first CompleteMultipartUpload is sent (to land among completions); split
 * wiring: every process (and the lifecycle one) in the first round, then all
 * or one of metadata / chunk-store / gateway at random.
 *
 * Env: VAULTX_CRASH_SEED (reproduce the choices; kill timing stays random),
 * VAULTX_CRASH_ROUNDS (default 3).
 */
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type S3ServiceException,
} from '@aws-sdk/client-s3';
import { adminRequest, bucketName, freePort, itWithLogs, sleep, startVaultx, withLogs, wirings, type Vaultx } from './harness.ts';
import {
  KiB,
  MiB,
  Digests,
  blobBuffer,
  blobId,
  blobStream,
  candidates,
  describeVersion,
  prng,
  versionInfo,
  type Attempt,
  type Blob,
  type Version,
  type VersionInfo,
} from './lib/crash-workload.ts';
import { lifecycleProc, type LifecycleProc } from './lib/lifecycle-proc.ts';

const CHUNK = 256 * KiB;
const INLINE_MAX = 32 * KiB;
const GRACE_S = 1;
const WRITERS = 50;
const MPU_WRITERS = 14;
const ROUNDS = Number(process.env.VAULTX_CRASH_ROUNDS ?? 3);
const SEED = Number(process.env.VAULTX_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const ABSENT: Version = { kind: 'absent' };
const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const FAN_RE = /^[0-9a-f]{2}$/;
const ID_RE = /^[0-9a-f]{64}$/;

// ---------------------------------------------------------------------------
// the model

interface Register {
  bucket: string;
  key: string;
  prior: Version;
  attempts: Attempt<Version>[];
  pinned: boolean;
}

interface PartRegister {
  prior: Blob | null;
  attempts: Attempt<Blob | null>[];
}

interface UploadRec {
  bucket: string;
  key: string;
  uploadId?: string;
  create: Attempt<null>;
  /** the parts it will be completed with */
  plan: Blob[];
  parts: Map<number, PartRegister>;
  complete?: Attempt<Version>;
  abort?: Attempt<null>;
}

type Observed = { present: false } | { present: true; size: number; etag: string; sha256: string };

class BadAck extends Error {}

function errInfo(e: unknown): { status?: number; text: string } {
  const err = e as S3ServiceException & { code?: string };
  const status = err?.$metadata?.httpStatusCode;
  return { status, text: `${err?.name ?? 'Error'}${status ? ` ${status}` : ''}${err?.code ? ` ${err.code}` : ''}: ${String(err?.message ?? e).slice(0, 200)}` };
}

async function du(dir: string): Promise<number> {
  let n = 0;
  for (const e of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = path.join(dir, e.name);
    n += e.isDirectory() ? await du(p) : (await fs.stat(p).catch(() => ({ size: 0 }))).size;
  }
  return n;
}

/** Chunk files under <dataDir>/chunks/<ab>/<cd>/<id> (tmp/ and corrupt/ apart). */
async function chunkFiles(chunksDir: string): Promise<Set<string>> {
  const out = new Set<string>();
  const dirs = async (p: string) => (await fs.readdir(p, { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory() && FAN_RE.test(e.name)).map((e) => e.name);
  for (const a of await dirs(chunksDir)) {
    for (const b of await dirs(path.join(chunksDir, a))) {
      for (const f of await fs.readdir(path.join(chunksDir, a, b))) if (ID_RE.test(f)) out.add(f);
    }
  }
  return out;
}

async function listDir(p: string): Promise<string[]> {
  return fs.readdir(p).catch(() => []);
}

async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (i < items.length) await fn(items[i++]!);
  }));
}

async function observe(s3: S3Client, bucket: string, key: string): Promise<Observed> {
  let r;
  try {
    r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  } catch (e) {
    if ((e as S3ServiceException).name === 'NoSuchKey') return { present: false };
    throw e;
  }
  const h = createHash('sha256');
  let size = 0;
  for await (const p of r.Body as Readable) {
    h.update(p as Buffer);
    size += (p as Buffer).length;
  }
  if (r.ContentLength !== undefined && r.ContentLength !== size) throw new Error(`GET ${key}: Content-Length ${r.ContentLength} but ${size} bytes arrived`);
  return { present: true, size, etag: (r.ETag ?? '').replaceAll('"', ''), sha256: h.digest('hex') };
}

const sameAs = (o: Observed, i: VersionInfo) => (o.present ? i.present && o.size === i.size && o.sha256 === i.sha256 && o.etag === i.etag : !i.present);
const showObs = (o: Observed) => (o.present ? `${o.size} B etag ${o.etag} sha256 ${o.sha256.slice(0, 12)}…` : 'absent');

for (const wiring of wirings()) {
  describe(`crash consistency under SIGKILL (${wiring})`, { timeout: 600_000 }, () => {
    let v: Vaultx;
    let lifecycle: LifecycleProc | undefined;
    let s3: S3Client;
    const test = itWithLogs(() => v);
    const b1 = bucketName('crash1');
    const b2 = bucketName('crash2');
    const digests = new Digests(CHUNK);
    const registers = new Map<string, Register>();
    let uploads: UploadRec[] = [];
    const gcEnv = { VAULTX_GC_GRACE_SECONDS: String(GRACE_S), VAULTX_GC_INTERVAL_SECONDS: '0' };
    let chunksDir: string;
    let failedBefore = false;
    const rnd = prng(SEED ^ (wiring === 'split' ? 0x5a5a5a : 0));
    let seq = 0;
    const fresh = (tag: string) => `${SEED}-${wiring}-${tag}-${seq++}`;

    const info = (ver: Version) => versionInfo(ver, digests, INLINE_MAX);
    const reg = (bucket: string, key: string, pinned = false): Register => {
      const id = `${bucket}/${key}`;
      let r = registers.get(id);
      if (!r) registers.set(id, (r = { bucket, key, prior: ABSENT, attempts: [], pinned }));
      return r;
    };
    const newClient = (opts: { retries: boolean }) =>
      new S3Client({
        endpoint: v.endpoint,
        region: v.region,
        credentials: { accessKeyId: v.accessKeyId, secretAccessKey: v.secretAccessKey },
        forcePathStyle: true,
        maxAttempts: opts.retries ? 3 : 1,
        requestHandler: { connectionTimeout: 15_000, requestTimeout: 60_000 },
        // the SDK warns on every streaming request the kill cuts short
        logger: opts.retries ? undefined : quiet,
      });

    // Content shared across writers, uploads and rounds (deduplicated chunks), some sharing a prefix.
    const SHARED_SINGLE: Blob[] = [
      { seed: `${SEED}-shared-a`, size: 3 * MiB, text: false },
      { seed: `${SEED}-shared-a`, size: MiB + 5, text: false }, // the first 4 chunks of the one above
      { seed: `${SEED}-shared-b`, size: 700 * KiB + 3, text: true },
      { seed: `${SEED}-shared-c`, size: 10 * KiB, text: false },
      { seed: `${SEED}-shared-d`, size: CHUNK, text: false },
      { seed: `${SEED}-shared-e`, size: 2 * MiB + 17, text: false },
      { seed: `${SEED}-shared-f`, size: 0, text: false },
    ];
    const SHARED_PARTS: Blob[] = [0, 1, 2, 3].map((i) => ({ seed: `${SEED}-part-${i}`, size: 5 * MiB, text: i === 3 }));

    const singleBlob = (tag: string): Blob => {
      if (rnd.chance(0.25)) return rnd.pick(SHARED_SINGLE);
      const r = rnd.next();
      const size =
        r < 0.05 ? 0
        : r < 0.27 ? 1 + rnd.int(INLINE_MAX)
        : r < 0.3 ? rnd.pick([INLINE_MAX, INLINE_MAX + 1, CHUNK, CHUNK + 1, 3 * MiB])
        : r < 0.62 ? INLINE_MAX + 1 + rnd.int(MiB)
        : MiB + rnd.int(2 * MiB + 1);
      return { seed: fresh(tag), size, text: rnd.chance(0.3) };
    };

    // ---- tracked operations ---------------------------------------------------
    let killAt = Infinity;
    let frozen = false;
    let stopping = false;
    const problems: string[] = [];
    const stats = { acked: 0, rejected: 0, indeterminate: 0, byOp: new Map<string, number>(), started: new Map<string, number>() };
    /** every attempt of the round, to tell what was in flight at the kill */
    let allAttempts: Attempt<unknown>[] = [];

    async function track<S>(list: Attempt<S>[], op: string, what: string, state: S, fn: () => Promise<void>): Promise<boolean> {
      const a: Attempt<S> = { op, state, start: Date.now(), outcome: 'pending' };
      list.push(a);
      allAttempts.push(a as Attempt<unknown>);
      stats.started.set(op, (stats.started.get(op) ?? 0) + 1);
      try {
        await fn();
        if (frozen) return false;
        a.end = Date.now();
        a.outcome = 'acked';
        stats.acked++;
        stats.byOp.set(op, (stats.byOp.get(op) ?? 0) + 1);
        return true;
      } catch (e) {
        if (frozen) return false;
        a.end = Date.now();
        const { status, text } = errInfo(e);
        a.detail = text;
        if (e instanceof BadAck) {
          problems.push(`${op} ${what}: ${e.message}`);
          a.outcome = 'indeterminate';
        } else if (status !== undefined && status >= 400 && status < 500) a.outcome = 'rejected';
        else a.outcome = 'indeterminate';
        if (a.outcome === 'rejected') stats.rejected++;
        else stats.indeterminate++;
        if (a.end < killAt && !(e instanceof BadAck)) problems.push(`${op} ${what} failed while the server was up (${a.end - a.start} ms): ${text}`);
        return false;
      }
    }

    async function putObject(c: S3Client, r: Register, blob: Blob): Promise<boolean> {
      const want = `"${digests.of(blob).md5.toString('hex')}"`;
      return track(r.attempts, 'PutObject', `${r.key} (${blobId(blob)})`, { kind: 'put', blob } as Version, async () => {
        const out = await c.send(
          new PutObjectCommand({
            Bucket: r.bucket,
            Key: r.key,
            Body: blob.size <= MiB ? blobBuffer(blob) : blobStream(blob),
            ContentLength: blob.size,
            ContentType: blob.text ? 'text/plain' : 'application/octet-stream',
          }),
        );
        if (out.ETag !== want) throw new BadAck(`acknowledged with ETag ${out.ETag}, expected ${want}`);
      });
    }

    async function deleteObject(c: S3Client, r: Register): Promise<boolean> {
      return track(r.attempts, 'DeleteObject', r.key, ABSENT, async () => {
        await c.send(new DeleteObjectCommand({ Bucket: r.bucket, Key: r.key }));
      });
    }

    async function multipart(c: S3Client, r: Register, plan: Blob[], opts: { replaceOne: boolean; end: 'complete' | 'abort' | 'abandon' }): Promise<void> {
      const u: UploadRec = { bucket: r.bucket, key: r.key, plan, parts: new Map(), create: undefined as unknown as Attempt<null> };
      uploads.push(u);
      const createAttempts: Attempt<null>[] = [];
      const created = track(createAttempts, 'CreateMultipartUpload', r.key, null, async () => {
        const out = await c.send(new CreateMultipartUploadCommand({ Bucket: r.bucket, Key: r.key, ContentType: 'application/octet-stream' }));
        if (!out.UploadId) throw new BadAck('no UploadId');
        u.uploadId = out.UploadId;
      });
      u.create = createAttempts[0]!;
      if (!(await created) || stopping) return;
      const uploadId = u.uploadId!;
      const etags: string[] = [];
      const sendPart = async (n: number, blob: Blob): Promise<boolean> => {
        let pr = u.parts.get(n);
        if (!pr) u.parts.set(n, (pr = { prior: null, attempts: [] }));
        const want = `"${digests.of(blob).md5.toString('hex')}"`;
        return track(pr.attempts, 'UploadPart', `${r.key} #${n} (${blobId(blob)})`, blob, async () => {
          const out = await c.send(new UploadPartCommand({ Bucket: r.bucket, Key: r.key, UploadId: uploadId, PartNumber: n, Body: blobStream(blob), ContentLength: blob.size }));
          if (out.ETag !== want) throw new BadAck(`acknowledged with ETag ${out.ETag}, expected ${want}`);
        });
      };
      // two parts in flight at once, as the CLIs do
      const queue = plan.map((_, i) => i);
      let failed = false;
      const slot = async () => {
        while (queue.length && !failed && !stopping) {
          const i = queue.shift()!;
          // a part uploaded twice: the second replaces the first
          if (opts.replaceOne && i === 1 && !(await sendPart(2, { seed: fresh('replaced'), size: 5 * MiB, text: false }))) failed = true;
          else if (!(await sendPart(i + 1, plan[i]!))) failed = true;
        }
      };
      await Promise.all([slot(), slot()]);
      if (failed || stopping || queue.length) return;
      for (const b of plan) etags.push(`"${digests.of(b).md5.toString('hex')}"`);
      if (opts.end === 'abandon') return;
      if (opts.end === 'abort') {
        const aborts: Attempt<null>[] = [];
        const p = track(aborts, 'AbortMultipartUpload', r.key, null, async () => {
          await c.send(new AbortMultipartUploadCommand({ Bucket: r.bucket, Key: r.key, UploadId: uploadId }));
        });
        u.abort = aborts[0];
        await p;
        return;
      }
      const version: Version = { kind: 'mpu', uploadId, parts: plan };
      const want = `"${info(version).etag}"`;
      const p = track(r.attempts, 'CompleteMultipartUpload', r.key, version, async () => {
        const out = await c.send(
          new CompleteMultipartUploadCommand({
            Bucket: r.bucket,
            Key: r.key,
            UploadId: uploadId,
            MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
          }),
        );
        if (out.ETag !== want) throw new BadAck(`acknowledged with ETag ${out.ETag}, expected ${want}`);
      });
      u.complete = r.attempts[r.attempts.length - 1];
      await p;
    }

    // ---- the writers ------------------------------------------------------------
    function pickKey(round: number, writer: string): Register {
      const roll = rnd.next();
      const bucket = rnd.chance(0.2) ? b2 : b1;
      if (roll < 0.1) return reg(bucket, `shared/${rnd.int(4)}`); // written by many writers at once
      if (roll < 0.25) {
        const older = [...registers.values()].filter((x) => !x.pinned && !x.key.startsWith(`r${round}/`));
        if (older.length) return rnd.pick(older);
      }
      return reg(bucket, `r${round}/${writer}/k${rnd.int(3)}`);
    }

    async function singleWriter(c: S3Client, round: number, i: number): Promise<void> {
      await sleep(rnd.int(150));
      while (!stopping) {
        const r = pickKey(round, `s${i}`);
        if (rnd.chance(0.08)) await deleteObject(c, r);
        else await putObject(c, r, singleBlob(`r${round}s${i}`));
      }
    }

    async function mpuWriter(c: S3Client, round: number, i: number): Promise<void> {
      await sleep(rnd.int(400));
      while (!stopping) {
        const r = pickKey(round, `m${i}`);
        const full = 3 + rnd.int(2);
        const plan: Blob[] = [];
        for (let p = 0; p < full; p++) plan.push(rnd.chance(0.35) ? rnd.pick(SHARED_PARTS) : { seed: fresh(`r${round}m${i}p`), size: 5 * MiB, text: rnd.chance(0.2) });
        plan.push({ seed: fresh(`r${round}m${i}last`), size: 1 + rnd.int(300 * KiB), text: rnd.chance(0.3) });
        const roll = rnd.next();
        await multipart(c, r, plan, { replaceOne: rnd.chance(0.1), end: roll < 0.08 ? 'abort' : roll < 0.16 ? 'abandon' : 'complete' });
      }
    }

    // ---- lifecycle of the servers -----------------------------------------------
    async function gcRun(): Promise<Record<string, unknown>> {
      const r = await adminRequest(v, 'POST', '/admin/v1/gc/run');
      assert.equal(r.status, 200, `gc/run: ${r.status} ${r.text}`);
      assert.equal(r.json.errors, 0, `gc/run reported errors: ${r.text}`);
      return r.json;
    }

    before(withLogs(() => v, async () => {
      const lcPort = await freePort();
      v = await startVaultx({
        wiring,
        env: {
          ...gcEnv,
          VAULTX_CHUNK_SIZE: String(CHUNK),
          VAULTX_INLINE_MAX_BYTES: String(INLINE_MAX),
          ...(wiring === 'split' ? { VAULTX_LIFECYCLE_URL: `http://127.0.0.1:${lcPort}` } : {}),
        },
      });
      if (wiring === 'split') {
        lifecycle = lifecycleProc(v, lcPort, gcEnv);
        await lifecycle.start();
      }
      chunksDir = path.join(v.dataDir, 'chunks');
      s3 = newClient({ retries: true });
      await s3.send(new CreateBucketCommand({ Bucket: b1 }));
      await s3.send(new CreateBucketCommand({ Bucket: b2 }));
    }));
    after(async () => {
      s3?.destroy();
      await lifecycle?.stop();
      await v?.dispose();
    });

    test('objects written before the crashes (they must survive every round)', async (t) => {
      const pinned: Array<[string, Blob | Blob[]]> = [
        ['pinned/empty', { seed: fresh('pin'), size: 0, text: false }],
        ['pinned/inline', { seed: fresh('pin'), size: 1000, text: true }],
        ['pinned/inline-max', { seed: fresh('pin'), size: INLINE_MAX, text: false }],
        ['pinned/one-chunk', { seed: fresh('pin'), size: CHUNK, text: false }],
        ['pinned/shared-a', SHARED_SINGLE[0]!],
        ['pinned/text', { seed: fresh('pin'), size: 2 * MiB + 1, text: true }],
        ['pinned/multipart', [SHARED_PARTS[0]!, { seed: fresh('pin'), size: 5 * MiB, text: false }, { seed: fresh('pin'), size: 3, text: false }]],
      ];
      for (const [key, body] of pinned) {
        const r = reg(b1, key, true);
        if (Array.isArray(body)) await multipart(s3, r, body, { replaceOne: false, end: 'complete' });
        else await putObject(s3, r, body);
      }
      assert.deepEqual(problems, []);
      for (const r of registers.values()) {
        assert.equal(r.attempts.at(-1)!.outcome, 'acked', `${r.key}: ${r.attempts.at(-1)!.detail}`);
        r.prior = r.attempts.at(-1)!.state;
        r.attempts = [];
      }
      uploads = [];
      t.diagnostic(`seed ${SEED} (VAULTX_CRASH_SEED to reuse the choices)`);
    });

    for (let round = 1; round <= ROUNDS; round++) {
      test(`round ${round}: SIGKILL during 50 concurrent writers; after restart every acknowledged write is there whole, nothing else`, async (t) => {
        if (failedBefore) return t.skip('an earlier round failed');
        try {
          await oneRound(t, round);
        } catch (e) {
          failedBefore = true;
          throw e;
        }
      }, { timeout: 150_000 });
    }

    async function oneRound(t: { diagnostic(msg: string): void }, round: number): Promise<void> {
      const t0 = Date.now();
      problems.length = 0;
      killAt = Infinity;
      frozen = false;
      stopping = false;
      stats.acked = stats.rejected = stats.indeterminate = 0;
      stats.byOp.clear();
      stats.started.clear();
      allAttempts = [];
      const w = newClient({ retries: false });

      const writers: Promise<void>[] = [];
      for (let i = 0; i < WRITERS; i++) {
        const run = i < MPU_WRITERS ? mpuWriter(w, round, i) : singleWriter(w, round, i);
        writers.push(run.catch((e: unknown) => void problems.push(`writer ${i} threw: ${String(e)}`)));
      }

      // When to kill: 200-2000 ms after the start, after 80 acknowledgements, or after the first completed
      // multipart upload; or 0-400 ms after the first CompleteMultipartUpload is sent, when the other
      // uploads are completing too (aims the kill at completions, whose window is short).
      const mode = (['start', 'complete-sent', 'acks', 'first-multipart'] as const)[(round - 1) % 4]!;
      const tw = Date.now();
      if (mode !== 'start') {
        while (Date.now() - tw < 30_000) {
          if (mode === 'first-multipart' && (stats.byOp.get('CompleteMultipartUpload') ?? 0) > 0) break;
          if (mode === 'complete-sent' && (stats.started.get('CompleteMultipartUpload') ?? 0) > 0) break;
          if (mode === 'acks' && stats.acked >= 80) break;
          await sleep(10);
        }
      }
      const delay = mode === 'complete-sent' ? rnd.int(400) : 200 + rnd.int(1800);
      await sleep(delay);
      const target = wiring === 'single' || round === 1 ? 'all' : rnd.pick(['all', 'metadata', 'chunk-store', 'gateway'] as const);
      killAt = Date.now();
      stopping = true; // no new requests from here on; those in flight run to their end
      if (target === 'all') {
        v.kill('SIGKILL');
        await lifecycle?.kill('SIGKILL');
        await v.waitExit();
      } else {
        v.kill('SIGKILL', target);
        await v.waitExitOf(target);
      }
      const writePhase = killAt - t0;
      const settled = await Promise.race([Promise.all(writers).then(() => true), sleep(30_000).then(() => false)]);
      frozen = true;
      w.destroy();
      const inflight = new Map<string, number>();
      for (const a of allAttempts) if (a.start < killAt && (a.end === undefined || a.end >= killAt)) inflight.set(a.op, (inflight.get(a.op) ?? 0) + 1);
      const inflightAtKill = [...inflight.entries()].map(([k, n]) => `${k} ${n}`).join(', ');

      const tr = Date.now();
      await v.restart();
      if (lifecycle && !lifecycle.alive()) await lifecycle.start();
      const restartMs = Date.now() - tr;

      // crash debris is cleared on open; nothing is corrupt
      const tmp = await listDir(path.join(chunksDir, 'tmp'));
      if (tmp.length) problems.push(`chunks/tmp not cleared after the restart: ${tmp.slice(0, 5).join(', ')} (${tmp.length})`);
      const corrupt = await listDir(path.join(chunksDir, 'corrupt'));
      if (corrupt.length) problems.push(`chunks quarantined as corrupt after the crash: ${corrupt.slice(0, 5).join(', ')}`);

      const tv = Date.now();
      const ops = [...stats.byOp.entries()].map(([k, n]) => `${k} ${n}`).join(', ');
      t.diagnostic(
        `round ${round}: kill ${target} ${delay} ms after ${{ start: 'the start', 'complete-sent': 'the first CompleteMultipartUpload was sent', acks: '80 acks', 'first-multipart': 'the first completed multipart upload' }[mode]} ` +
          `(t+${writePhase} ms); acked ${stats.acked} (${ops}); in flight at the kill: ${inflightAtKill}; writers settled: ${settled}; restart ${restartMs} ms`,
      );
      await verify(t, round);
      t.diagnostic(`round ${round}: verified in ${Date.now() - tv} ms; total ${Date.now() - t0} ms; ${registers.size} keys, chunks on disk ${(await du(chunksDir)) >> 10} KiB`);
      if (problems.length) assert.fail(`${problems.length} problem(s):\n  ${problems.slice(0, 40).join('\n  ')}`);
    }

    async function verify(t: { diagnostic(msg: string): void }, round: number): Promise<void> {
      s3.destroy();
      s3 = newClient({ retries: true });

      // 1. every key shows a state it may show, read whole
      const observed = new Map<string, Observed>();
      const regs = [...registers.entries()];
      let fromInflight = 0;
      await pool(regs, 6, async ([id, r]) => {
        const cands = candidates({ state: r.prior }, r.attempts);
        let o: Observed;
        try {
          o = await observe(s3, r.bucket, r.key);
        } catch (e) {
          problems.push(`GET ${id} failed: ${errInfo(e).text}`);
          return;
        }
        observed.set(id, o);
        const match = cands.find((c) => sameAs(o, info(c)));
        if (!match) {
          const hist = r.attempts.map((a) => `${a.op} ${describeVersion(a.state)} ${a.outcome}${a.end ? ` at +${a.end - a.start} ms` : ''}`).join('; ');
          problems.push(
            `${id}: shows ${showObs(o)} — not a state it may show; candidates: ${cands.map((c) => `${describeVersion(c)} [${info(c).present ? `${info(c).size} B ${info(c).etag}` : 'absent'}]`).join(' | ') || 'none'}; prior ${describeVersion(r.prior)}; attempts: ${hist}`,
          );
          return;
        }
        const lastAcked = [...r.attempts].reverse().find((a) => a.outcome === 'acked');
        if (match !== (lastAcked?.state ?? r.prior)) fromInflight++;
        r.prior = match;
        r.attempts = [];
      });

      // 2. ListObjectsV2 lists exactly the visible keys, with their sizes and ETags
      for (const bucket of [b1, b2]) {
        const listed = new Map<string, { size?: number; etag?: string }>();
        let token: string | undefined;
        do {
          const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token, MaxKeys: 500 }));
          for (const c of page.Contents ?? []) listed.set(c.Key!, { size: c.Size, etag: c.ETag?.replaceAll('"', '') });
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
        for (const [id, o] of observed) {
          const [bk, ...rest] = id.split('/');
          if (bk !== bucket) continue;
          const key = rest.join('/');
          const l = listed.get(key);
          if (o.present && !l) problems.push(`ListObjectsV2 ${bucket} misses ${key}, which GET returns`);
          if (!o.present && l) problems.push(`ListObjectsV2 ${bucket} lists ${key}, which GET says does not exist`);
          if (o.present && l && (l.size !== o.size || l.etag !== o.etag)) problems.push(`ListObjectsV2 ${bucket} ${key}: ${l.size} B ${l.etag}, GET: ${o.size} B ${o.etag}`);
          listed.delete(key);
        }
        for (const k of listed.keys()) if (!registers.has(`${bucket}/${k}`)) problems.push(`ListObjectsV2 ${bucket} lists ${k}, never written`);
      }

      // 3. multipart uploads left by the crash
      const listedUploads = new Map<string, { bucket: string; key: string }>();
      for (const bucket of [b1, b2]) {
        let keyMarker: string | undefined;
        let idMarker: string | undefined;
        for (;;) {
          const page = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, KeyMarker: keyMarker, UploadIdMarker: idMarker, MaxUploads: 200 }));
          for (const u of page.Uploads ?? []) listedUploads.set(u.UploadId!, { bucket, key: u.Key! });
          if (!page.IsTruncated) break;
          keyMarker = page.NextKeyMarker;
          idMarker = page.NextUploadIdMarker;
        }
      }
      const known = new Map(uploads.filter((u) => u.uploadId).map((u) => [u.uploadId!, u]));
      let completedAfter = 0;
      let abortedAfter = 0;
      for (const [id, l] of listedUploads) {
        if (known.has(id)) continue;
        const maybe = uploads.some((u) => !u.uploadId && u.bucket === l.bucket && u.key === l.key && u.create.outcome !== 'rejected');
        if (!maybe) problems.push(`ListMultipartUploads lists ${l.bucket}/${l.key} ${id}, which no acknowledged or in-flight CreateMultipartUpload made`);
        // an upload whose CreateMultipartUpload answer was lost: aborting it works
        try {
          await s3.send(new AbortMultipartUploadCommand({ Bucket: l.bucket, Key: l.key, UploadId: id }));
          abortedAfter++;
        } catch (e) {
          problems.push(`AbortMultipartUpload of the listed ${l.key} ${id}: ${errInfo(e).text}`);
        }
      }
      for (const u of uploads) {
        if (!u.uploadId) continue;
        const where = `upload ${u.bucket}/${u.key} ${u.uploadId.slice(0, 16)}…`;
        const isListed = listedUploads.has(u.uploadId);
        const completeSent = u.complete && u.complete.outcome !== 'rejected';
        const abortSent = u.abort && u.abort.outcome !== 'rejected';
        if (u.complete?.outcome === 'acked' && isListed) problems.push(`${where}: completed (acknowledged) but still listed`);
        if (u.abort?.outcome === 'acked' && isListed) problems.push(`${where}: aborted (acknowledged) but still listed`);
        if (!completeSent && !abortSent && !isListed) problems.push(`${where}: created (acknowledged), never completed nor aborted, but not listed by ListMultipartUploads`);
        const r = registers.get(`${u.bucket}/${u.key}`)!;
        if (isListed && r.prior.kind === 'mpu' && r.prior.uploadId === u.uploadId) {
          const same = info(r.prior);
          const asSeen: Observed = { present: true, size: same.size, etag: same.etag, sha256: same.sha256 };
          const others = uploads.filter((x) => x !== u && x.key === u.key && x.complete).filter((x) => sameAs(asSeen, info(x.complete!.state)));
          if (!others.length) problems.push(`${where}: its object is visible, yet the upload is still listed (completion not atomic)`);
        }
        if (!isListed) {
          if (!(u.complete?.outcome === 'acked' || u.abort?.outcome === 'acked')) {
            // gone (completed or aborted by a request whose answer was lost): aborting again says NoSuchUpload
            try {
              await s3.send(new AbortMultipartUploadCommand({ Bucket: u.bucket, Key: u.key, UploadId: u.uploadId }));
              problems.push(`${where}: not listed, but AbortMultipartUpload succeeded`);
            } catch (e) {
              if ((e as S3ServiceException).name !== 'NoSuchUpload') problems.push(`${where}: abort of a vanished upload: ${errInfo(e).text} (expected NoSuchUpload)`);
            }
          }
          continue;
        }
        // listed: every acknowledged part is there, each part is one that was sent
        const parts = new Map<number, { etag: string; size: number }>();
        try {
          let marker: string | undefined;
          for (;;) {
            const page = await s3.send(new ListPartsCommand({ Bucket: u.bucket, Key: u.key, UploadId: u.uploadId, PartNumberMarker: marker }));
            for (const p of page.Parts ?? []) parts.set(p.PartNumber!, { etag: (p.ETag ?? '').replaceAll('"', ''), size: p.Size ?? -1 });
            if (!page.IsTruncated) break;
            marker = page.NextPartNumberMarker;
          }
        } catch (e) {
          problems.push(`${where}: ListParts failed: ${errInfo(e).text}`);
          continue;
        }
        let completable = parts.size === u.plan.length;
        for (const [n, pr] of u.parts) {
          const cands = candidates({ state: pr.prior }, pr.attempts);
          const got = parts.get(n);
          const ok = cands.some((c) => (c === null ? !got : !!got && got.etag === digests.of(c).md5.toString('hex') && got.size === c.size));
          if (!ok) {
            problems.push(`${where} part ${n}: ListParts shows ${got ? `${got.size} B ${got.etag}` : 'nothing'}; expected one of ${cands.map((c) => (c ? `${c.size} B ${digests.of(c).md5.toString('hex')}` : 'nothing')).join(' | ')}`);
            completable = false;
          }
          const planned = u.plan[n - 1];
          if (!got || !planned || got.etag !== digests.of(planned).md5.toString('hex')) completable = false;
        }
        for (const n of parts.keys()) if (!u.parts.has(n)) problems.push(`${where}: ListParts shows part ${n}, never sent`);
        // resolve it: complete about half of the whole ones (and check them below), abort the rest
        if (completable && rnd.chance(0.5)) {
          const version: Version = { kind: 'mpu', uploadId: u.uploadId, parts: u.plan };
          try {
            const out = await s3.send(
              new CompleteMultipartUploadCommand({
                Bucket: u.bucket,
                Key: u.key,
                UploadId: u.uploadId,
                MultipartUpload: { Parts: u.plan.map((b, i) => ({ ETag: `"${digests.of(b).md5.toString('hex')}"`, PartNumber: i + 1 })) },
              }),
            );
            if (out.ETag !== `"${info(version).etag}"`) problems.push(`${where}: completed after the crash with ETag ${out.ETag}, expected "${info(version).etag}"`);
            r.prior = version;
            completedAfter++;
          } catch (e) {
            problems.push(`${where}: CompleteMultipartUpload after the crash: ${errInfo(e).text}`);
          }
        } else {
          try {
            await s3.send(new AbortMultipartUploadCommand({ Bucket: u.bucket, Key: u.key, UploadId: u.uploadId }));
            abortedAfter++;
          } catch (e) {
            problems.push(`${where}: AbortMultipartUpload after the crash: ${errInfo(e).text}`);
          }
        }
      }
      for (const bucket of [b1, b2]) {
        const left = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
        if (left.Uploads?.length) problems.push(`${bucket}: ${left.Uploads.length} uploads still listed after completing/aborting all`);
      }
      uploads = [];

      // 4. the collector, past the grace period: the chunk files are exactly those of the visible objects
      await sleep(GRACE_S * 1000 + 700);
      const g1 = await gcRun();
      const g2 = await gcRun();
      const expected = new Map<string, string>();
      for (const [id, r] of registers) for (const c of info(r.prior).chunkIds) expected.set(c, id);
      const onDisk = await chunkFiles(chunksDir);
      const missing = [...expected.keys()].filter((c) => !onDisk.has(c));
      const extra = [...onDisk].filter((c) => !expected.has(c));
      if (missing.length) problems.push(`${missing.length} chunk(s) of visible objects are gone after GC, e.g. ${missing.slice(0, 5).map((c) => `${c.slice(0, 16)}… (${expected.get(c)})`).join(', ')}`);
      if (extra.length) problems.push(`${extra.length} unreferenced chunk(s) remain after GC, e.g. ${extra.slice(0, 5).map((c) => c.slice(0, 16) + '…').join(', ')}`);
      const corrupt = await listDir(path.join(chunksDir, 'corrupt'));
      if (corrupt.length) problems.push(`chunks quarantined as corrupt: ${corrupt.slice(0, 5).join(', ')}`);

      // 5. and everything visible still reads back whole
      let present = 0;
      await pool([...registers.entries()], 6, async ([id, r]) => {
        const want = info(r.prior);
        try {
          const o = await observe(s3, r.bucket, r.key);
          if (!sameAs(o, want)) problems.push(`after GC ${id} shows ${showObs(o)}, expected ${describeVersion(r.prior)} (${want.present ? `${want.size} B ${want.etag}` : 'absent'})`);
          if (o.present) present++;
        } catch (e) {
          problems.push(`after GC GET ${id} failed: ${errInfo(e).text}`);
        }
      });
      t.diagnostic(
        `round ${round}: ${present} objects visible (${fromInflight} from writes in flight at the kill); uploads after the crash: ${listedUploads.size} listed, ${completedAfter} completed, ${abortedAfter} aborted; ` +
          `GC freed ${g1.deleted}+${g2.deleted} chunks (${g1.bytesFreed} B); ${onDisk.size} chunk files = ${expected.size} referenced`,
      );
    }

    test('after deleting every object, the collector (killed mid-run once, then run again) leaves no chunk', async (t) => {
      if (failedBefore) return t.skip('an earlier round failed');
      for (const bucket of [b1, b2]) {
        let token: string | undefined;
        do {
          const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
          await pool(page.Contents ?? [], 8, async (c) => void (await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: c.Key! }))));
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
        const uploadsLeft = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
        for (const u of uploadsLeft.Uploads ?? []) await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key!, UploadId: u.UploadId! }));
        assert.equal((await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).KeyCount ?? 0, 0);
      }
      const before = (await chunkFiles(chunksDir)).size;
      await sleep(GRACE_S * 1000 + 700);

      // a collector run cut short by SIGKILL (of every process) ...
      const t0 = Date.now();
      const run = adminRequest(v, 'POST', '/admin/v1/gc/run').then(
        (r) => `answered ${r.status} after ${Date.now() - t0} ms`,
        (e: Error) => `cut short after ${Date.now() - t0} ms (${e.message})`,
      );
      await sleep(20 + rnd.int(200));
      v.kill('SIGKILL');
      await lifecycle?.kill('SIGKILL');
      await v.waitExit();
      const outcome = await run;
      const mid = (await chunkFiles(chunksDir)).size;
      s3.destroy();
      await v.restart();
      if (lifecycle) await lifecycle.start();
      s3 = newClient({ retries: true });
      assert.deepEqual(await listDir(path.join(chunksDir, 'tmp')), [], 'chunks/tmp cleared on restart');

      // ... and the next run finishes the job
      const g = await gcRun();
      const left = await chunkFiles(chunksDir);
      t.diagnostic(
        `deleted everything (${before} chunk files); a GC run killed ${outcome} had freed ${before - mid}; ` +
          `the next run freed ${g.deleted}; ${left.size} left; chunks dir now ${await du(chunksDir)} B`,
      );
      assert.equal(left.size, 0, `chunk files left: ${[...left].slice(0, 5).join(', ')}`);
      assert.deepEqual(await listDir(path.join(chunksDir, 'corrupt')), []);
      // the store still works
      await s3.send(new PutObjectCommand({ Bucket: b1, Key: 'after/all', Body: blobBuffer(SHARED_SINGLE[0]!) }));
      const o = await observe(s3, b1, 'after/all');
      assert.ok(sameAs(o, info({ kind: 'put', blob: SHARED_SINGLE[0]! })), showObs(o));
    });
  });
}
