import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S3Error } from './errors.ts';
import {
  applyResponseOverrides,
  extractObjectHeaders,
  hasResponseOverrides,
  stripAwsChunked,
  userMetaHeaders,
} from './object-headers.ts';

test('defaults: binary/octet-stream and nothing else', () => {
  assert.deepEqual(extractObjectHeaders({}), { headers: { 'content-type': 'binary/octet-stream' }, userMeta: {} });
  assert.equal(extractObjectHeaders({ 'content-type': '' }).headers['content-type'], 'binary/octet-stream');
});

test('stored system headers, as sent', () => {
  const { headers } = extractObjectHeaders({
    'content-type': 'text/plain; charset=utf-8',
    'content-encoding': 'gzip',
    'content-disposition': 'attachment; filename="a b.txt"',
    'content-language': 'en-US',
    'cache-control': 'max-age=60',
    expires: 'Thu, 01 Dec 1994 16:00:00 GMT',
    'x-amz-website-redirect-location': '/other',
    'content-length': '10',
    'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
    authorization: 'AWS4-HMAC-SHA256 …',
  });
  assert.deepEqual(headers, {
    'content-type': 'text/plain; charset=utf-8',
    'content-encoding': 'gzip',
    'content-disposition': 'attachment; filename="a b.txt"',
    'content-language': 'en-US',
    'cache-control': 'max-age=60',
    expires: 'Thu, 01 Dec 1994 16:00:00 GMT',
    'x-amz-website-redirect-location': '/other',
  });
});

test('aws-chunked is stripped from Content-Encoding', () => {
  assert.equal(extractObjectHeaders({ 'content-encoding': 'aws-chunked' }).headers['content-encoding'], undefined);
  assert.equal(extractObjectHeaders({ 'content-encoding': 'aws-chunked,gzip' }).headers['content-encoding'], 'gzip');
  assert.equal(extractObjectHeaders({ 'content-encoding': 'gzip, AWS-Chunked' }).headers['content-encoding'], 'gzip');
  assert.equal(stripAwsChunked('gzip, br'), 'gzip, br');
  assert.equal(stripAwsChunked('aws-chunked, gzip, br'), 'gzip,br');
  assert.equal(stripAwsChunked(undefined), undefined);
});

test('website redirect location must be /, http:// or https://', () => {
  assert.equal(extractObjectHeaders({ 'x-amz-website-redirect-location': 'https://example.com/x' }).headers['x-amz-website-redirect-location'], 'https://example.com/x');
  assert.throws(
    () => extractObjectHeaders({ 'x-amz-website-redirect-location': 'example.com' }),
    (e: unknown) => e instanceof S3Error && e.code === 'InvalidArgument',
  );
  assert.throws(
    () => extractObjectHeaders({ 'x-amz-website-redirect-location': '/' + 'a'.repeat(2048) }),
    (e: unknown) => e instanceof S3Error && e.code === 'InvalidArgument',
  );
});

test('user metadata: lowercase names without prefix, values as sent, empty kept', () => {
  const { userMeta } = extractObjectHeaders({
    'x-amz-meta-color': 'Blue Sky',
    'X-Amz-Meta-Mixed': 'v',
    'x-amz-meta-empty': '',
    'x-amz-meta-': 'nameless',
    'x-amz-metadata-directive': 'REPLACE',
    'x-amz-meta-list': ['a', 'b'],
  });
  assert.deepEqual(userMeta, { color: 'Blue Sky', mixed: 'v', empty: '', list: 'a, b' });
  assert.equal(Object.getPrototypeOf(userMeta), Object.prototype);
});

test('user metadata: __proto__ and friends are plain names', () => {
  const { userMeta } = extractObjectHeaders({ 'x-amz-meta-__proto__': 'x', 'x-amz-meta-constructor': 'y' });
  assert.equal(Object.keys(userMeta).length, 2);
  assert.equal(userMeta['__proto__' as string], 'x');
  assert.equal(({} as Record<string, unknown>).x, undefined);
});

test('user metadata: 2 KB limit (names + values)', () => {
  // name "k" (1 byte) + value 2047 bytes = 2048: allowed
  assert.doesNotThrow(() => extractObjectHeaders({ 'x-amz-meta-k': 'v'.repeat(2047) }));
  assert.throws(
    () => extractObjectHeaders({ 'x-amz-meta-k': 'v'.repeat(2048) }),
    (e: unknown) =>
      e instanceof S3Error && e.code === 'MetadataTooLarge' && e.status === 400 && e.details.Size === 2049 && e.details.MaxSizeAllowed === 2048,
  );
  const many: Record<string, string> = {};
  for (let i = 0; i < 100; i++) many[`x-amz-meta-key${String(i).padStart(3, '0')}`] = 'x'.repeat(15); // 6 + 15 = 21 bytes each
  assert.throws(() => extractObjectHeaders(many), (e: unknown) => e instanceof S3Error && e.details.Size === 2100);
});

test('user metadata size counts raw header bytes (latin1-decoded UTF-8)', () => {
  // "é" sent as UTF-8 arrives from Node as two latin1 chars
  const wire = Buffer.from('é'.repeat(1023), 'utf8').toString('latin1');
  assert.doesNotThrow(() => extractObjectHeaders({ 'x-amz-meta-ab': wire })); // 2 + 2046
  assert.throws(() => extractObjectHeaders({ 'x-amz-meta-abc': wire }), (e: unknown) => e instanceof S3Error && e.details.Size === 2049);
});

test('userMetaHeaders', () => {
  assert.deepEqual(userMetaHeaders({ color: 'blue', empty: '' }), { 'x-amz-meta-color': 'blue', 'x-amz-meta-empty': '' });
});

test('applyResponseOverrides', () => {
  const q = new URLSearchParams({
    'response-content-type': 'text/html',
    'response-content-language': 'fr',
    'response-expires': 'Thu, 01 Dec 1994 16:00:00 GMT',
    'response-cache-control': 'no-cache',
    'response-content-disposition': 'attachment; filename="x y.txt"',
    'response-content-encoding': 'identity',
    'response-other': 'ignored',
  });
  const h = applyResponseOverrides(q, { 'content-type': 'binary/octet-stream', etag: '"x"' });
  assert.deepEqual(h, {
    'content-type': 'text/html',
    etag: '"x"',
    'content-language': 'fr',
    expires: 'Thu, 01 Dec 1994 16:00:00 GMT',
    'cache-control': 'no-cache',
    'content-disposition': 'attachment; filename="x y.txt"',
    'content-encoding': 'identity',
  });
  assert.ok(hasResponseOverrides(q));
  assert.ok(!hasResponseOverrides(new URLSearchParams('versionId=1')));
  assert.deepEqual(applyResponseOverrides(new URLSearchParams(''), { a: 'b' }), { a: 'b' });
});
