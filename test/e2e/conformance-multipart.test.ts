/**
 * Multipart and checksum behaviour as the Ceph S3 conformance suite
 * (s3-tests) checks it, re-expressed with @aws-sdk/client-s3 (and raw
 * requests where the SDK cannot send the bytes wanted). Each test names the
 * s3-tests cases it stands for. Parts are kept small where S3 allows it
 * (every part but the last must be at least 5 MiB).
 */
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import {
  S3Client,
  S3ServiceException,
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type ChecksumAlgorithm,
  type CompletedPart,
  type ObjectAttributes,
} from '@aws-sdk/client-s3';
import { startVaultx, wirings, itWithLogs, s3Client, bucketName, withLogs, type Vaultx } from './harness.ts';
import { expectS3Error, bytesOf } from './lib/expect-error.ts';
import { raw } from './lib/raw.ts';
import { b64, md5Hex } from './lib/checksums.ts';

const MiB = 1024 * 1024;

const unquote = (etag: string | undefined) => (etag ?? '').replaceAll('"', '');

/** The checksum S3 gives a COMPOSITE upload: the hash of the concatenated binary part checksums, "-N". */
function compositeOf(alg: 'sha1' | 'sha256', partChecksums: string[]): string {
  const h = createHash(alg);
  for (const c of partChecksums) h.update(Buffer.from(c, 'base64'));
  return `${h.digest('base64')}-${partChecksums.length}`;
}

for (const wiring of wirings()) {
  describe(`s3-tests conformance: multipart and checksums (${wiring})`, () => {
    let v: Vaultx;
    let s3: S3Client;
    const test = itWithLogs(() => v);
    const bucket = bucketName('cmpu');

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
      assert.ok(r.UploadId);
      return r.UploadId;
    }
    async function part(key: string, uploadId: string, n: number, body: Buffer, extra: Record<string, unknown> = {}) {
      return s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: n, Body: body, ...extra }));
    }
    async function complete(key: string, uploadId: string, parts: CompletedPart[], extra: Record<string, unknown> = {}) {
      return s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts }, ...extra }));
    }
    async function copyPart(key: string, uploadId: string, n: number, source: string, extra: Record<string, unknown> = {}) {
      return s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: n, CopySource: `${bucket}/${source}`, ...extra }));
    }

    test('test_multipart_upload_empty: Complete without parts is MalformedXML, and the upload survives', async () => {
      const key = 'empty/obj';
      const uploadId = await create(key);
      for (const body of ['', '<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></CompleteMultipartUpload>']) {
        const r = await raw(v, { method: 'POST', bucket, key, query: [['uploadId', uploadId]], body });
        assert.equal(r.status, 400, r.text);
        assert.equal(r.error?.Code, 'MalformedXML');
      }
      const lp = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
      assert.equal(lp.UploadId, uploadId);
    });

    test('test_multipart_upload_small: one 1-byte part; a repeated Complete answers the same object', async () => {
      const key = 'small/obj';
      const uploadId = await create(key);
      const r = await part(key, uploadId, 1, Buffer.from('x'));
      const parts = [{ PartNumber: 1, ETag: unquote(r.ETag) }];
      const first = await complete(key, uploadId, parts);
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal(got.ContentLength, 1);
      const again = await complete(key, uploadId, parts);
      assert.equal(again.ETag, first.ETag);
      assert.match(first.ETag ?? '', /^"[0-9a-f]{32}-1"$/);
    });

    test('test_multipart_upload / _resend_part / _overwrite_existing_object: content type and metadata from Create; the object is exact', async () => {
      const key = 'full/obj';
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'old contents' }));
      const uploadId = await create(key, { ContentType: 'text/bla', Metadata: { foo: 'bar' } });
      const bodies = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(300 * 1024)];
      const parts: CompletedPart[] = [];
      for (const [i, b] of bodies.entries()) {
        const r = await part(key, uploadId, i + 1, b);
        parts.push({ PartNumber: i + 1, ETag: unquote(r.ETag) });
        if (i === 1) await part(key, uploadId, i + 1, b); // resent: same bytes, same ETag
      }
      await complete(key, uploadId, parts);
      await complete(key, uploadId, parts); // "check extra complete_multipart_upload"
      const all = Buffer.concat(bodies);
      const list = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key }));
      assert.equal(list.Contents?.length, 1);
      assert.equal(list.Contents?.[0]?.Size, all.length);
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal(got.ContentType, 'text/bla');
      assert.deepEqual(got.Metadata, { foo: 'bar' });
      assert.ok((await bytesOf(got.Body)).equals(all));
      const ranged = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${5 * MiB - 10}-${5 * MiB + 9}` }));
      assert.ok((await bytesOf(ranged.Body)).equals(all.subarray(5 * MiB - 10, 5 * MiB + 10)));
    });

    test('test_multipart_upload_size_too_small, _missing_part, _incorrect_etag: EntityTooSmall and InvalidPart', async () => {
      const key = 'errors/obj';
      const uploadId = await create(key);
      const parts: CompletedPart[] = [];
      for (let n = 1; n <= 3; n++) parts.push({ PartNumber: n, ETag: unquote((await part(key, uploadId, n, randomBytes(10 * 1024))).ETag) });
      await expectS3Error(complete(key, uploadId, parts), 'EntityTooSmall', 400);
      await expectS3Error(complete(key, uploadId, [{ PartNumber: 9999, ETag: parts[0]!.ETag }]), 'InvalidPart', 400);
      await expectS3Error(complete(key, uploadId, [{ PartNumber: 1, ETag: 'ffffffffffffffffffffffffffffffff' }]), 'InvalidPart', 400);
      await expectS3Error(complete(key, uploadId, [parts[1]!, parts[0]!]), 'InvalidPartOrder', 400);
    });

    test('test_multipart_resend_first_finishes_last: a part number listed twice counts once, with the part stored last', async () => {
      const key = 'resend/obj';
      const uploadId = await create(key);
      const b = await part(key, uploadId, 1, Buffer.alloc(8, 'B'));
      const a = await part(key, uploadId, 1, Buffer.alloc(8, 'A')); // the first upload finishing last
      await complete(key, uploadId, [
        { PartNumber: 1, ETag: unquote(b.ETag) },
        { PartNumber: 1, ETag: unquote(a.ETag) },
      ]);
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal((await bytesOf(got.Body)).toString(), 'AAAAAAAA');
    });

    test('test_abort_multipart_upload, _not_found: abort leaves nothing; unknown ids are NoSuchUpload; Complete after abort too', async () => {
      const key = 'abort/obj';
      const uploadId = await create(key);
      const r = await part(key, uploadId, 1, randomBytes(1000));
      await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
      const list = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key }));
      assert.equal(list.Contents, undefined);
      await expectS3Error(complete(key, uploadId, [{ PartNumber: 1, ETag: unquote(r.ETag) }]), 'NoSuchUpload', 404);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: '' }));
      await expectS3Error(s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: '56788' })), 'NoSuchUpload', 404);
    });

    test('test_list_multipart_upload, _owner: every upload listed, with Initiator and Owner', async () => {
      const b2 = bucketName('cmpu-list');
      await s3.send(new CreateBucketCommand({ Bucket: b2 }));
      const ids: string[] = [];
      for (const key of ['mymultipart', 'mymultipart', 'mymultipart2']) {
        ids.push((await s3.send(new CreateMultipartUploadCommand({ Bucket: b2, Key: key }))).UploadId!);
      }
      const r = await s3.send(new ListMultipartUploadsCommand({ Bucket: b2 }));
      assert.deepEqual(new Set(r.Uploads?.map((u) => u.UploadId)), new Set(ids));
      assert.deepEqual(r.Uploads?.map((u) => u.Key), ['mymultipart', 'mymultipart', 'mymultipart2']);
      for (const u of r.Uploads ?? []) {
        assert.ok(u.Initiator?.ID);
        assert.equal(u.Initiator?.ID, u.Owner?.ID);
        assert.equal(u.Initiator?.DisplayName, u.Owner?.DisplayName);
        assert.equal(u.StorageClass, 'STANDARD');
      }
      const page = await s3.send(new ListMultipartUploadsCommand({ Bucket: b2, MaxUploads: 1 }));
      assert.equal(page.IsTruncated, true);
      assert.equal(page.Uploads?.length, 1);
      assert.equal(page.NextKeyMarker, 'mymultipart');
      assert.equal(page.NextUploadIdMarker, page.Uploads?.[0]?.UploadId);
      const lp = await s3.send(new ListPartsCommand({ Bucket: b2, Key: 'mymultipart2', UploadId: ids[2] }));
      assert.equal(lp.Initiator?.ID, r.Uploads?.[0]?.Initiator?.ID);
      assert.equal(lp.Owner?.ID, r.Uploads?.[0]?.Owner?.ID);
      assert.equal(lp.StorageClass, 'STANDARD');
      assert.equal(lp.IsTruncated, false);
    });

    test('test_multipart_copy_small, _without_range, _special_names: UploadPartCopy of small objects, ranged and whole', async () => {
      const src = randomBytes(7 * 1024);
      const ten = Buffer.from('0123456789');
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'copysrc/foo', Body: src }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'copysrc/ten', Body: ten }));
      const key = 'copy/small';
      const u1 = await create(key);
      const r1 = await copyPart(key, u1, 1, 'copysrc/foo', { CopySourceRange: 'bytes=0-0' });
      assert.equal(r1.CopyPartResult?.ETag, `"${md5Hex(src.subarray(0, 1))}"`);
      await complete(key, u1, [{ PartNumber: 1, ETag: r1.CopyPartResult!.ETag }]);
      const g1 = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal(g1.ContentLength, 1);
      assert.ok((await bytesOf(g1.Body)).equals(src.subarray(0, 1)));

      const u2 = await create('copy/whole');
      const r2 = await copyPart('copy/whole', u2, 1, 'copysrc/ten');
      await complete('copy/whole', u2, [{ PartNumber: 1, ETag: r2.CopyPartResult!.ETag }]);
      const g2 = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'copy/whole' }));
      assert.equal((await bytesOf(g2.Body)).toString(), '0123456789');

      for (const name of [' ', '_', '__', '?versionId']) {
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: name, Body: `src ${name}` }));
        const u = await create('copy/special');
        const r = await copyPart('copy/special', u, 1, encodeURIComponent(name), { CopySourceRange: 'bytes=0-0' });
        await complete('copy/special', u, [{ PartNumber: 1, ETag: r.CopyPartResult!.ETag }]);
        const g = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'copy/special' }));
        assert.equal((await bytesOf(g.Body)).toString(), 's', `copy of ${JSON.stringify(name)}`);
      }
    });

    test('UploadPartCopy of a zero-size object: an empty part; no range fits it', async () => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'copysrc/empty', Body: '' }));
      const key = 'copy/from-empty';
      const u = await create(key);
      const r = await copyPart(key, u, 1, 'copysrc/empty');
      assert.equal(r.CopyPartResult?.ETag, `"${md5Hex('')}"`);
      await expectS3Error(copyPart(key, u, 2, 'copysrc/empty', { CopySourceRange: 'bytes=0-0' }), 'InvalidRange', [400, 416]);
      await complete(key, u, [{ PartNumber: 1, ETag: r.CopyPartResult!.ETag }]);
      const g = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal(g.ContentLength, 0);
      assert.equal((await bytesOf(g.Body)).length, 0);
    });

    test('test_multipart_copy_invalid_range, _improper_range: past the end is InvalidRange, a malformed range InvalidArgument', async () => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'copysrc/five', Body: 'abcde' }));
      const key = 'copy/ranges';
      const u = await create(key);
      await expectS3Error(copyPart(key, u, 1, 'copysrc/five', { CopySourceRange: 'bytes=0-21' }), 'InvalidRange', [400, 416]);
      for (const range of ['0-2', 'bytes=0', 'bytes=hello-world', 'bytes=0-bar', 'bytes=hello-', 'bytes=0-2,3-5']) {
        await expectS3Error(copyPart(key, u, 1, 'copysrc/five', { CopySourceRange: range }), 'InvalidArgument', 400);
      }
      // nothing was recorded by the failures
      const lp = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: u }));
      assert.equal(lp.Parts, undefined);
    });

    test('UploadPartCopy x-amz-copy-source-if-*: match / none-match / (un)modified-since as S3 evaluates them together', async () => {
      const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'copysrc/cond', Body: 'conditional' }));
      const key = 'copy/cond';
      const u = await create(key);
      const past = new Date(Date.now() - 86_400_000);
      const ok = await copyPart(key, u, 1, 'copysrc/cond', { CopySourceIfMatch: put.ETag });
      assert.equal(ok.CopyPartResult?.ETag, put.ETag);
      await copyPart(key, u, 1, 'copysrc/cond', { CopySourceIfNoneMatch: '"0000"', CopySourceIfModifiedSince: past });
      // If-Match true wins over If-Unmodified-Since false
      await copyPart(key, u, 1, 'copysrc/cond', { CopySourceIfMatch: put.ETag, CopySourceIfUnmodifiedSince: past });
      await expectS3Error(copyPart(key, u, 2, 'copysrc/cond', { CopySourceIfMatch: '"0000"' }), 'PreconditionFailed', 412);
      await expectS3Error(copyPart(key, u, 2, 'copysrc/cond', { CopySourceIfNoneMatch: put.ETag }), 'PreconditionFailed', 412);
      await expectS3Error(copyPart(key, u, 2, 'copysrc/cond', { CopySourceIfUnmodifiedSince: past }), 'PreconditionFailed', 412);
      // not modified since now (a date in the future is not used: S3 ignores such dates on GET)
      await expectS3Error(copyPart(key, u, 2, 'copysrc/cond', { CopySourceIfModifiedSince: new Date() }), 'PreconditionFailed', 412);
      const lp = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: u }));
      assert.deepEqual(lp.Parts?.map((p) => p.PartNumber), [1]);
    });

    test('test_upload_part_copy_percent_encoded_key: the copy source is decoded once', async () => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'pct/anyfilename%25.txt', Body: 'foo' }));
      const key = 'pct/anyfile.txt';
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'foo' }));
      const u = await create(key);
      // "pct/anyfilename%25.txt" encoded once names the key "pct/anyfilename%.txt", which does not exist
      await expectS3Error(copyPart(key, u, 1, 'pct/anyfilename%25.txt'), 'NoSuchKey', 404);
      const r = await copyPart(key, u, 1, 'pct/anyfilename%2525.txt');
      assert.equal(r.CopyPartResult?.ETag, `"${md5Hex('foo')}"`);
      const g = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal((await bytesOf(g.Body)).toString(), 'foo');
    });

    test('test_multipart_get_part, _single_get_part: GET/HEAD ?partNumber give that part, its ETag and the parts count', async () => {
      const key = 'getpart/obj';
      const uploadId = await create(key);
      const bodies = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(1 * MiB)];
      const parts: CompletedPart[] = [];
      for (const [i, b] of bodies.entries()) {
        const r = await part(key, uploadId, i + 1, b);
        if (i === 1) await part(key, uploadId, i + 1, b);
        parts.push({ PartNumber: i + 1, ETag: unquote(r.ETag) });
      }
      await expectS3Error(s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, PartNumber: 1 })), 'NoSuchKey', 404);
      await complete(key, uploadId, parts);
      for (const [i, b] of bodies.entries()) {
        const h = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, PartNumber: i + 1 }));
        assert.equal(h.PartsCount, 3);
        assert.equal(h.ETag, `"${parts[i]!.ETag}"`);
        assert.equal(h.ContentLength, b.length);
        const g = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, PartNumber: i + 1 }));
        assert.equal(g.PartsCount, 3);
        assert.equal(g.ETag, `"${parts[i]!.ETag}"`);
        assert.equal(g.ContentLength, b.length);
        assert.ok((await bytesOf(g.Body)).equals(b));
      }
      await expectS3Error(s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, PartNumber: 5 })), 'InvalidPart', 400);
      // fetching part by part with the first answer's ETag as If-Match (as SDK transfer managers do) works
      const next = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, PartNumber: 2, IfMatch: `"${parts[0]!.ETag}"` }));
      assert.ok((await bytesOf(next.Body)).equals(bodies[1]!));
      await expectS3Error(s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, PartNumber: 2, IfMatch: '"0123"' })), 'PreconditionFailed', 412);
      // HEAD carries no error body: the status is what there is to check
      const headMissing = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, PartNumber: 4 })).then(
        () => assert.fail('HEAD ?partNumber=4 succeeded'),
        (e: S3ServiceException) => e,
      );
      assert.equal(headMissing.$metadata.httpStatusCode, 400);

      const single = 'getpart/single';
      const u1 = await create(single);
      const only = randomBytes(64 * 1024);
      const r1 = await part(single, u1, 1, only);
      await complete(single, u1, [{ PartNumber: 1, ETag: unquote(r1.ETag) }]);
      const g1 = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: single, PartNumber: 1 }));
      assert.equal(g1.PartsCount, 1);
      assert.equal(g1.ETag, r1.ETag);
      assert.ok((await bytesOf(g1.Body)).equals(only));
      await expectS3Error(s3.send(new GetObjectCommand({ Bucket: bucket, Key: single, PartNumber: 5 })), 'InvalidPart', 400);
    });

    test('a zero-byte last part: Complete takes it; GET ?partNumber of it is an empty 200 (no Content-Range to give)', async () => {
      const key = 'getpart/empty-last';
      const uploadId = await create(key);
      const first = randomBytes(5 * MiB);
      const r1 = await part(key, uploadId, 1, first);
      const r2 = await part(key, uploadId, 2, Buffer.alloc(0));
      assert.equal(r2.ETag, `"${md5Hex('')}"`);
      await complete(key, uploadId, [
        { PartNumber: 1, ETag: r1.ETag },
        { PartNumber: 2, ETag: r2.ETag },
      ]);
      const g = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, PartNumber: 2 }));
      assert.equal(g.$metadata.httpStatusCode, 200);
      assert.equal(g.ContentRange, undefined);
      assert.equal(g.ContentLength, 0);
      assert.equal(g.PartsCount, 2);
      assert.equal((await bytesOf(g.Body)).length, 0);
      const g1 = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, PartNumber: 1 }));
      assert.equal(g1.ContentRange, `bytes 0-${5 * MiB - 1}/${5 * MiB}`);
    });

    test('test_non_multipart_get_part: part 1 of a plain object is all of it; part 2 is InvalidPart', async () => {
      const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'singlepart', Body: 'body' }));
      await expectS3Error(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'singlepart', PartNumber: 2 })), 'InvalidPart', 400);
      const g = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'singlepart', PartNumber: 1 }));
      assert.equal(g.ETag, put.ETag);
      assert.equal((await bytesOf(g.Body)).toString(), 'body');
    });

    test('test_object_checksum_sha256, _crc64nvme: the checksum is echoed, shown by HEAD only in checksum mode, and a wrong one is BadDigest', async () => {
      const body = Buffer.alloc(1024, 'A');
      const cases: Array<{ alg: ChecksumAlgorithm; field: 'ChecksumSHA256' | 'ChecksumCRC64NVME'; value: string }> = [
        { alg: 'SHA256', field: 'ChecksumSHA256', value: b64.sha256(body) },
        { alg: 'CRC64NVME', field: 'ChecksumCRC64NVME', value: b64.crc64nvme(body) },
      ];
      for (const { alg, field, value } of cases) {
        const key = `cksum/${alg}`;
        const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ChecksumAlgorithm: alg, [field]: value }));
        assert.equal(put[field], value);
        const plain = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        assert.equal(plain[field], undefined);
        const withMode = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
        assert.equal(withMode[field], value);
        await expectS3Error(s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ChecksumAlgorithm: alg, [field]: 'bad' })), 'BadDigest', 400);
        const still = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
        assert.equal(still[field], value);
      }
    });

    test('test_multipart_checksum_sha256: a wrong object checksum on Complete is BadDigest; the right one ends in -1', async () => {
      const body = Buffer.alloc(1024, 'A');
      const partSum = b64.sha256(body);
      const composite = compositeOf('sha256', [partSum]);
      for (const [i, listPartChecksum] of [true, false].entries()) {
        const key = `mpcksum/bad${i}`;
        const u = await create(key, { ChecksumAlgorithm: 'SHA256' });
        const r = await part(key, u, 1, body, { ChecksumAlgorithm: 'SHA256', ChecksumSHA256: partSum });
        assert.equal(r.ChecksumSHA256, partSum);
        const listed: CompletedPart = { PartNumber: 1, ETag: unquote(r.ETag), ...(listPartChecksum ? { ChecksumSHA256: r.ChecksumSHA256 } : {}) };
        await expectS3Error(complete(key, u, [listed], { ChecksumSHA256: 'bad' }), 'BadDigest', 400);
      }
      const key = 'mpcksum/good';
      const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ChecksumAlgorithm: 'SHA256' }));
      assert.equal(created.ChecksumAlgorithm, 'SHA256');
      const r = await part(key, created.UploadId!, 1, body, { ChecksumAlgorithm: 'SHA256', ChecksumSHA256: partSum });
      const done = await complete(key, created.UploadId!, [{ PartNumber: 1, ETag: unquote(r.ETag), ChecksumSHA256: r.ChecksumSHA256 }], { ChecksumSHA256: composite });
      assert.equal(done.ChecksumSHA256, composite);
      assert.equal((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ChecksumSHA256, undefined);
      assert.equal((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }))).ChecksumSHA256, composite);
    });

    test('test_multipart_use_cksum_helper_*: three parts per algorithm, COMPOSITE or FULL_OBJECT, on Complete and on HEAD', async () => {
      const size = 5 * MiB;
      const bodies = ['A', 'B', 'C'].map((c) => Buffer.alloc(size, c));
      const all = Buffer.concat(bodies);
      type Field = 'ChecksumSHA256' | 'ChecksumSHA1' | 'ChecksumCRC32' | 'ChecksumCRC32C' | 'ChecksumCRC64NVME';
      const cases: Array<{ alg: ChecksumAlgorithm; field: Field; type: 'COMPOSITE' | 'FULL_OBJECT'; sum: (d: Buffer) => string; whole: () => string }> = [
        { alg: 'SHA256', field: 'ChecksumSHA256', type: 'COMPOSITE', sum: b64.sha256, whole: () => compositeOf('sha256', bodies.map(b64.sha256)) },
        { alg: 'SHA1', field: 'ChecksumSHA1', type: 'COMPOSITE', sum: b64.sha1, whole: () => compositeOf('sha1', bodies.map(b64.sha1)) },
        { alg: 'CRC32', field: 'ChecksumCRC32', type: 'FULL_OBJECT', sum: b64.crc32, whole: () => b64.crc32(all) },
        { alg: 'CRC32C', field: 'ChecksumCRC32C', type: 'FULL_OBJECT', sum: b64.crc32c, whole: () => b64.crc32c(all) },
        { alg: 'CRC64NVME', field: 'ChecksumCRC64NVME', type: 'FULL_OBJECT', sum: b64.crc64nvme, whole: () => b64.crc64nvme(all) },
      ];
      // A known answer besides the independent computation above.
      assert.equal(cases[0]!.whole(), 'uWBwpe1dxI4Vw8Gf0X9ynOdw/SS6VBzfWm9giiv1sf4=-3');
      for (const c of cases) {
        const key = `helper/${c.alg}`;
        const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ChecksumAlgorithm: c.alg, ChecksumType: c.type }));
        assert.equal(created.ChecksumAlgorithm, c.alg);
        const parts: CompletedPart[] = [];
        for (const [i, b] of bodies.entries()) {
          const r = await part(key, created.UploadId!, i + 1, b, { ChecksumAlgorithm: c.alg, [c.field]: c.sum(b) });
          assert.equal(r[c.field], c.sum(b));
          parts.push({ PartNumber: i + 1, ETag: unquote(r.ETag), [c.field]: r[c.field] });
        }
        const expected = c.whole();
        const done = await complete(key, created.UploadId!, parts, { [c.field]: expected });
        assert.equal(done.ChecksumType, c.type, c.alg);
        assert.equal(done[c.field], expected, c.alg);
        const plain = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        assert.equal(plain[c.field], undefined);
        const h = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
        assert.equal(h.ChecksumType, c.type, c.alg);
        assert.equal(h[c.field], expected, c.alg);
        const attrs = await s3.send(new GetObjectAttributesCommand({ Bucket: bucket, Key: key, ObjectAttributes: ['Checksum'] }));
        assert.equal(attrs.Checksum?.ChecksumType, c.type, c.alg);
        assert.equal(attrs.Checksum?.[c.field], expected, c.alg);
      }
    });

    const ALL_ATTRIBUTES: ObjectAttributes[] = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'];

    test('test_get_multipart_checksum_object_attributes, test_get_paginated_multipart_object_attributes: size, checksum and parts, paged', async () => {
      const key = 'attrs/multipart';
      const uploadId = await create(key, { ChecksumAlgorithm: 'SHA256' });
      const bodies = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(1000)];
      const parts: CompletedPart[] = [];
      for (const [i, b] of bodies.entries()) {
        const r = await part(key, uploadId, i + 1, b, { ChecksumAlgorithm: 'SHA256' });
        parts.push({ PartNumber: i + 1, ETag: r.ETag, ChecksumSHA256: r.ChecksumSHA256 });
      }
      const done = await complete(key, uploadId, parts);
      const size = bodies.reduce((n, b) => n + b.length, 0);
      const r = await s3.send(new GetObjectAttributesCommand({ Bucket: bucket, Key: key, ObjectAttributes: ALL_ATTRIBUTES }));
      assert.equal(r.ETag, unquote(done.ETag));
      assert.equal(r.ObjectSize, size);
      assert.equal(r.StorageClass, 'STANDARD');
      assert.equal(r.Checksum?.ChecksumSHA256, done.ChecksumSHA256);
      assert.equal(r.ObjectParts?.TotalPartsCount, 4);
      assert.equal(r.ObjectParts?.IsTruncated, false);
      assert.deepEqual(
        r.ObjectParts?.Parts?.map((p) => [p.PartNumber, p.Size, p.ChecksumSHA256]),
        bodies.map((b, i) => [i + 1, b.length, b64.sha256(b)]),
      );
      assert.ok(r.LastModified instanceof Date);

      const page = await s3.send(new GetObjectAttributesCommand({ Bucket: bucket, Key: key, ObjectAttributes: ALL_ATTRIBUTES, MaxParts: 1, PartNumberMarker: '2' }));
      assert.equal(page.ObjectParts?.MaxParts, 1);
      assert.equal(page.ObjectParts?.PartNumberMarker, '2');
      assert.equal(page.ObjectParts?.IsTruncated, true);
      assert.equal(page.ObjectParts?.NextPartNumberMarker, '3');
      assert.deepEqual(page.ObjectParts?.Parts?.map((p) => p.PartNumber), [3]);
      const rest = await s3.send(new GetObjectAttributesCommand({ Bucket: bucket, Key: key, ObjectAttributes: ['ObjectParts'], MaxParts: 10, PartNumberMarker: '3' }));
      assert.equal(rest.ObjectParts?.IsTruncated, false);
      assert.deepEqual(rest.ObjectParts?.Parts?.map((p) => p.PartNumber), [4]);
      assert.equal(rest.ETag, undefined);
      assert.equal(rest.ObjectSize, undefined);
    });

    test('test_get_object_attributes, test_get_checksum_object_attributes: a plain object has no ObjectParts; bad names are InvalidArgument', async () => {
      const body = Buffer.alloc(1024, 'A');
      const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'attrs/plain', Body: body, ChecksumAlgorithm: 'SHA256', ChecksumSHA256: b64.sha256(body) }));
      const r = await s3.send(new GetObjectAttributesCommand({ Bucket: bucket, Key: 'attrs/plain', ObjectAttributes: ALL_ATTRIBUTES }));
      assert.equal(r.ETag, unquote(put.ETag));
      assert.equal(r.ObjectSize, 1024);
      assert.equal(r.StorageClass, 'STANDARD');
      assert.equal(r.Checksum?.ChecksumSHA256, b64.sha256(body));
      assert.equal(r.ObjectParts, undefined);
      const bad = await raw(v, { method: 'GET', bucket, key: 'attrs/plain', query: [['attributes', '']], headers: { 'x-amz-object-attributes': 'ETag,Colour' } });
      assert.equal(bad.status, 400);
      assert.equal(bad.error?.Code, 'InvalidArgument');
      await expectS3Error(s3.send(new GetObjectAttributesCommand({ Bucket: bucket, Key: 'attrs/none', ObjectAttributes: ['ETag'] })), 'NoSuchKey', 404);
    });
  });
}
