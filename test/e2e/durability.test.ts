/**
 * Durability: everything survives a restart on the same data directory; an
 * acknowledged PUT survives SIGKILL; a PUT killed mid-body leaves the previous
 * object (or none) — never a partial one.
 */
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import {
  S3Client,
  CreateBucketCommand,
  PutObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  S3ServiceException,
  CopyObjectCommand,
  DeleteObjectCommand,
} from '@aws-sdk/client-s3';
import { startVaultx, wirings, itWithLogs, s3Client, bucketName, createUserWithKey, sleep, withLogs, type Vaultx, type Credentials } from './harness.ts';
import { amzDate, signHeaders, UNSIGNED_PAYLOAD } from './lib/sigv4.ts';
import { encodePath } from './lib/raw.ts';
import { md5Hex } from './lib/checksums.ts';

async function getBytes(s3: S3Client, Bucket: string, Key: string): Promise<Buffer> {
  const g = await s3.send(new GetObjectCommand({ Bucket, Key }));
  return Buffer.from(await (g.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
}
async function expect404(p: Promise<unknown>, name: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    const err = e as S3ServiceException;
    assert.equal(err.$metadata?.httpStatusCode, 404, `${err.name} ${err.message}`);
    assert.equal(err.name, name);
    return;
  }
  assert.fail(`expected ${name}`);
}

/**
 * Starts a PUT of `total` bytes (UNSIGNED-PAYLOAD, header auth, Content-Length
 * set) and sends it slowly; returns how many bytes were handed to the socket
 * and a promise that settles when the request ends (it will fail when the
 * server dies).
 */
function slowPut(v: Vaultx, bucket: string, key: string, total: number): { sent: () => number; done: Promise<string>; stop: () => void } {
  const url = new URL(v.endpoint);
  const date = new Date();
  const encodedPath = encodePath(bucket, key);
  const headers: Record<string, string> = { 'x-amz-date': amzDate(date), 'x-amz-content-sha256': UNSIGNED_PAYLOAD };
  const s = signHeaders({ creds: v, region: v.region, date }, { method: 'PUT', encodedPath, query: [], headers: { ...headers, host: url.host }, payloadHash: UNSIGNED_PAYLOAD });
  let sent = 0;
  let stopped = false;
  const piece = randomBytes(64 * 1024);
  const req = httpRequest({
    host: url.hostname,
    port: Number(url.port),
    method: 'PUT',
    path: encodedPath,
    agent: false,
    headers: { ...headers, authorization: s.authorization, 'content-length': String(total) },
  });
  const done = new Promise<string>((resolve) => {
    req.on('response', (res) => {
      res.resume();
      resolve(`response ${res.statusCode}`);
    });
    req.on('error', (e) => resolve(`error ${e.message}`));
  });
  (async () => {
    while (!stopped && sent + piece.length < total) {
      const okToWrite = req.write(piece);
      sent += piece.length;
      if (!okToWrite) await new Promise((r) => req.once('drain', r));
      await sleep(5);
    }
  })().catch(() => undefined);
  return { sent: () => sent, done, stop: () => (stopped = true) };
}

/** Readable that produces `total` bytes slowly (for the SDK's aws-chunked upload). */
function slowStream(total: number): Readable {
  let produced = 0;
  return new Readable({
    read() {
      if (produced >= total) return this.push(null);
      setTimeout(() => {
        const n = Math.min(64 * 1024, total - produced);
        produced += n;
        this.push(randomBytes(n));
      }, 5);
    },
  });
}

for (const wiring of wirings()) {
  describe(`durability (${wiring})`, () => {
    let v: Vaultx;
    let s3: S3Client;
    const test = itWithLogs(() => v);
    const bucket = bucketName('dur');
    const objects: Record<string, Buffer> = {
      'a.txt': Buffer.from('alpha'),
      'dir/b.bin': randomBytes(300_000),
      'dir/sub/c.bin': randomBytes(2 * 1024 * 1024 + 5),
      'empty': Buffer.alloc(0),
    };
    let bob: Credentials;
    const bobBucket = bucketName('durbob');

    before(withLogs(() => v, async () => {
      v = await startVaultx({ wiring });
      s3 = s3Client(v);
    }));
    after(async () => {
      s3?.destroy();
      await v?.dispose();
    });

    test('buckets, objects, metadata, users and keys survive a stop/start on the same data dir', async () => {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      for (const [k, d] of Object.entries(objects)) {
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: d, ContentType: 'application/x-dur', Metadata: { k } }));
      }
      const u = await createUserWithKey(v, 'durable-bob');
      bob = u.creds;
      const bs3 = s3Client(v, bob);
      await bs3.send(new CreateBucketCommand({ Bucket: bobBucket }));
      await bs3.send(new PutObjectCommand({ Bucket: bobBucket, Key: 'bob.txt', Body: 'bob' }));
      bs3.destroy();

      await v.stop();
      await v.restart();

      const l = await s3.send(new ListBucketsCommand({}));
      assert.ok(l.Buckets?.some((b) => b.Name === bucket), 'bucket lost');
      const keys = (await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents?.map((c) => c.Key);
      assert.deepEqual(keys, Object.keys(objects).sort());
      for (const [k, d] of Object.entries(objects)) {
        assert.ok((await getBytes(s3, bucket, k)).equals(d), `${k} differs after restart`);
        const h = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: k }));
        assert.equal(h.ETag, `"${md5Hex(d)}"`);
        assert.equal(h.ContentType, 'application/x-dur');
        assert.deepEqual(h.Metadata, { k });
      }
      const bs3b = s3Client(v, bob);
      try {
        assert.equal((await getBytes(bs3b, bobBucket, 'bob.txt')).toString(), 'bob');
        const bl = await bs3b.send(new ListBucketsCommand({}));
        assert.deepEqual(bl.Buckets?.map((b) => b.Name), [bobBucket]);
      } finally {
        bs3b.destroy();
      }
    });

    test('an acknowledged PUT survives SIGKILL right after the 200', async () => {
      const data = randomBytes(1024 * 1024 + 3);
      const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'acked', Body: data }));
      assert.equal(put.ETag, `"${md5Hex(data)}"`);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a.txt', Body: 'alpha v2' }));
      v.kill('SIGKILL');
      await v.waitExit();
      await v.restart();
      assert.ok((await getBytes(s3, bucket, 'acked')).equals(data));
      assert.equal((await getBytes(s3, bucket, 'a.txt')).toString(), 'alpha v2');
    });

    test('concurrent PUTs of one key: the last writer wins whole; readers never see a mix', async () => {
      const versions = Array.from({ length: 8 }, () => randomBytes(512 * 1024 + 7));
      const md5s = new Set(versions.map((d) => md5Hex(d)));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'race', Body: versions[0] }));
      const reads: Promise<Buffer>[] = [];
      const writes = versions.map((d, i) =>
        s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'race', Body: d })).then(() => {
          if (i % 2 === 0) reads.push(getBytes(s3, bucket, 'race'));
        }),
      );
      for (let i = 0; i < 8; i++) reads.push(getBytes(s3, bucket, 'race'));
      await Promise.all(writes);
      for (const r of await Promise.all(reads)) assert.ok(md5s.has(md5Hex(r)), 'a reader saw bytes that no writer wrote');
      const final = await getBytes(s3, bucket, 'race');
      assert.ok(md5s.has(md5Hex(final)));
      const h = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'race' }));
      assert.equal(h.ETag, `"${md5Hex(final)}"`, 'HEAD and GET disagree');
      assert.equal(h.ContentLength, final.length);
    });

    test('identical content under several keys (deduplicated chunks): deleting some keeps the others whole, also after a restart', async () => {
      const data = randomBytes(3 * 1024 * 1024 + 11);
      for (const k of ['dup/a', 'dup/b']) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: data }));
      await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dup/c', CopySource: `${bucket}/dup/a` }));
      // overwrite with the same bytes, then delete two of the three
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'dup/b', Body: data }));
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'dup/a' }));
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'dup/b' }));
      assert.ok((await getBytes(s3, bucket, 'dup/c')).equals(data));
      await v.restart();
      assert.ok((await getBytes(s3, bucket, 'dup/c')).equals(data), 'copy lost its data after the originals were deleted');
      // the same content written again after the deletes
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'dup/d', Body: data }));
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'dup/c' }));
      assert.ok((await getBytes(s3, bucket, 'dup/d')).equals(data));
    });

    test('SIGKILL in the middle of PUTs leaves the previous object (or none), never a partial one', async () => {
      const v1 = randomBytes(1024 * 1024);
      const v1b = randomBytes(1024 * 1024);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: v1 }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k-sdk', Body: v1b }));

      const total = 64 * 1024 * 1024;
      const overwrite = slowPut(v, bucket, 'k', total);
      const fresh = slowPut(v, bucket, 'new-key', total);
      // the SDK with its defaults: aws-chunked body with a CRC32 trailer
      const sdk = s3Client(v);
      const sdkPut = sdk
        .send(new PutObjectCommand({ Bucket: bucket, Key: 'k-sdk', Body: slowStream(total), ContentLength: total }))
        .then(() => 'sdk finished', (e: Error) => `sdk error ${e.message}`);
      const freshSdk = sdk
        .send(new PutObjectCommand({ Bucket: bucket, Key: 'new-key-sdk', Body: slowStream(total), ContentLength: total }))
        .then(() => 'sdk finished', (e: Error) => `sdk error ${e.message}`);

      // let a few MiB reach the server
      const t0 = Date.now();
      while ((overwrite.sent() < 4 * 1024 * 1024 || fresh.sent() < 4 * 1024 * 1024) && Date.now() - t0 < 15_000) await sleep(50);
      await sleep(500);
      assert.ok(overwrite.sent() > 1024 * 1024 && overwrite.sent() < total, `sent ${overwrite.sent()}`);
      v.kill('SIGKILL');
      await v.waitExit();
      overwrite.stop();
      fresh.stop();
      const outcomes = await Promise.all([overwrite.done, fresh.done, sdkPut, freshSdk]);
      sdk.destroy();
      for (const o of outcomes) assert.doesNotMatch(o, /response 200|sdk finished/, `a killed upload completed: ${outcomes.join(' | ')}`);

      await v.restart();
      const k = await getBytes(s3, bucket, 'k');
      assert.equal(k.length, v1.length, 'k is not the previous version');
      assert.ok(k.equals(v1), 'k is not the previous version');
      assert.ok((await getBytes(s3, bucket, 'k-sdk')).equals(v1b), 'k-sdk is not the previous version');
      const hk = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'k' }));
      assert.equal(hk.ContentLength, v1.length);
      assert.equal(hk.ETag, `"${md5Hex(v1)}"`);
      await expect404(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'new-key' })), 'NoSuchKey');
      await expect404(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'new-key-sdk' })), 'NoSuchKey');
      const keys = (await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents?.map((c) => c.Key) ?? [];
      assert.ok(!keys.includes('new-key') && !keys.includes('new-key-sdk'), keys.join(','));

      // and the store still takes writes to those keys
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'new-key', Body: 'after the crash' }));
      assert.equal((await getBytes(s3, bucket, 'new-key')).toString(), 'after the crash');
    });
  });
}
