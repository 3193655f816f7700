/**
 * Bucket tagging (Put/Get/DeleteBucketTagging) as S3 answers it, in both
 * wirings, through @aws-sdk/client-s3 (which sends the required checksum) and
 * the aws CLI — the shapes of the Ceph S3 suite's test_set_bucket_tagging /
 * test_get_bucket_tagging cases.
 */
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  S3Client,
  CreateBucketCommand,
  PutBucketTaggingCommand,
  GetBucketTaggingCommand,
  DeleteBucketTaggingCommand,
  PutBucketCorsCommand,
  GetBucketCorsCommand,
} from '@aws-sdk/client-s3';
import { startVaultx, wirings, itWithLogs, s3Client, bucketName, createUserWithKey, type Vaultx } from './harness.ts';
import { expectS3Error } from './lib/expect-error.ts';
import { raw } from './lib/raw.ts';

for (const wiring of wirings()) {
  describe(`bucket tagging (${wiring})`, () => {
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

    test('a new bucket has no tag set (404 NoSuchTagSet); tags set are returned sorted; delete removes them', async () => {
      const b = bucketName('btag');
      await s3.send(new CreateBucketCommand({ Bucket: b }));
      await expectS3Error(s3.send(new GetBucketTaggingCommand({ Bucket: b })), 'NoSuchTagSet', 404);
      const put = await s3.send(
        new PutBucketTaggingCommand({ Bucket: b, Tagging: { TagSet: [{ Key: 'zeta', Value: '1' }, { Key: 'alpha', Value: '' }] } }),
      );
      assert.equal(put.$metadata.httpStatusCode, 204);
      const got = await s3.send(new GetBucketTaggingCommand({ Bucket: b }));
      assert.deepEqual(got.TagSet, [{ Key: 'alpha', Value: '' }, { Key: 'zeta', Value: '1' }]);
      // a second PUT replaces the whole set
      await s3.send(new PutBucketTaggingCommand({ Bucket: b, Tagging: { TagSet: [{ Key: 'only', Value: 'one' }] } }));
      assert.deepEqual((await s3.send(new GetBucketTaggingCommand({ Bucket: b }))).TagSet, [{ Key: 'only', Value: 'one' }]);
      const del = await s3.send(new DeleteBucketTaggingCommand({ Bucket: b }));
      assert.equal(del.$metadata.httpStatusCode, 204);
      await expectS3Error(s3.send(new GetBucketTaggingCommand({ Bucket: b })), 'NoSuchTagSet', 404);
      // deleting again is still 204
      assert.equal((await s3.send(new DeleteBucketTaggingCommand({ Bucket: b }))).$metadata.httpStatusCode, 204);
    });

    test('50 tags are accepted, 51 are InvalidTag; reserved aws: keys and duplicate keys are refused; nothing is half-written', async () => {
      const b = bucketName('btag');
      await s3.send(new CreateBucketCommand({ Bucket: b }));
      const fifty = Array.from({ length: 50 }, (_, i) => ({ Key: `k${String(i).padStart(2, '0')}`, Value: `v${i}` }));
      await s3.send(new PutBucketTaggingCommand({ Bucket: b, Tagging: { TagSet: fifty } }));
      assert.equal((await s3.send(new GetBucketTaggingCommand({ Bucket: b }))).TagSet?.length, 50);
      await expectS3Error(
        s3.send(new PutBucketTaggingCommand({ Bucket: b, Tagging: { TagSet: [...fifty, { Key: 'extra', Value: 'x' }] } })),
        'InvalidTag',
        400,
      );
      await expectS3Error(s3.send(new PutBucketTaggingCommand({ Bucket: b, Tagging: { TagSet: [{ Key: 'aws:owner', Value: 'x' }] } })), 'InvalidTag', 400);
      await expectS3Error(
        s3.send(new PutBucketTaggingCommand({ Bucket: b, Tagging: { TagSet: [{ Key: 'd', Value: '1' }, { Key: 'd', Value: '2' }] } })),
        'InvalidTag',
        400,
      );
      await expectS3Error(s3.send(new PutBucketTaggingCommand({ Bucket: b, Tagging: { TagSet: [{ Key: 'k'.repeat(129), Value: '' }] } })), 'InvalidTag', 400);
      // the refused PUTs left the fifty in place
      assert.equal((await s3.send(new GetBucketTaggingCommand({ Bucket: b }))).TagSet?.length, 50);
      const bad = await raw(v, { method: 'PUT', bucket: b, query: [['tagging', '']], body: '<Tagging><TagSet><Tag><Key>a</Key></Tag>' });
      assert.equal(bad.status, 400, bad.text);
      assert.match(bad.text, /<Code>MalformedXML<\/Code>/);
    });

    test('tags and the CORS configuration live side by side', async () => {
      const b = bucketName('btag');
      await s3.send(new CreateBucketCommand({ Bucket: b }));
      await s3.send(new PutBucketCorsCommand({ Bucket: b, CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['*'], AllowedMethods: ['GET'] }] } }));
      await s3.send(new PutBucketTaggingCommand({ Bucket: b, Tagging: { TagSet: [{ Key: 'a', Value: 'b' }] } }));
      await s3.send(new DeleteBucketTaggingCommand({ Bucket: b }));
      assert.equal((await s3.send(new GetBucketCorsCommand({ Bucket: b }))).CORSRules?.length, 1);
    });

    test('another user gets AccessDenied; a missing bucket is NoSuchBucket', async () => {
      const b = bucketName('btag');
      await s3.send(new CreateBucketCommand({ Bucket: b }));
      await s3.send(new PutBucketTaggingCommand({ Bucket: b, Tagging: { TagSet: [{ Key: 'a', Value: 'b' }] } }));
      const other = await createUserWithKey(v, 'tag-other');
      const s3b = s3Client(v, other.creds);
      try {
        await expectS3Error(s3b.send(new GetBucketTaggingCommand({ Bucket: b })), 'AccessDenied', 403);
        await expectS3Error(s3b.send(new PutBucketTaggingCommand({ Bucket: b, Tagging: { TagSet: [] } })), 'AccessDenied', 403);
        await expectS3Error(s3b.send(new DeleteBucketTaggingCommand({ Bucket: b })), 'AccessDenied', 403);
      } finally {
        s3b.destroy();
      }
      assert.deepEqual((await s3.send(new GetBucketTaggingCommand({ Bucket: b }))).TagSet, [{ Key: 'a', Value: 'b' }]);
      await expectS3Error(s3.send(new GetBucketTaggingCommand({ Bucket: bucketName('none') })), 'NoSuchBucket', 404);
    });
  });
}
