import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S3Error } from './errors.ts';
import { bucketNameProblem, isValidBucketName, validateBucketName } from './bucket-name.ts';

test('valid bucket names', () => {
  for (const n of ['abc', 'my-bucket', 'my.bucket.name', 'a1b2c3', '123', 'a'.repeat(63), 'x-n--y', 'bucket-s3alias-x', 'docexamplebucket1', '1.2.3', '1.2.3.4.5', '192.168.5.4a']) {
    assert.ok(isValidBucketName(n), n);
    assert.doesNotThrow(() => validateBucketName(n));
  }
});

test('invalid bucket names', () => {
  for (const n of [
    '',
    'ab',
    'a'.repeat(64),
    'MyBucket',
    'my_bucket',
    'my bucket',
    'bücket',
    '-abc',
    'abc-',
    '.abc',
    'abc.',
    'a..b',
    'a.-b',
    'a-.b',
    '192.168.5.4',
    '10.0.0.1',
    'xn--abc',
    'sthree-abc',
    'sthree-configurator',
    'amzn-s3-demo-bucket',
    'abc-s3alias',
    'abc--ol-s3',
    'abc.mrap',
    'abc--x-s3',
    'abc--table-s3',
    'abc/def',
  ]) {
    assert.ok(!isValidBucketName(n), n);
    assert.notEqual(bucketNameProblem(n), undefined);
  }
});

test('validateBucketName throws InvalidBucketName with BucketName detail', () => {
  assert.throws(
    () => validateBucketName('Bad_Name'),
    (e: unknown) => e instanceof S3Error && e.code === 'InvalidBucketName' && e.status === 400 && e.details.BucketName === 'Bad_Name',
  );
});
