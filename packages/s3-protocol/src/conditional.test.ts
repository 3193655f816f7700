import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  conditionalHeadersFrom,
  copySourceConditionalHeadersFrom,
  evaluateConditions,
  evaluateCopySourceConditions,
  parseEtagList,
} from './conditional.ts';

const NOW = new Date(Date.UTC(2024, 5, 1, 12, 0, 0));
// Stored with sub-second precision; compared at whole seconds.
const OBJ = { etag: 'abc123', lastModified: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)) };
const LM = 'Tue, 02 Jan 2024 03:04:05 GMT';
const BEFORE = 'Tue, 02 Jan 2024 03:04:04 GMT';
const AFTER = 'Tue, 02 Jan 2024 03:04:06 GMT';
const OLD = 'Sat, 29 Oct 1994 19:43:31 GMT';
const FUTURE = 'Fri, 29 Oct 2100 19:43:31 GMT';

const ev = (h: Parameters<typeof evaluateConditions>[0], method = 'GET') => evaluateConditions(h, OBJ, method, NOW);

test('no conditions: ok', () => {
  assert.equal(ev({}), 'ok');
  assert.equal(ev({ ifMatch: '', ifNoneMatch: '  ' }), 'ok');
});

test('If-Match', () => {
  assert.equal(ev({ ifMatch: '"abc123"' }), 'ok');
  assert.equal(ev({ ifMatch: 'abc123' }), 'ok');
  assert.equal(ev({ ifMatch: '*' }), 'ok');
  assert.equal(ev({ ifMatch: '"x", "abc123"' }), 'ok');
  assert.equal(ev({ ifMatch: '"ABCORZ"' }), 'precondition-failed');
  assert.equal(ev({ ifMatch: '"ABC123"' }), 'precondition-failed');
  // strong comparison: a weak tag never matches
  assert.equal(ev({ ifMatch: 'W/"abc123"' }), 'precondition-failed');
});

test('If-None-Match', () => {
  assert.equal(ev({ ifNoneMatch: '"abc123"' }), 'not-modified');
  assert.equal(ev({ ifNoneMatch: 'abc123' }), 'not-modified');
  assert.equal(ev({ ifNoneMatch: 'W/"abc123"' }), 'not-modified');
  assert.equal(ev({ ifNoneMatch: '"a", "abc123"' }), 'not-modified');
  assert.equal(ev({ ifNoneMatch: '*' }), 'not-modified');
  assert.equal(ev({ ifNoneMatch: '"ABCORZ"' }), 'ok');
  assert.equal(ev({ ifNoneMatch: '"abc123"' }, 'HEAD'), 'not-modified');
  assert.equal(ev({ ifNoneMatch: '"abc123"' }, 'PUT'), 'precondition-failed');
});

test('If-Modified-Since', () => {
  assert.equal(ev({ ifModifiedSince: OLD }), 'ok');
  assert.equal(ev({ ifModifiedSince: BEFORE }), 'ok');
  // same second as Last-Modified (ms ignored): not modified
  assert.equal(ev({ ifModifiedSince: LM }), 'not-modified');
  assert.equal(ev({ ifModifiedSince: AFTER }), 'not-modified');
  assert.equal(ev({ ifModifiedSince: AFTER }, 'HEAD'), 'not-modified');
  // in the future: ignored
  assert.equal(ev({ ifModifiedSince: FUTURE }), 'ok');
  // invalid: ignored
  assert.equal(ev({ ifModifiedSince: 'not a date' }), 'ok');
  // only for GET/HEAD
  assert.equal(ev({ ifModifiedSince: AFTER }, 'PUT'), 'ok');
  // other formats
  assert.equal(ev({ ifModifiedSince: '2024-01-02T03:04:05Z' }), 'not-modified');
  assert.equal(ev({ ifModifiedSince: 'Tuesday, 02-Jan-24 03:04:05 GMT' }), 'not-modified');
  assert.equal(ev({ ifModifiedSince: 'Tue Jan  2 03:04:05 2024' }), 'not-modified');
});

test('If-Unmodified-Since', () => {
  assert.equal(ev({ ifUnmodifiedSince: OLD }), 'precondition-failed');
  assert.equal(ev({ ifUnmodifiedSince: BEFORE }), 'precondition-failed');
  assert.equal(ev({ ifUnmodifiedSince: LM }), 'ok');
  assert.equal(ev({ ifUnmodifiedSince: FUTURE }), 'ok');
  assert.equal(ev({ ifUnmodifiedSince: 'garbage' }), 'ok');
});

test('S3 precedence: If-Match true + If-Unmodified-Since false → 200', () => {
  assert.equal(ev({ ifMatch: '"abc123"', ifUnmodifiedSince: OLD }), 'ok');
  assert.equal(ev({ ifMatch: '"nope"', ifUnmodifiedSince: FUTURE }), 'precondition-failed');
});

test('S3 precedence: If-None-Match false + If-Modified-Since true → 304', () => {
  assert.equal(ev({ ifNoneMatch: '"abc123"', ifModifiedSince: OLD }), 'not-modified');
  // If-None-Match true: If-Modified-Since is not evaluated
  assert.equal(ev({ ifNoneMatch: '"other"', ifModifiedSince: AFTER }), 'ok');
});

test('412 wins over 304', () => {
  assert.equal(ev({ ifMatch: '"nope"', ifNoneMatch: '"abc123"' }), 'precondition-failed');
  assert.equal(ev({ ifUnmodifiedSince: OLD, ifModifiedSince: AFTER }), 'precondition-failed');
});

test('copy-source conditions: every failure is 412', () => {
  const cs = (h: Parameters<typeof evaluateCopySourceConditions>[0]) => evaluateCopySourceConditions(h, OBJ, NOW);
  assert.equal(cs({}), 'ok');
  assert.equal(cs({ ifMatch: '"abc123"' }), 'ok');
  assert.equal(cs({ ifMatch: '"x"' }), 'precondition-failed');
  assert.equal(cs({ ifNoneMatch: '"abc123"' }), 'precondition-failed');
  assert.equal(cs({ ifNoneMatch: '"x"' }), 'ok');
  assert.equal(cs({ ifModifiedSince: AFTER }), 'precondition-failed');
  assert.equal(cs({ ifModifiedSince: OLD }), 'ok');
  assert.equal(cs({ ifUnmodifiedSince: OLD }), 'precondition-failed');
  assert.equal(cs({ ifUnmodifiedSince: FUTURE }), 'ok');
  // documented pairs
  assert.equal(cs({ ifMatch: '"abc123"', ifUnmodifiedSince: OLD }), 'ok');
  assert.equal(cs({ ifNoneMatch: '"abc123"', ifModifiedSince: OLD }), 'precondition-failed');
});

test('object ETag may be stored quoted', () => {
  assert.equal(evaluateConditions({ ifMatch: '"abc"' }, { etag: '"abc"', lastModified: new Date(0) }, 'GET', NOW), 'ok');
});

test('multipart ETags', () => {
  const o = { etag: 'd41d8cd98f00b204e9800998ecf8427e-3', lastModified: new Date(0) };
  assert.equal(evaluateConditions({ ifMatch: '"d41d8cd98f00b204e9800998ecf8427e-3"' }, o, 'GET', NOW), 'ok');
});

test('parseEtagList', () => {
  assert.equal(parseEtagList(' * '), '*');
  assert.deepEqual(parseEtagList('"a", W/"b",c ,  "d,e"'), [
    { weak: false, opaque: 'a' },
    { weak: true, opaque: 'b' },
    { weak: false, opaque: 'c' },
    { weak: false, opaque: 'd,e' },
  ]);
  assert.deepEqual(parseEtagList('"unterminated'), [{ weak: false, opaque: 'unterminated' }]);
  assert.deepEqual(parseEtagList(', ,'), []);
});

test('header extraction', () => {
  assert.deepEqual(
    conditionalHeadersFrom({ 'if-match': '"a"', 'if-none-match': '"b"', 'if-modified-since': OLD, 'if-unmodified-since': FUTURE }),
    { ifMatch: '"a"', ifNoneMatch: '"b"', ifModifiedSince: OLD, ifUnmodifiedSince: FUTURE },
  );
  assert.deepEqual(
    copySourceConditionalHeadersFrom({
      'x-amz-copy-source-if-match': '"a"',
      'x-amz-copy-source-if-none-match': '"b"',
      'x-amz-copy-source-if-modified-since': OLD,
      'x-amz-copy-source-if-unmodified-since': FUTURE,
    }),
    { ifMatch: '"a"', ifNoneMatch: '"b"', ifModifiedSince: OLD, ifUnmodifiedSince: FUTURE },
  );
});
