import { it } from 'node:test';
import assert from 'node:assert/strict';
import { S3Error } from '@vaultx/s3-protocol';
import { lastOfEachPartNumber } from './complete-parts.ts';

const p = (partNumber: number, etag: string) => ({ partNumber, etag, checksums: {} });

it('keeps ascending lists as they are', () => {
  const parts = [p(1, 'a'), p(2, 'b'), p(5, 'c')];
  assert.deepEqual(lastOfEachPartNumber(parts, 'u'), parts);
});

it('a part number listed twice in a row counts once, with its last entry', () => {
  assert.deepEqual(lastOfEachPartNumber([p(1, 'b'), p(1, 'a'), p(2, 'x'), p(2, 'y'), p(2, 'z')], 'u'), [p(1, 'a'), p(2, 'z')]);
});

it('a smaller number after a larger one is InvalidPartOrder', () => {
  assert.throws(
    () => lastOfEachPartNumber([p(1, 'a'), p(3, 'b'), p(2, 'c')], 'upload-1'),
    (e: unknown) => e instanceof S3Error && e.code === 'InvalidPartOrder' && e.details.UploadId === 'upload-1',
  );
  assert.throws(() => lastOfEachPartNumber([p(2, 'a'), p(2, 'b'), p(1, 'c')], 'u'), /ascending/);
});
