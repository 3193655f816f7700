import { it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAddress, virtualHostBucket } from './request.ts';

it('virtualHostBucket: the labels before a configured base domain; nothing for the bare domain, other hosts or IPs', () => {
  const d = ['localhost', 's3.example.com'];
  assert.equal(virtualHostBucket('photos.localhost:9000', d), 'photos');
  assert.equal(virtualHostBucket('My.Dotted.Bucket.S3.Example.com', d), 'my.dotted.bucket');
  assert.equal(virtualHostBucket('photos.s3.example.com.', d), 'photos');
  assert.equal(virtualHostBucket('localhost:9000', d), undefined);
  assert.equal(virtualHostBucket('s3.example.com', d), undefined);
  assert.equal(virtualHostBucket('photos.other.com', d), undefined);
  assert.equal(virtualHostBucket('127.0.0.1:9000', d), undefined);
  assert.equal(virtualHostBucket('[::1]:9000', d), undefined);
  assert.equal(virtualHostBucket(undefined, d), undefined);
  assert.equal(virtualHostBucket('photos.localhost', []), undefined);
});

it('parseAddress: virtual-hosted requests take the bucket from Host and the whole path as the key', () => {
  const d = ['localhost'];
  assert.deepEqual(
    { ...parseAddress('/a%20b/c?tagging', 'bkt.localhost:9000', d), query: undefined },
    { bucket: 'bkt', key: 'a b/c', rawPath: '/a%20b/c', query: undefined, virtualHosted: true },
  );
  const root = parseAddress('/?list-type=2', 'bkt.localhost', d);
  assert.equal(root.bucket, 'bkt');
  assert.equal(root.key, undefined);
  assert.equal(root.query.get('list-type'), '2');
  // a path-style request to the bare domain or an IP is unchanged
  const p = parseAddress('/bkt/k', 'localhost:9000', d);
  assert.deepEqual([p.bucket, p.key, p.virtualHosted], ['bkt', 'k', false]);
  assert.deepEqual(parseAddress('/', '127.0.0.1', d).bucket, undefined);
  assert.throws(() => parseAddress('/%E0%A4%A', 'bkt.localhost', d), (e: { code?: string }) => e.code === 'InvalidURI');
});
