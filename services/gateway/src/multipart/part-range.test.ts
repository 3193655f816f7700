import { it } from 'node:test';
import assert from 'node:assert/strict';
import { S3Error } from '@vaultx/s3-protocol';
import type { ObjectRecord } from '@vaultx/metadata-client';
import { partConditions, partSlice } from './part-range.ts';

function record(extra: Partial<ObjectRecord>): ObjectRecord {
  return {
    bucket: 'b', key: 'k', size: 0, etag: 'obj', lastModified: new Date(0).toISOString(), owner: 'o', storageClass: 'STANDARD',
    headers: {}, userMeta: {}, chunks: [], ...extra,
  } as ObjectRecord;
}

const isInvalidPart = (e: unknown) => e instanceof S3Error && e.code === 'InvalidPart' && e.status === 400;

it('a multipart object: the byte range and ETag of part n', () => {
  const obj = record({
    size: 25,
    etag: 'whole-3',
    parts: [
      { partNumber: 1, size: 10, etag: 'e1' },
      { partNumber: 3, size: 10, etag: 'e3' },
      { partNumber: 4, size: 5 },
    ],
  });
  assert.deepEqual(partSlice(obj, 1), { range: { start: 0, end: 9 }, etag: 'e1', partsCount: 3 });
  assert.deepEqual(partSlice(obj, 3), { range: { start: 10, end: 19 }, etag: 'e3', partsCount: 3 });
  // recorded before part ETags were kept: the object's
  assert.deepEqual(partSlice(obj, 4), { range: { start: 20, end: 24 }, etag: 'whole-3', partsCount: 3 });
  assert.throws(() => partSlice(obj, 2), isInvalidPart);
  assert.throws(() => partSlice(obj, 5), isInvalidPart);
});

it('a plain object has part 1 only: all of it', () => {
  const obj = record({ size: 4, etag: 'md5' });
  assert.deepEqual(partSlice(obj, 1), { etag: 'md5', partsCount: 1 });
  assert.throws(() => partSlice(obj, 2), isInvalidPart);
});

it('?partNumber conditions: If-Match names the object by any of its ETags, If-None-Match the part asked for', () => {
  const obj = record({ etag: 'whole-2', parts: [{ partNumber: 1, size: 5, etag: 'e1' }, { partNumber: 2, size: 5, etag: 'e2' }] });
  assert.equal(partConditions({ ifMatch: '"e1"' }, obj, 2).ifMatch, '*');
  assert.equal(partConditions({ ifMatch: '"whole-2"' }, obj, 2).ifMatch, '*');
  assert.equal(partConditions({ ifMatch: '"other", "e2"' }, obj, 1).ifMatch, '*');
  assert.equal(partConditions({ ifMatch: '"other"' }, obj, 1).ifMatch, '"other"');
  assert.equal(partConditions({ ifMatch: 'W/"e1"' }, obj, 1).ifMatch, 'W/"e1"'); // If-Match compares strongly
  assert.equal(partConditions({ ifNoneMatch: '"e2"' }, obj, 2).ifNoneMatch, '*');
  assert.equal(partConditions({ ifNoneMatch: '"e1"' }, obj, 2).ifNoneMatch, '"e1"');
  assert.deepEqual(partConditions({ ifModifiedSince: 'x' }, obj, 1), { ifModifiedSince: 'x', ifMatch: undefined, ifNoneMatch: undefined });
});
