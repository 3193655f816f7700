/**
 * ListObjectVersions on buckets that never had versioning, in both wirings:
 * every object is its one version `null`, pages and markers work, and the
 * clean-out loop tools use (the Ceph S3 conformance suite's bucket teardown,
 * `aws s3api list-object-versions` scripts) — list versions, delete each by
 * key + VersionId, then delete the bucket — leaves nothing behind.
 */
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  S3Client,
  CreateBucketCommand,
  PutObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  DeleteBucketCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
} from '@aws-sdk/client-s3';
import { startVaultx, wirings, itWithLogs, s3Client, bucketName, type Vaultx } from './harness.ts';
import { expectS3Error } from './lib/expect-error.ts';
import { raw } from './lib/raw.ts';

for (const wiring of wirings()) {
  describe(`ListObjectVersions (${wiring})`, () => {
    let v: Vaultx;
    let s3: S3Client;
    const test = itWithLogs(() => v);

    before(async () => {
      v = await startVaultx({ wiring });
      s3 = s3Client(v);
    });
    after(async () => {
      s3?.destroy();
      await v?.dispose();
    });

    /** Every page, following NextKeyMarker / NextVersionIdMarker as the CLI and boto3 do (the JS SDK has no paginator for this). */
    async function* pages(Bucket: string, MaxKeys: number): AsyncGenerator<ListObjectVersionsCommandOutput> {
      let KeyMarker: string | undefined;
      let VersionIdMarker: string | undefined;
      for (let n = 0; n < 1000; n++) {
        const page = await s3.send(new ListObjectVersionsCommand({ Bucket, MaxKeys, KeyMarker, VersionIdMarker }));
        yield page;
        if (!page.IsTruncated) return;
        KeyMarker = page.NextKeyMarker;
        VersionIdMarker = page.NextVersionIdMarker;
      }
      assert.fail('listing never ended');
    }

    async function bucketWith(keys: string[]): Promise<string> {
      const b = bucketName('vers');
      await s3.send(new CreateBucketCommand({ Bucket: b }));
      for (const k of keys) await s3.send(new PutObjectCommand({ Bucket: b, Key: k, Body: `body of ${k}` }));
      return b;
    }

    test('each object is listed once as its latest version "null", with its ETag, size and owner', async () => {
      const b = await bucketWith(['b', 'a', 'dir/c']);
      const out = await s3.send(new ListObjectVersionsCommand({ Bucket: b }));
      assert.deepEqual((out.Versions ?? []).map((x) => x.Key), ['a', 'b', 'dir/c']);
      for (const x of out.Versions ?? []) {
        assert.equal(x.VersionId, 'null');
        assert.equal(x.IsLatest, true);
        assert.equal(x.Size, `body of ${x.Key}`.length);
        assert.match(x.ETag ?? '', /^"[0-9a-f]{32}"$/);
        assert.ok(x.LastModified instanceof Date);
        assert.ok(x.Owner?.ID);
        assert.equal(x.StorageClass, 'STANDARD');
      }
      assert.equal(out.DeleteMarkers, undefined);
      assert.equal(out.IsTruncated, false);
      assert.equal(out.Name, b);
    });

    test('prefix and delimiter roll keys up into CommonPrefixes', async () => {
      const b = await bucketWith(['x/1', 'x/2', 'y', 'z/q/1']);
      const out = await s3.send(new ListObjectVersionsCommand({ Bucket: b, Delimiter: '/' }));
      assert.deepEqual((out.Versions ?? []).map((x) => x.Key), ['y']);
      assert.deepEqual((out.CommonPrefixes ?? []).map((p) => p.Prefix), ['x/', 'z/']);
      const sub = await s3.send(new ListObjectVersionsCommand({ Bucket: b, Prefix: 'z/', Delimiter: '/' }));
      assert.deepEqual((sub.CommonPrefixes ?? []).map((p) => p.Prefix), ['z/q/']);
      assert.equal(sub.Prefix, 'z/');
    });

    test('max-keys pages with NextKeyMarker / NextVersionIdMarker; the paginator sees every key once', async () => {
      const keys = Array.from({ length: 7 }, (_, i) => `k${i}`);
      const b = await bucketWith(keys);
      const first = await s3.send(new ListObjectVersionsCommand({ Bucket: b, MaxKeys: 3 }));
      assert.equal(first.IsTruncated, true);
      assert.equal(first.NextKeyMarker, 'k2');
      assert.equal(first.NextVersionIdMarker, 'null');
      const second = await s3.send(
        new ListObjectVersionsCommand({ Bucket: b, MaxKeys: 3, KeyMarker: first.NextKeyMarker, VersionIdMarker: first.NextVersionIdMarker }),
      );
      assert.deepEqual((second.Versions ?? []).map((x) => x.Key), ['k3', 'k4', 'k5']);
      assert.equal(second.KeyMarker, 'k2');
      assert.equal(second.VersionIdMarker, 'null');
      const seen: string[] = [];
      for await (const page of pages(b, 2)) {
        for (const x of page.Versions ?? []) seen.push(x.Key!);
      }
      assert.deepEqual(seen, keys);
    });

    test('bad markers and parameters are InvalidArgument; a missing bucket is NoSuchBucket', async () => {
      const b = await bucketWith(['a']);
      await expectS3Error(s3.send(new ListObjectVersionsCommand({ Bucket: b, VersionIdMarker: 'null' })), 'InvalidArgument', 400);
      await expectS3Error(s3.send(new ListObjectVersionsCommand({ Bucket: b, KeyMarker: 'a', VersionIdMarker: 'v123' })), 'InvalidArgument', 400);
      const neg = await raw(v, { method: 'GET', bucket: b, query: [['versions', ''], ['max-keys', '-1']] });
      assert.equal(neg.status, 400, neg.text);
      assert.match(neg.text, /<Code>InvalidArgument<\/Code>/);
      const enc = await raw(v, { method: 'GET', bucket: b, query: [['versions', ''], ['encoding-type', 'gzip']] });
      assert.equal(enc.status, 400, enc.text);
      await expectS3Error(s3.send(new ListObjectVersionsCommand({ Bucket: bucketName('none') })), 'NoSuchBucket', 404);
    });

    test('encoding-type=url encodes keys and markers', async () => {
      const b = await bucketWith(['a b+c', 'é']);
      const res = await raw(v, { method: 'GET', bucket: b, query: [['versions', ''], ['encoding-type', 'url']] });
      assert.equal(res.status, 200, res.text);
      assert.match(res.text, /<Key>a%20b%2Bc<\/Key>/);
      assert.match(res.text, /<Key>%C3%A9<\/Key>/);
      assert.match(res.text, /<EncodingType>url<\/EncodingType>/);
    });

    test('the clean-out loop (list versions, delete by VersionId one by one and in batches) empties the bucket', async () => {
      const b = await bucketWith(Array.from({ length: 12 }, (_, i) => `obj/${i}`));
      const versions: { Key: string; VersionId: string }[] = [];
      for await (const page of pages(b, 5)) {
        for (const x of page.Versions ?? []) versions.push({ Key: x.Key!, VersionId: x.VersionId! });
        assert.equal(page.DeleteMarkers, undefined);
      }
      assert.equal(versions.length, 12);
      for (const x of versions.slice(0, 4)) await s3.send(new DeleteObjectCommand({ Bucket: b, ...x }));
      const batch = await s3.send(new DeleteObjectsCommand({ Bucket: b, Delete: { Objects: versions.slice(4), Quiet: false } }));
      assert.equal(batch.Errors, undefined, JSON.stringify(batch.Errors));
      assert.equal(batch.Deleted?.length, 8);
      assert.ok(batch.Deleted?.every((d) => d.VersionId === 'null'));
      const left = await s3.send(new ListObjectVersionsCommand({ Bucket: b }));
      assert.equal(left.Versions, undefined);
      await s3.send(new DeleteBucketCommand({ Bucket: b }));
      await expectS3Error(s3.send(new HeadBucketCommand({ Bucket: b })), 'NotFound', 404);
    });

    test('another user cannot list the versions of a bucket that is not theirs', async () => {
      const b = await bucketWith(['secret']);
      const res = await raw(v, { method: 'GET', bucket: b, query: [['versions', '']], auth: 'none' });
      assert.equal(res.status, 403, res.text);
      assert.match(res.text, /<Code>AccessDenied<\/Code>/);
    });
  });
}
