import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S3Error } from './errors.ts';
import { validateObjectKey } from './object-key.ts';

test('keys up to 1024 UTF-8 bytes are fine', () => {
  validateObjectKey('a');
  validateObjectKey('k'.repeat(1024));
  validateObjectKey('é'.repeat(512));
  validateObjectKey('');
});

test('keys over 1024 UTF-8 bytes: KeyTooLongError', () => {
  assert.throws(
    () => validateObjectKey('k'.repeat(1025)),
    (e: unknown) =>
      e instanceof S3Error && e.code === 'KeyTooLongError' && e.status === 400 && e.details.Size === 1025 && e.details.MaxSizeAllowed === 1024,
  );
  // 513 two-byte characters: 1026 bytes, only 513 code units
  assert.throws(() => validateObjectKey('é'.repeat(513)), (e: unknown) => e instanceof S3Error && e.details.Size === 1026);
  assert.throws(() => validateObjectKey('😀'.repeat(257)), (e: unknown) => e instanceof S3Error && e.details.Size === 1028);
});
