import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S3Error } from './errors.ts';
import { contentRange, invalidRangeError, parseRange, unsatisfiedContentRange } from './range.ts';

test('parseRange: absent header', () => {
  assert.equal(parseRange(undefined, 10), undefined);
});

test('parseRange: bytes=a-b', () => {
  assert.deepEqual(parseRange('bytes=0-0', 10), { start: 0, end: 0 });
  assert.deepEqual(parseRange('bytes=4-8', 11), { start: 4, end: 8 });
  assert.deepEqual(parseRange('bytes=0-9', 10), { start: 0, end: 9 });
  // end clamped to size-1 (s3-tests test_ranged_big_request_response_code)
  assert.deepEqual(parseRange('bytes=3145728-5242880', 8 * 1024 * 1024), { start: 3145728, end: 5242880 });
  assert.deepEqual(parseRange('bytes=5-100', 10), { start: 5, end: 9 });
  assert.deepEqual(parseRange('bytes=2800-9223372036854775807', 2890), { start: 2800, end: 2889 });
});

test('parseRange: bytes=a-', () => {
  assert.deepEqual(parseRange('bytes=4-', 7), { start: 4, end: 6 });
  assert.deepEqual(parseRange('bytes=0-', 1), { start: 0, end: 0 });
});

test('parseRange: bytes=-n (suffix)', () => {
  assert.deepEqual(parseRange('bytes=-7', 11), { start: 4, end: 10 });
  assert.deepEqual(parseRange('bytes=-20', 100), { start: 80, end: 99 });
  assert.deepEqual(parseRange('bytes=-150', 100), { start: 0, end: 99 });
  assert.equal(parseRange('bytes=-0', 100), 'unsatisfiable');
});

test('parseRange: unsatisfiable', () => {
  assert.equal(parseRange('bytes=40-50', 7), 'unsatisfiable');
  assert.equal(parseRange('bytes=7-', 7), 'unsatisfiable');
  assert.equal(parseRange('bytes=7-7', 7), 'unsatisfiable');
  assert.equal(parseRange('bytes=40-50', 0), 'unsatisfiable');
  assert.equal(parseRange('bytes=0-', 0), 'unsatisfiable');
  assert.equal(parseRange('bytes=-5', 0), 'unsatisfiable');
});

test('parseRange: ignored (whole object) when invalid or multiple', () => {
  for (const h of ['', 'bytes', 'bytes=', 'bytes=-', 'bytes=a-b', 'bytes=5-2', 'bytes=0-1,3-4', 'bytes=0-1, 3-4', 'items=0-1', 'bytes=1.5-2', 'bytes=--1', 'bytes=0-1-2', '0-1']) {
    assert.equal(parseRange(h, 100), undefined, h);
  }
});

test('parseRange: tolerant of case and whitespace', () => {
  assert.deepEqual(parseRange(' Bytes = 1 - 2 ', 10), { start: 1, end: 2 });
});

test('contentRange helpers and the 416 error', () => {
  assert.equal(contentRange(4, 8, 11), 'bytes 4-8/11');
  assert.equal(unsatisfiedContentRange(7), 'bytes */7');
  const e = invalidRangeError('bytes=40-50', 7);
  assert.ok(e instanceof S3Error);
  assert.equal(e.code, 'InvalidRange');
  assert.equal(e.status, 416);
  assert.deepEqual(e.details, { RangeRequested: 'bytes=40-50', ActualObjectSize: 7 });
});
