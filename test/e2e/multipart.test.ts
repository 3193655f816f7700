/**
 * Multipart upload end to end, in both wirings: the SDK's multipart calls,
 * @aws-sdk/lib-storage, the aws CLI (multipart above 8 MiB), UploadPartCopy
 * with ranges, checksums (CRC32 composite, CRC64NVME full-object), GET/HEAD
 * ?partNumber, listing, the error cases and a Complete/Abort race.
 */
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  S3Client,
  S3ServiceException,
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  CopyObjectCommand,
  GetObjectTaggingCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { startVaultx, wirings, itWithLogs, s3Client, bucketName, awsCli, withLogs, type Vaultx } from './harness.ts';
import { expectS3Error, bytesOf } from './lib/expect-error.ts';
import { raw } from './lib/raw.ts';
import { b64, crc32Num, md5Hex } from './lib/checksums.ts';

const MiB = 1024 * 1024;

/** The multipart ETag computed independently: md5 of the concatenated binary part MD5s, "-N". */
function multipartEtag(parts: Buffer[]): string {
  const md5s = parts.map((p) => createHash('md5').update(p).digest());
  return `"${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-${parts.length}"`;
}

function be32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

for (const wiring of wirings()) {
  describe(`multipart upload (${wiring})`, () => {
    let v: Vaultx;
    let s3: S3Client;
    const test = itWithLogs(() => v);
    const bucket = bucketName('mpu');

    before(
      withLogs(
        () => v,
        async () => {
          v = await startVaultx({ wiring });
          s3 = s3Client(v);
          await s3.send(new CreateBucketCommand({ Bucket: bucket }));
        },
      ),
    );
    after(async () => {
      s3?.destroy();
      await v?.dispose();
    });

    async function create(key: string, extra: Record<string, unknown> = {}): Promise<string> {
      const r = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ...extra }));
      assert.ok(r.UploadId && /^[A-Za-z0-9_-]+$/.test(r.UploadId), `URL-safe upload id: ${r.UploadId}`);
      return r.UploadId;
    }
    async function part(key: string, uploadId: string, n: number, body: Buffer, extra: Record<string, unknown> = {}) {
      return s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: n, Body: body, ...extra }));
    }
    async function complete(key: string, uploadId: string, parts: CompletedPart[], extra: Record<string, unknown> = {}) {
      return s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts }, ...extra }));
    }

    // Shared by several tests below: 5 MiB + 5 MiB + 1 KiB, CRC32 composite.
    const p1 = randomBytes(5 * MiB);
    const p2 = randomBytes(5 * MiB);
    const p3 = randomBytes(1024);
    const KEY3 = 'three/parts.bin';
    let etag3 = '';

    test('three parts with a small last part: ETag md5-of-MD5s-3 everywhere, bytes and CRC32 composite checksum', async () => {
      const uploadId = await create(KEY3, { ContentType: 'application/x-test', Metadata: { color: 'blue' }, ChecksumAlgorithm: 'CRC32' });
      const parts: CompletedPart[] = [];
      for (const [i, body] of [p1, p2, p3].entries()) {
        const r = await part(KEY3, uploadId, i + 1, body, { ChecksumAlgorithm: 'CRC32' });
        assert.equal(r.ETag, `"${md5Hex(body)}"`);
        assert.equal(r.ChecksumCRC32, b64.crc32(body));
        parts.push({ PartNumber: i + 1, ETag: r.ETag, ChecksumCRC32: r.ChecksumCRC32 });
      }
      const done = await complete(KEY3, uploadId, parts);
      etag3 = multipartEtag([p1, p2, p3]);
      assert.equal(done.ETag, etag3);
      assert.equal(done.Bucket, bucket);
      assert.equal(done.Key, KEY3);
      assert.ok(done.Location?.endsWith(`/${bucket}/three/parts.bin`), done.Location);
      // composite: CRC32 of the concatenated big-endian part CRC32s, "-3"
      const composite = `${be32(crc32Num(Buffer.concat([p1, p2, p3].map((p) => be32(crc32Num(p)))))).toString('base64')}-3`;
      assert.equal(done.ChecksumCRC32, composite);

      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: KEY3, ChecksumMode: 'ENABLED' }));
      assert.equal(head.ETag, etag3);
      assert.equal(head.ContentLength, 10 * MiB + 1024);
      assert.equal(head.ContentType, 'application/x-test');
      assert.equal(head.Metadata?.color, 'blue');
      assert.equal(head.ChecksumCRC32, composite);
      assert.equal(head.ChecksumType, 'COMPOSITE');
      const get = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: KEY3 }));
      assert.equal(get.ETag, etag3);
      assert.ok((await bytesOf(get.Body)).equals(Buffer.concat([p1, p2, p3])));
      const list = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'three/' }));
      assert.equal(list.Contents?.[0]?.ETag, etag3);
      assert.equal(list.Contents?.[0]?.Size, 10 * MiB + 1024);
      // a retried Complete answers the same result again (S3 is idempotent here)
      const again = await complete(KEY3, uploadId, parts);
      assert.equal(again.ETag, etag3);
      // but the upload is gone for everything else
      await expectS3Error(s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: KEY3, UploadId: uploadId })), 'NoSuchUpload', 404);
      // CopyObject of a multipart object keeps its ETag and parts
      await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'three/copy.bin', CopySource: `${bucket}/${KEY3}` }));
      const hc = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'three/copy.bin', PartNumber: 3 }));
      assert.equal(hc.ETag, `"${md5Hex(p3)}"`);
      assert.equal(hc.PartsCount, 3);
      assert.equal(hc.ContentLength, 1024);
    });

    test('GET / HEAD ?partNumber serve exactly that part with 206, Content-Range, its ETag and the parts count', async () => {
      assert.ok(etag3, 'depends on the three-part test');
      const g2 = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: KEY3, PartNumber: 2 }));
      assert.equal(g2.$metadata.httpStatusCode, 206);
      assert.equal(g2.ContentRange, `bytes ${5 * MiB}-${10 * MiB - 1}/${10 * MiB + 1024}`);
      assert.equal(g2.PartsCount, 3);
      assert.equal(g2.ETag, `"${md5Hex(p2)}"`); // the part's own ETag (as the s3-tests expect)
      assert.ok((await bytesOf(g2.Body)).equals(p2));
      const h3 = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: KEY3, PartNumber: 3 }));
      assert.equal(h3.ContentLength, 1024);
      assert.equal(h3.PartsCount, 3);
      await expectS3Error(s3.send(new GetObjectCommand({ Bucket: bucket, Key: KEY3, PartNumber: 4 })), 'InvalidPart', 400);
      const bad = await raw(v, { method: 'GET', bucket, key: KEY3, query: [['partNumber', '0']] });
      assert.equal(bad.status, 400);
      assert.equal(bad.error?.Code, 'InvalidArgument');
      // a single-part object has part 1 only: the whole object
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'single.bin', Body: 'hello' }));
      const s1 = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'single.bin', PartNumber: 1 }));
      assert.equal((await bytesOf(s1.Body)).toString(), 'hello');
      await expectS3Error(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'single.bin', PartNumber: 2 })), 'InvalidPart', 400);
    });

    test('EntityTooSmall, InvalidPart, InvalidPartOrder, MalformedXML — and the upload survives them', async () => {
      const key = 'errors/obj';
      const uploadId = await create(key);
      const a = randomBytes(1000);
      const b = randomBytes(2000);
      const ra = await part(key, uploadId, 1, a);
      const rb = await part(key, uploadId, 2, b);
      const tooSmall = await expectS3Error(
        complete(key, uploadId, [
          { PartNumber: 1, ETag: ra.ETag },
          { PartNumber: 2, ETag: rb.ETag },
        ]),
        'EntityTooSmall',
        400,
      );
      assert.ok(tooSmall.message);
      await expectS3Error(complete(key, uploadId, [{ PartNumber: 1, ETag: rb.ETag }]), 'InvalidPart', 400);
      await expectS3Error(complete(key, uploadId, [{ PartNumber: 3, ETag: ra.ETag }]), 'InvalidPart', 400);
      await expectS3Error(
        complete(key, uploadId, [
          { PartNumber: 2, ETag: rb.ETag },
          { PartNumber: 1, ETag: ra.ETag },
        ]),
        'InvalidPartOrder',
        400,
      );
      const empty = await raw(v, { method: 'POST', bucket, key, query: [['uploadId', uploadId]], body: '<CompleteMultipartUpload></CompleteMultipartUpload>' });
      assert.equal(empty.status, 400);
      assert.equal(empty.error?.Code, 'MalformedXML');
      const junk = await raw(v, { method: 'POST', bucket, key, query: [['uploadId', uploadId]], body: '<CompleteMultipartUpload><Part>' });
      assert.equal(junk.error?.Code, 'MalformedXML');
      const badNumber = await raw(v, { method: 'PUT', bucket, key, query: [['partNumber', '10001'], ['uploadId', uploadId]], body: 'x' });
      assert.equal(badNumber.status, 400);
      assert.equal(badNumber.error?.Code, 'InvalidArgument');
      const zero = await raw(v, { method: 'PUT', bucket, key, query: [['partNumber', '0'], ['uploadId', uploadId]], body: 'x' });
      assert.equal(zero.error?.Code, 'InvalidArgument');
      // still there; quotes on ETags are optional; a single small part is fine
      const ok = await complete(key, uploadId, [{ PartNumber: 2, ETag: rb.ETag!.replaceAll('"', '') }]);
      assert.equal(ok.ETag, multipartEtag([b]));
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      assert.ok((await bytesOf(got.Body)).equals(b));
    });

    test('NoSuchUpload after abort (and for an unknown id)', async () => {
      const key = 'aborted/obj';
      const uploadId = await create(key);
      const r = await part(key, uploadId, 1, randomBytes(100));
      const ab = await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
      assert.equal(ab.$metadata.httpStatusCode, 204);
      await expectS3Error(part(key, uploadId, 2, randomBytes(10)), 'NoSuchUpload', 404);
      await expectS3Error(complete(key, uploadId, [{ PartNumber: 1, ETag: r.ETag }]), 'NoSuchUpload', 404);
      await expectS3Error(s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId })), 'NoSuchUpload', 404);
      await expectS3Error(s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })), 'NoSuchUpload', 404);
      await expectS3Error(s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: 'not-an-upload' })), 'NoSuchUpload', 404);
      await expectS3Error(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })), 'NotFound', 404);
    });

    test('re-uploading a part number replaces the part', async () => {
      const key = 'replace/obj';
      const uploadId = await create(key);
      const first = randomBytes(3000);
      const second = randomBytes(4000);
      const r1 = await part(key, uploadId, 1, first);
      const r2 = await part(key, uploadId, 1, second);
      const lp = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
      assert.equal(lp.Parts?.length, 1);
      assert.equal(lp.Parts?.[0]?.ETag, r2.ETag);
      assert.equal(lp.Parts?.[0]?.Size, 4000);
      await expectS3Error(complete(key, uploadId, [{ PartNumber: 1, ETag: r1.ETag }]), 'InvalidPart', 400);
      await complete(key, uploadId, [{ PartNumber: 1, ETag: r2.ETag }]);
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      assert.ok((await bytesOf(got.Body)).equals(second));
    });

    test('ListParts: max-parts 2 with part-number-marker 0, NextPartNumberMarker, owner, storage class', async () => {
      const key = 'listparts/obj';
      const uploadId = await create(key, { StorageClass: 'STANDARD_IA' });
      const etags: string[] = [];
      for (let n = 1; n <= 5; n++) etags.push((await part(key, uploadId, n, randomBytes(100 + n))).ETag!);
      const seen: number[] = [];
      let marker = '0';
      for (let page = 0; page < 10; page++) {
        const r = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MaxParts: 2, PartNumberMarker: marker }));
        assert.equal(r.MaxParts, 2);
        assert.equal(r.StorageClass, 'STANDARD_IA');
        assert.ok(r.Owner?.ID);
        assert.ok(r.Initiator?.ID);
        for (const p of r.Parts ?? []) {
          seen.push(p.PartNumber!);
          assert.equal(p.ETag, etags[p.PartNumber! - 1]);
          assert.equal(p.Size, 100 + p.PartNumber!);
          assert.ok(p.LastModified instanceof Date);
        }
        if (!r.IsTruncated) break;
        assert.equal(r.NextPartNumberMarker, String(seen[seen.length - 1]));
        marker = r.NextPartNumberMarker!;
      }
      assert.deepEqual(seen, [1, 2, 3, 4, 5]);
      await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
    });

    test('ListMultipartUploads: prefix, delimiter, max-uploads pagination with key and upload-id markers', async () => {
      const b2 = bucketName('mpu-list');
      await s3.send(new CreateBucketCommand({ Bucket: b2 }));
      const ids: Record<string, string[]> = {};
      for (const k of ['a/1', 'a/2', 'b', 'b', 'c']) {
        const r = await s3.send(new CreateMultipartUploadCommand({ Bucket: b2, Key: k }));
        (ids[k] ??= []).push(r.UploadId!);
      }
      const all = await s3.send(new ListMultipartUploadsCommand({ Bucket: b2 }));
      assert.deepEqual(all.Uploads?.map((u) => u.Key), ['a/1', 'a/2', 'b', 'b', 'c']);
      assert.deepEqual(all.Uploads?.filter((u) => u.Key === 'b').map((u) => u.UploadId).sort(), [...ids.b!].sort());
      assert.equal(all.IsTruncated, false);
      assert.ok(all.Uploads?.[0]?.Initiated instanceof Date);
      const d = await s3.send(new ListMultipartUploadsCommand({ Bucket: b2, Delimiter: '/' }));
      assert.deepEqual(d.CommonPrefixes?.map((p) => p.Prefix), ['a/']);
      assert.deepEqual(d.Uploads?.map((u) => u.Key), ['b', 'b', 'c']);
      const p = await s3.send(new ListMultipartUploadsCommand({ Bucket: b2, Prefix: 'a/' }));
      assert.deepEqual(p.Uploads?.map((u) => u.Key), ['a/1', 'a/2']);
      const got: string[] = [];
      let keyMarker: string | undefined;
      let uploadIdMarker: string | undefined;
      for (let i = 0; i < 10; i++) {
        const r = await s3.send(new ListMultipartUploadsCommand({ Bucket: b2, MaxUploads: 2, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }));
        assert.equal(r.MaxUploads, 2);
        for (const u of r.Uploads ?? []) got.push(`${u.Key}#${u.UploadId}`);
        if (!r.IsTruncated) break;
        keyMarker = r.NextKeyMarker;
        uploadIdMarker = r.NextUploadIdMarker;
      }
      assert.deepEqual(got, (all.Uploads ?? []).map((u) => `${u.Key}#${u.UploadId}`));
      // DeleteBucket is not blocked by in-progress uploads (as on S3): they go with the bucket
      await s3.send(new DeleteBucketCommand({ Bucket: b2 }));
      await expectS3Error(s3.send(new HeadBucketCommand({ Bucket: b2 })), 'NotFound', 404);
    });

    test('UploadPartCopy with ranges (cutting chunks and covering whole ones); the result bytes are exact', async () => {
      const src = randomBytes(12 * MiB + 777);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'copy/src', Body: src }));
      const small = Buffer.from('a small source object');
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'copy/small', Body: small }));
      const key = 'copy/dest';
      const uploadId = await create(key);
      const ranges: Array<[number, number]> = [
        [1000, 1000 + 5 * MiB + 5], // cuts two chunks
        [5 * MiB, 10 * MiB - 1], // exactly one (default 5 MiB) chunk
        [7 * MiB, 12 * MiB + 776], // cuts one chunk, then the last chunk whole
      ];
      const parts: CompletedPart[] = [];
      const expected: Buffer[] = [];
      for (const [i, [a, b]] of ranges.entries()) {
        const r = await s3.send(
          new UploadPartCopyCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: i + 1, CopySource: `${bucket}/copy/src`, CopySourceRange: `bytes=${a}-${b}` }),
        );
        const bytes = src.subarray(a, b + 1);
        assert.equal(r.CopyPartResult?.ETag, `"${md5Hex(bytes)}"`);
        assert.ok(r.CopyPartResult?.LastModified instanceof Date);
        parts.push({ PartNumber: i + 1, ETag: r.CopyPartResult!.ETag });
        expected.push(bytes);
      }
      // the whole of a small object, no range
      const r4 = await s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: 4, CopySource: `${bucket}/copy/small` }));
      assert.equal(r4.CopyPartResult?.ETag, `"${md5Hex(small)}"`);
      parts.push({ PartNumber: 4, ETag: r4.CopyPartResult!.ETag });
      expected.push(small);
      // the range must lie within the source; copy-source preconditions hold
      await expectS3Error(
        s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: 5, CopySource: `${bucket}/copy/small`, CopySourceRange: `bytes=0-${small.length}` })),
        'InvalidRange',
        416,
      );
      await expectS3Error(
        s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: 5, CopySource: `${bucket}/copy/small`, CopySourceRange: 'bytes=5-2' })),
        'InvalidArgument',
        400,
      );
      await expectS3Error(
        s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: 5, CopySource: `${bucket}/copy/small`, CopySourceIfMatch: '"nope"' })),
        'PreconditionFailed',
        412,
      );
      const done = await complete(key, uploadId, parts);
      assert.equal(done.ETag, multipartEtag(expected));
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      assert.ok((await bytesOf(got.Body)).equals(Buffer.concat(expected)));

      // the whole of a multipart object: the part's ETag is the MD5 of its bytes, not the -N ETag
      assert.ok(etag3, 'depends on the three-part test');
      const u2 = await create('copy/of-multipart', { ChecksumAlgorithm: 'CRC32' });
      const whole = await s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: 'copy/of-multipart', UploadId: u2, PartNumber: 1, CopySource: `${bucket}/${KEY3}` }));
      const all3 = Buffer.concat([p1, p2, p3]);
      assert.equal(whole.CopyPartResult?.ETag, `"${md5Hex(all3)}"`);
      assert.equal(whole.CopyPartResult?.ChecksumCRC32, b64.crc32(all3));
      const d2 = await complete('copy/of-multipart', u2, [{ PartNumber: 1, ETag: whole.CopyPartResult!.ETag, ChecksumCRC32: whole.CopyPartResult!.ChecksumCRC32 }]);
      assert.equal(d2.ETag, multipartEtag([all3]));
      const g2 = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'copy/of-multipart' }));
      assert.ok((await bytesOf(g2.Body)).equals(all3));
    });

    test('CRC64NVME full-object checksum (combined from the parts)', async () => {
      const key = 'crc64/obj';
      const a = randomBytes(5 * MiB + 3);
      const b = randomBytes(777_777);
      const uploadId = await create(key, { ChecksumAlgorithm: 'CRC64NVME', ChecksumType: 'FULL_OBJECT' });
      const ra = await part(key, uploadId, 1, a, { ChecksumAlgorithm: 'CRC64NVME' });
      const rb = await part(key, uploadId, 2, b, { ChecksumAlgorithm: 'CRC64NVME' });
      assert.equal(ra.ChecksumCRC64NVME, b64.crc64nvme(a));
      const whole = Buffer.concat([a, b]);
      const done = await complete(key, uploadId, [
        { PartNumber: 1, ETag: ra.ETag, ChecksumCRC64NVME: ra.ChecksumCRC64NVME },
        { PartNumber: 2, ETag: rb.ETag, ChecksumCRC64NVME: rb.ChecksumCRC64NVME },
      ]);
      assert.equal(done.ChecksumCRC64NVME, b64.crc64nvme(whole));
      assert.equal(done.ChecksumType, 'FULL_OBJECT');
      const g = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
      assert.equal(g.ChecksumCRC64NVME, b64.crc64nvme(whole));
      assert.equal(g.ChecksumType, 'FULL_OBJECT');
      assert.ok((await bytesOf(g.Body)).equals(whole));
      // a wrong full-object value on Complete is BadDigest
      const u2 = await create('crc64/bad', { ChecksumAlgorithm: 'CRC64NVME' });
      const r2 = await part('crc64/bad', u2, 1, b, { ChecksumAlgorithm: 'CRC64NVME' });
      await expectS3Error(
        complete('crc64/bad', u2, [{ PartNumber: 1, ETag: r2.ETag }], { ChecksumCRC64NVME: b64.crc64nvme(a), ChecksumType: 'FULL_OBJECT' }),
        'BadDigest',
        400,
      );
      // a part checksum that does not match its part is InvalidPart
      await expectS3Error(complete('crc64/bad', u2, [{ PartNumber: 1, ETag: r2.ETag, ChecksumCRC64NVME: ra.ChecksumCRC64NVME }]), 'InvalidPart', 400);
      const ok = await complete('crc64/bad', u2, [{ PartNumber: 1, ETag: r2.ETag }], { ChecksumCRC64NVME: b64.crc64nvme(b), ChecksumType: 'FULL_OBJECT' });
      assert.equal(ok.ChecksumCRC64NVME, b64.crc64nvme(b));
    });

    test('@aws-sdk/lib-storage Upload of 20 MiB with default checksums', async () => {
      const data = randomBytes(20 * MiB);
      const up = new Upload({ client: s3, params: { Bucket: bucket, Key: 'lib-storage/obj', Body: data } });
      const r = await up.done();
      const pieces = [0, 1, 2, 3].map((i) => data.subarray(i * 5 * MiB, (i + 1) * 5 * MiB));
      assert.equal(r.ETag, multipartEtag(pieces));
      // lib-storage asks for CRC32 (composite) by default
      assert.equal(r.ChecksumCRC32, `${be32(crc32Num(Buffer.concat(pieces.map((p) => be32(crc32Num(p)))))).toString('base64')}-4`);
      const g = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'lib-storage/obj' }));
      assert.ok((await bytesOf(g.Body)).equals(data));
    });

    test('aws s3 cp of a 40 MiB file (multipart) and back: byte-identical', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'vaultx-mpu-cli-'));
      try {
        const data = randomBytes(40 * MiB);
        writeFileSync(join(dir, 'up.bin'), data);
        const upload = await awsCli(v, ['s3', 'cp', join(dir, 'up.bin'), `s3://${bucket}/cli/big.bin`], { timeoutMs: 120_000 });
        assert.equal(upload.code, 0, upload.stderr);
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'cli/big.bin' }));
        assert.match(head.ETag ?? '', /^"[0-9a-f]{32}-5"$/); // 8 MiB parts
        const down = await awsCli(v, ['s3', 'cp', `s3://${bucket}/cli/big.bin`, join(dir, 'down.bin')], { timeoutMs: 120_000 });
        assert.equal(down.code, 0, down.stderr);
        assert.ok(readFileSync(join(dir, 'down.bin')).equals(data));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('Complete racing Abort: exactly one wins, the other gets NoSuchUpload', async () => {
      for (let round = 0; round < 5; round++) {
        const key = `race/obj-${round}`;
        const uploadId = await create(key);
        const body = randomBytes(1000);
        const r = await part(key, uploadId, 1, body);
        const [c, a] = await Promise.allSettled([
          complete(key, uploadId, [{ PartNumber: 1, ETag: r.ETag }]),
          s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })),
        ]);
        const wins = [c, a].filter((x) => x.status === 'fulfilled').length;
        assert.equal(wins, 1, `round ${round}: complete ${c.status}, abort ${a.status}`);
        const loser = (c.status === 'rejected' ? c : a) as PromiseRejectedResult;
        assert.equal((loser.reason as S3ServiceException).name, 'NoSuchUpload');
        if (c.status === 'fulfilled') {
          const g = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
          assert.ok((await bytesOf(g.Body)).equals(body));
        } else {
          await expectS3Error(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })), 'NotFound', 404);
        }
      }
    });

    test('x-amz-tagging on CreateMultipartUpload tags the completed object; bad tags are refused up front', async () => {
      const key = 'tagged-mpu';
      const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, Tagging: 'team=storage&empty=' }));
      const p1 = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: up.UploadId, PartNumber: 1, Body: 'tail' }));
      await s3.send(
        new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: up.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }] } }),
      );
      const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
      assert.deepEqual(tags.TagSet, [{ Key: 'empty', Value: '' }, { Key: 'team', Value: 'storage' }]);
      assert.equal((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).TagCount, 2);
      await expectS3Error(s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, Tagging: 'aws:x=1' })), 'InvalidTag', 400);
    });
  });
}
