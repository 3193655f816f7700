import { it } from 'node:test';
import assert from 'node:assert/strict';
import { S3Error } from './errors.ts';
import { parseObjectAttributes, renderGetObjectAttributesResult } from './object-attributes-xml.ts';

it('parses the attribute list from one or several headers', () => {
  assert.deepEqual([...parseObjectAttributes(['ETag, ObjectSize', 'Checksum'])], ['ETag', 'ObjectSize', 'Checksum']);
  assert.deepEqual([...parseObjectAttributes(['StorageClass,ObjectParts,StorageClass'])], ['StorageClass', 'ObjectParts']);
});

it('an unknown or missing attribute is InvalidArgument', () => {
  const invalid = (e: unknown) => e instanceof S3Error && e.code === 'InvalidArgument';
  assert.throws(() => parseObjectAttributes(['ETag,Size']), invalid);
  assert.throws(() => parseObjectAttributes(['etag']), invalid);
  assert.throws(() => parseObjectAttributes([]), invalid);
  assert.throws(() => parseObjectAttributes([' , ']), invalid);
});

it('renders only what was asked for, ETag unquoted, parts with their checksums', () => {
  const xml = renderGetObjectAttributesResult({
    etag: 'abc-2',
    checksum: { algorithm: 'SHA256', value: 'c2hh-2', type: 'COMPOSITE' },
    objectParts: {
      partNumberMarker: 1,
      nextPartNumberMarker: 2,
      maxParts: 1,
      isTruncated: true,
      partsCount: 3,
      parts: [{ partNumber: 2, size: 5, checksum: { algorithm: 'SHA256', value: 'cDI=' } }],
    },
    storageClass: 'STANDARD',
    objectSize: 15,
  });
  assert.ok(xml.startsWith('<?xml'));
  assert.match(xml, /<GetObjectAttributesResponse xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/"><ETag>abc-2<\/ETag>/);
  assert.match(xml, /<Checksum><ChecksumSHA256>c2hh-2<\/ChecksumSHA256><ChecksumType>COMPOSITE<\/ChecksumType><\/Checksum>/);
  assert.match(
    xml,
    /<ObjectParts><IsTruncated>true<\/IsTruncated><MaxParts>1<\/MaxParts><NextPartNumberMarker>2<\/NextPartNumberMarker><PartNumberMarker>1<\/PartNumberMarker><Part><ChecksumSHA256>cDI=<\/ChecksumSHA256><PartNumber>2<\/PartNumber><Size>5<\/Size><\/Part><PartsCount>3<\/PartsCount><\/ObjectParts>/,
  );
  assert.match(xml, /<StorageClass>STANDARD<\/StorageClass><ObjectSize>15<\/ObjectSize><\/GetObjectAttributesResponse>$/);
  assert.equal(renderGetObjectAttributesResult({ objectSize: 0 }).includes('<ETag>'), false);
});
