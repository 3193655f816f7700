import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPostLength, checkPostPolicy, isExemptPostField, parsePostPolicy } from './post-policy.ts';

const b64 = (doc: unknown) => Buffer.from(typeof doc === 'string' ? doc : JSON.stringify(doc)).toString('base64');
const now = new Date('2026-01-01T00:00:00Z');
const future = '2026-01-02T00:00:00.000Z';
const err = (code: string, message?: RegExp) => (e: unknown) => {
  const x = e as { code?: string; message?: string };
  return x.code === code && (message === undefined || message.test(x.message ?? ''));
};
const form = (o: Record<string, string>) => new Map(Object.entries(o));

test('parsePostPolicy: all condition shapes', () => {
  const p = parsePostPolicy(b64({
    expiration: future,
    conditions: [{ bucket: 'b' }, ['starts-with', '$key', 'foo'], ['eq', '$Content-Type', 'text/plain'], ['content-length-range', 0, '1024']],
  }));
  assert.equal(p.expiration.toISOString(), future);
  assert.deepEqual(p.conditions, [
    { kind: 'eq', field: 'bucket', value: 'b' },
    { kind: 'starts-with', field: 'key', prefix: 'foo' },
    { kind: 'eq', field: 'content-type', value: 'text/plain' },
    { kind: 'content-length-range', min: 0, max: 1024 },
  ]);
});

test('parsePostPolicy: malformed documents are InvalidPolicyDocument (400)', () => {
  assert.throws(() => parsePostPolicy('%%%not base64'), err('InvalidPolicyDocument'));
  assert.throws(() => parsePostPolicy(b64('{"expiration": ')), err('InvalidPolicyDocument'));
  assert.throws(() => parsePostPolicy(b64({ conditions: [] })), err('InvalidPolicyDocument', /expiration/));
  assert.throws(() => parsePostPolicy(b64({ expiration: future })), err('InvalidPolicyDocument', /conditions/));
  assert.throws(() => parsePostPolicy(b64({ expiration: 'tomorrow', conditions: [] })), err('InvalidPolicyDocument'));
  assert.throws(() => parsePostPolicy(b64({ expiration: future, conditions: [['content-length-range', 0, -1]] })), err('InvalidPolicyDocument'));
  assert.throws(() => parsePostPolicy(b64({ expiration: future, conditions: [['eq', 'key', 'x']] })), err('InvalidPolicyDocument'));
  assert.throws(() => parsePostPolicy(b64({ expiration: future, conditions: [['in', '$key', 'x']] })), err('InvalidPolicyDocument'));
});

test('checkPostPolicy: expired, failed and extra fields are AccessDenied', () => {
  const p = (conditions: unknown[], expiration = future) => parsePostPolicy(b64({ expiration, conditions }));
  assert.throws(() => checkPostPolicy(p([], '2025-12-31T00:00:00Z'), form({}), now), err('AccessDenied', /^Invalid according to Policy: Policy expired\.$/));
  assert.throws(
    () => checkPostPolicy(p([['starts-with', '$key', 'foo']]), form({ key: 'bar' }), now),
    err('AccessDenied', /Policy Condition failed: \["starts-with", "\$key", "foo"\]/),
  );
  assert.throws(() => checkPostPolicy(p([{ bucket: 'other' }]), form({ bucket: 'b' }), now), err('AccessDenied', /Condition failed/));
  assert.throws(
    () => checkPostPolicy(p([['starts-with', '$key', '']]), form({ key: 'k', 'x-amz-meta-foo': 'v', policy: 'p', 'x-ignore-me': '1' }), now),
    err('AccessDenied', /^Invalid according to Policy: Extra input fields: x-amz-meta-foo$/),
  );
});

test('checkPostPolicy: passing forms; content-type lists; the range comes back', () => {
  const p = parsePostPolicy(b64({
    expiration: future,
    conditions: [{ bucket: 'b' }, ['starts-with', '$key', 'foo'], ['starts-with', '$content-type', 'text/'], ['content-length-range', 1, 10]],
  }));
  const range = checkPostPolicy(p, form({ bucket: 'b', key: 'foo.txt', 'content-type': 'text/plain, text/html', signature: 's', awsaccesskeyid: 'a' }), now);
  assert.deepEqual(range, { min: 1, max: 10 });
  assert.throws(() => checkPostPolicy(p, form({ bucket: 'b', key: 'foo', 'content-type': 'text/plain,image/png' }), now), err('AccessDenied'));
  assert.equal(isExemptPostField('X-Amz-Signature'), true);
  assert.equal(isExemptPostField('x-amz-date'), false);
});

test('checkPostLength: EntityTooSmall / EntityTooLarge', () => {
  checkPostLength(undefined, 5);
  checkPostLength({ min: 1, max: 10 }, 10);
  assert.throws(() => checkPostLength({ min: 1, max: 10 }, 0), err('EntityTooSmall'));
  assert.throws(() => checkPostLength({ min: 1, max: 10 }, 11), err('EntityTooLarge'));
});
