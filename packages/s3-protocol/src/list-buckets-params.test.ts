import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S3Error } from './errors.ts';
import { pageBuckets, parseListBucketsParams } from './list-buckets-params.ts';
import { encodeContinuationToken } from './list-params.ts';

const q = (s: string) => new URLSearchParams(s);
const invalidArg = (e: unknown) => e instanceof S3Error && e.code === 'InvalidArgument' && e.status === 400;

test('parseListBucketsParams: defaults', () => {
  assert.deepEqual(parseListBucketsParams(q('')), { maxBuckets: undefined, after: undefined, prefix: undefined, bucketRegion: undefined });
});

test('parseListBucketsParams: max-buckets 1..10000, else InvalidArgument', () => {
  assert.equal(parseListBucketsParams(q('max-buckets=1')).maxBuckets, 1);
  assert.equal(parseListBucketsParams(q('max-buckets=10000')).maxBuckets, 10000);
  for (const bad of ['0', '-1', '10001', 'x', '', '1.5', '1e3', '9999999']) {
    assert.throws(() => parseListBucketsParams(q(`max-buckets=${bad}`)), invalidArg, bad);
  }
});

test('parseListBucketsParams: token, prefix, bucket-region', () => {
  const p = parseListBucketsParams(q(`continuation-token=${encodeContinuationToken('b1')}&prefix=b&bucket-region=eu-1`));
  assert.deepEqual(p, { maxBuckets: undefined, after: 'b1', prefix: 'b', bucketRegion: 'eu-1' });
  assert.equal(parseListBucketsParams(q('continuation-token=')).after, undefined);
  assert.throws(() => parseListBucketsParams(q('continuation-token=%21%21')), invalidArg);
});

test('pageBuckets: pages by name with a token only while more remain', () => {
  const all = ['a1', 'a2', 'b1'].map((name) => ({ name, region: name === 'b1' ? 'eu-1' : 'us-east-1' }));
  const names = (r: { page: { name: string }[] }) => r.page.map((b) => b.name);
  assert.deepEqual(pageBuckets(all, {}), { page: all });
  const p1 = pageBuckets(all, { maxBuckets: 2 });
  assert.deepEqual(names(p1), ['a1', 'a2']);
  assert.equal(p1.continuationToken, encodeContinuationToken('a2'));
  const p2 = pageBuckets(all, { maxBuckets: 2, after: 'a2' });
  assert.deepEqual(p2, { page: [all[2]] });
  assert.deepEqual(pageBuckets(all, { maxBuckets: 3 }).continuationToken, undefined);
  assert.deepEqual(names(pageBuckets(all, { prefix: 'a' })), ['a1', 'a2']);
  assert.deepEqual(names(pageBuckets(all, { bucketRegion: 'eu-1' })), ['b1']);
  assert.deepEqual(names(pageBuckets(all, { prefix: 'a', maxBuckets: 1, after: 'a1' })), ['a2']);
});
