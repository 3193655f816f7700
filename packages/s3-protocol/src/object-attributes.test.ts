import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseObjectAttributes, parsePartsPaging, renderObjectAttributes } from './object-attributes.ts';

const codeOf = (code: string) => (e: unknown) => (e as { code?: string }).code === code;

test('parseObjectAttributes: names as S3 spells them; missing, empty or unknown → InvalidArgument', () => {
  assert.deepEqual([...parseObjectAttributes('ETag, ObjectSize,StorageClass')], ['ETag', 'ObjectSize', 'StorageClass']);
  assert.throws(() => parseObjectAttributes(undefined), codeOf('InvalidArgument'));
  assert.throws(() => parseObjectAttributes(' , '), codeOf('InvalidArgument'));
  assert.throws(() => parseObjectAttributes('ETag,etag'), codeOf('InvalidArgument'));
});

test('parsePartsPaging: defaults 1000 / 0; garbage → InvalidArgument', () => {
  assert.deepEqual(parsePartsPaging(undefined, undefined), { maxParts: 1000, marker: 0 });
  assert.deepEqual(parsePartsPaging('1', '3'), { maxParts: 1, marker: 3 });
  assert.deepEqual(parsePartsPaging('5000', '0'), { maxParts: 1000, marker: 0 });
  assert.throws(() => parsePartsPaging('-1', undefined), codeOf('InvalidArgument'));
  assert.throws(() => parsePartsPaging(undefined, 'x'), codeOf('InvalidArgument'));
});

test('renderObjectAttributes: only what was asked; unquoted ETag; ObjectParts paged, absent for a single-part object', () => {
  const base = { etag: 'abc-6', size: 30, storageClass: 'STANDARD', maxParts: 1, partNumberMarker: 3 };
  const parts = Array.from({ length: 6 }, (_, i) => ({ partNumber: i + 1, size: 5 }));
  const xml = renderObjectAttributes({ ...base, attributes: new Set(['ETag', 'ObjectParts', 'ObjectSize'] as const), parts });
  assert.match(xml, /<ETag>abc-6<\/ETag>/);
  assert.match(
    xml,
    /<ObjectParts><PartsCount>6<\/PartsCount><PartNumberMarker>3<\/PartNumberMarker><NextPartNumberMarker>4<\/NextPartNumberMarker><MaxParts>1<\/MaxParts><IsTruncated>true<\/IsTruncated><Part><PartNumber>4<\/PartNumber><Size>5<\/Size><\/Part><\/ObjectParts>/,
  );
  assert.match(xml, /<ObjectSize>30<\/ObjectSize><\/GetObjectAttributesResponse>$/);
  assert.doesNotMatch(xml, /StorageClass/);
  const single = renderObjectAttributes({ ...base, attributes: new Set(['ObjectParts', 'Checksum'] as const), checksum: { algorithm: 'CRC32', value: 'AAAAAA==', type: 'FULL_OBJECT' } });
  assert.doesNotMatch(single, /ObjectParts/);
  assert.match(single, /<Checksum><ChecksumCRC32>AAAAAA==<\/ChecksumCRC32><ChecksumType>FULL_OBJECT<\/ChecksumType><\/Checksum>/);
});
