import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S3Error } from './errors.ts';
import {
  decodeContinuationToken,
  encodeContinuationToken,
  listObjectsVersion,
  parseListObjectsParams,
} from './list-params.ts';

const q = (s: string) => new URLSearchParams(s);
function invalidArg(msg?: RegExp) {
  return (e: unknown) => e instanceof S3Error && e.code === 'InvalidArgument' && e.status === 400 && (!msg || msg.test(e.message));
}

test('V1 defaults', () => {
  assert.deepEqual(parseListObjectsParams(q(''), 1), {
    version: 1,
    prefix: '',
    delimiter: undefined,
    maxKeys: 1000,
    encodingType: undefined,
    marker: '',
    fetchOwner: true,
    after: undefined,
  });
});

test('V1 marker, prefix, delimiter', () => {
  const p = parseListObjectsParams(q('prefix=a%2Fb&delimiter=%2F&marker=a%2Fb%2Fc&max-keys=5'), 1);
  assert.equal(p.prefix, 'a/b');
  assert.equal(p.delimiter, '/');
  assert.equal(p.marker, 'a/b/c');
  assert.equal(p.after, 'a/b/c');
  assert.equal(p.maxKeys, 5);
  // newline delimiter / marker (s3-tests "unreadable")
  const u = parseListObjectsParams(q('delimiter=%0A&marker=%0A'), 1);
  assert.equal(u.delimiter, '\n');
  assert.equal(u.marker, '\n');
});

test('empty delimiter is no delimiter', () => {
  assert.equal(parseListObjectsParams(q('delimiter='), 1).delimiter, undefined);
  assert.equal(parseListObjectsParams(q('delimiter='), 2).delimiter, undefined);
});

test('V2 defaults', () => {
  assert.deepEqual(parseListObjectsParams(q('list-type=2'), 2), {
    version: 2,
    prefix: '',
    delimiter: undefined,
    maxKeys: 1000,
    encodingType: undefined,
    marker: '',
    continuationToken: undefined,
    startAfter: undefined,
    fetchOwner: false,
    after: undefined,
  });
});

test('V2 token, start-after, fetch-owner', () => {
  const tok = encodeContinuationToken('photos/2006/February/');
  const p = parseListObjectsParams(q(`list-type=2&continuation-token=${tok}&start-after=a&fetch-owner=true`), 2);
  assert.equal(p.continuationToken, tok);
  assert.equal(p.startAfter, 'a');
  assert.equal(p.after, 'photos/2006/February/');
  assert.equal(p.fetchOwner, true);
  const s = parseListObjectsParams(q('list-type=2&start-after=x%20y&fetch-owner=false'), 2);
  assert.equal(s.after, 'x y');
  assert.equal(s.fetchOwner, false);
  assert.equal(parseListObjectsParams(q('fetch-owner=TRUE'), 2).fetchOwner, true);
});

test('V2 empty continuation token: from the start, echoed', () => {
  const p = parseListObjectsParams(q('list-type=2&continuation-token='), 2);
  assert.equal(p.continuationToken, '');
  assert.equal(p.after, undefined);
  assert.equal(parseListObjectsParams(q('continuation-token=&start-after=b'), 2).after, 'b');
});

test('V2 bad continuation token', () => {
  for (const t of ['!!!', 'not base64', 'YQ==', '_w', 'gA']) {
    assert.throws(() => parseListObjectsParams(q(`continuation-token=${encodeURIComponent(t)}`), 2), invalidArg(/continuation token provided is incorrect/), t);
  }
});

test('continuation tokens round-trip any key', () => {
  for (const k of ['a', 'photos/2006/', 'ключ/😀', ' ', '\n', '~!@#$%^&*()+=', 'k'.repeat(1024)]) {
    const t = encodeContinuationToken(k);
    assert.match(t, /^[A-Za-z0-9_-]+$/);
    assert.equal(decodeContinuationToken(t), k);
  }
});

test('max-keys', () => {
  assert.equal(parseListObjectsParams(q('max-keys=0'), 1).maxKeys, 0);
  assert.equal(parseListObjectsParams(q('max-keys=1'), 1).maxKeys, 1);
  assert.equal(parseListObjectsParams(q('max-keys=1000'), 2).maxKeys, 1000);
  assert.equal(parseListObjectsParams(q('max-keys=1001'), 2).maxKeys, 1000);
  assert.equal(parseListObjectsParams(q('max-keys=2147483647'), 2).maxKeys, 1000);
  assert.equal(parseListObjectsParams(q('max-keys=007'), 2).maxKeys, 7);
  for (const v of ['blah', '', '1.5', '1e3', '0x10', '+5', ' 5', '2147483648', '99999999999999999999']) {
    assert.throws(() => parseListObjectsParams(q(`max-keys=${encodeURIComponent(v)}`), 1), invalidArg(/not an integer/), v);
  }
  assert.throws(() => parseListObjectsParams(q('max-keys=-1'), 2), invalidArg(/between 0 and 2147483647/));
  const e = (() => {
    try {
      parseListObjectsParams(q('max-keys=blah'), 1);
    } catch (err) {
      return err as S3Error;
    }
    return undefined;
  })();
  assert.deepEqual(e?.details, { ArgumentName: 'max-keys', ArgumentValue: 'blah' });
});

test('encoding-type', () => {
  assert.equal(parseListObjectsParams(q('encoding-type=url'), 1).encodingType, 'url');
  assert.equal(parseListObjectsParams(q('encoding-type=URL'), 2).encodingType, 'url');
  for (const v of ['', 'base64', 'urls']) {
    assert.throws(() => parseListObjectsParams(q(`encoding-type=${v}`), 2), invalidArg(/Invalid Encoding Method/), v);
  }
});

test('repeated parameters: first wins', () => {
  assert.equal(parseListObjectsParams(q('prefix=a&prefix=b'), 1).prefix, 'a');
});

test('listObjectsVersion', () => {
  assert.equal(listObjectsVersion(q('list-type=2')), 2);
  assert.equal(listObjectsVersion(q('list-type=1')), 1);
  assert.equal(listObjectsVersion(q('list-type=bogus')), 1);
  assert.equal(listObjectsVersion(q('')), 1);
});
