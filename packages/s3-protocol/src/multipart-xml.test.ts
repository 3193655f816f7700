import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseCompleteMultipartUpload,
  renderCompleteMultipartUploadResult,
  renderCopyPartResult,
  renderInitiateMultipartUploadResult,
  renderListMultipartUploadsResult,
  renderListPartsResult,
  unquoteEtag,
} from './multipart-xml.ts';
import { parseXmlDocument, type XmlNode } from './xml-parse.ts';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

const child = (n: XmlNode, name: string) => n.children.find((c) => c.name === name);
const names = (n: XmlNode) => n.children.map((c) => c.name);

describe('parseCompleteMultipartUpload', () => {
  it('reads parts, unquoting ETags and keeping checksums', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Part><PartNumber>1</PartNumber><ETag>"aaa"</ETag><ChecksumCRC32>AAAAAQ==</ChecksumCRC32></Part>
  <Part><ETag>&quot;bbb&quot;</ETag><PartNumber> 2 </PartNumber></Part>
  <Part><PartNumber>10000</PartNumber><ETag>ccc</ETag><ChecksumSHA256>x</ChecksumSHA256><Unknown/></Part>
</CompleteMultipartUpload>`;
    assert.deepEqual(parseCompleteMultipartUpload(xml), [
      { partNumber: 1, etag: 'aaa', checksums: { CRC32: 'AAAAAQ==' } },
      { partNumber: 2, etag: 'bbb', checksums: {} },
      { partNumber: 10000, etag: 'ccc', checksums: { SHA256: 'x' } },
    ]);
  });

  it('keeps the order as sent (ordering is checked by the caller)', () => {
    const xml = '<CompleteMultipartUpload><Part><PartNumber>2</PartNumber><ETag>b</ETag></Part><Part><PartNumber>1</PartNumber><ETag>a</ETag></Part></CompleteMultipartUpload>';
    assert.deepEqual(parseCompleteMultipartUpload(xml).map((p) => p.partNumber), [2, 1]);
  });

  it('MalformedXML for junk, empty lists and incomplete parts', () => {
    for (const bad of [
      '',
      'not xml',
      '<CompleteMultipartUpload></CompleteMultipartUpload>',
      '<CompleteMultipartUpload/>',
      '<Other><Part><PartNumber>1</PartNumber><ETag>a</ETag></Part></Other>',
      '<CompleteMultipartUpload><Part><ETag>a</ETag></Part></CompleteMultipartUpload>',
      '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>',
      '<CompleteMultipartUpload><Part><PartNumber>x</PartNumber><ETag>a</ETag></Part></CompleteMultipartUpload>',
      '<CompleteMultipartUpload><Part><PartNumber>-1</PartNumber><ETag>a</ETag></Part></CompleteMultipartUpload>',
      '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><PartNumber>2</PartNumber><ETag>a</ETag></Part></CompleteMultipartUpload>',
      '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>a</ETag></Part>',
      '<!DOCTYPE x [<!ENTITY e "a">]><CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&e;</ETag></Part></CompleteMultipartUpload>',
    ]) {
      assert.equal(code(() => parseCompleteMultipartUpload(bad)), 'MalformedXML', bad);
    }
  });

  it('refuses bodies over the bound and more than 10,000 parts', () => {
    assert.equal(code(() => parseCompleteMultipartUpload('<CompleteMultipartUpload>' + ' '.repeat(200) + '</CompleteMultipartUpload>', 100)), 'MaxMessageLengthExceeded');
    const many = '<CompleteMultipartUpload>' + '<Part><PartNumber>1</PartNumber><ETag>a</ETag></Part>'.repeat(10001) + '</CompleteMultipartUpload>';
    assert.equal(code(() => parseCompleteMultipartUpload(many)), 'MalformedXML');
  });

  it('unquoteEtag', () => {
    assert.equal(unquoteEtag('"abc"'), 'abc');
    assert.equal(unquoteEtag(' abc '), 'abc');
    assert.equal(unquoteEtag('"'), '"');
  });
});

describe('multipart results', () => {
  it('InitiateMultipartUploadResult', () => {
    const doc = parseXmlDocument(renderInitiateMultipartUploadResult({ bucket: 'b', key: 'a&b', uploadId: 'u1' }));
    assert.equal(doc.name, 'InitiateMultipartUploadResult');
    assert.deepEqual(names(doc), ['Bucket', 'Key', 'UploadId']);
    assert.equal(child(doc, 'Key')!.text, 'a&b');
  });

  it('CompleteMultipartUploadResult with a quoted ETag and the checksum', () => {
    const xml = renderCompleteMultipartUploadResult({
      location: 'http://h/b/k',
      bucket: 'b',
      key: 'k',
      etag: 'abc-3',
      checksum: { algorithm: 'CRC32', value: 'AAAA-3', type: 'COMPOSITE' },
    });
    assert.ok(xml.includes('<ETag>&quot;abc-3&quot;</ETag>'));
    const doc = parseXmlDocument(xml);
    assert.deepEqual(names(doc), ['Location', 'Bucket', 'Key', 'ETag', 'ChecksumCRC32', 'ChecksumType']);
    assert.equal(child(doc, 'ChecksumType')!.text, 'COMPOSITE');
    const plain = parseXmlDocument(renderCompleteMultipartUploadResult({ location: 'l', bucket: 'b', key: 'k', etag: 'e-1' }));
    assert.deepEqual(names(plain), ['Location', 'Bucket', 'Key', 'ETag']);
  });

  it('CopyPartResult', () => {
    const doc = parseXmlDocument(renderCopyPartResult({ etag: 'e', lastModified: '2024-01-02T03:04:05.000Z' }));
    assert.deepEqual(names(doc), ['LastModified', 'ETag']);
    assert.equal(child(doc, 'ETag')!.text, '"e"');
  });

  it('ListPartsResult', () => {
    const doc = parseXmlDocument(
      renderListPartsResult({
        bucket: 'b',
        key: 'k',
        uploadId: 'u',
        partNumberMarker: 0,
        nextPartNumberMarker: 2,
        maxParts: 2,
        isTruncated: true,
        parts: [
          { partNumber: 1, lastModified: '2024-01-02T03:04:05.000Z', etag: 'e1', size: 5, checksum: { algorithm: 'CRC64NVME', value: 'x' } },
          { partNumber: 2, lastModified: '2024-01-02T03:04:05.000Z', etag: 'e2', size: 6 },
        ],
        initiator: { id: 'u1' },
        owner: { id: 'u1' },
        storageClass: 'STANDARD',
        checksumAlgorithm: 'CRC64NVME',
        checksumType: 'FULL_OBJECT',
      }),
    );
    assert.deepEqual(names(doc), [
      'Bucket', 'Key', 'UploadId', 'PartNumberMarker', 'NextPartNumberMarker', 'MaxParts', 'IsTruncated',
      'Part', 'Part', 'Initiator', 'Owner', 'StorageClass', 'ChecksumAlgorithm', 'ChecksumType',
    ]);
    const p1 = doc.children.find((c) => c.name === 'Part')!;
    assert.deepEqual(names(p1), ['PartNumber', 'LastModified', 'ETag', 'Size', 'ChecksumCRC64NVME']);
    assert.equal(child(p1, 'ETag')!.text, '"e1"');
    assert.equal(child(child(doc, 'Owner')!, 'DisplayName')!.text, 'u1');
  });

  it('ListMultipartUploadsResult, url-encoded when asked', () => {
    const doc = parseXmlDocument(
      renderListMultipartUploadsResult({
        bucket: 'b',
        keyMarker: '',
        uploadIdMarker: '',
        nextKeyMarker: 'a b',
        nextUploadIdMarker: 'u2',
        prefix: '',
        delimiter: '/',
        maxUploads: 2,
        isTruncated: true,
        uploads: [{ key: 'a b', uploadId: 'u2', initiator: { id: 'o' }, owner: { id: 'o' }, storageClass: 'STANDARD', initiated: '2024-01-02T03:04:05.000Z' }],
        commonPrefixes: ['d/'],
        encodingType: 'url',
      }),
    );
    assert.deepEqual(names(doc), [
      'Bucket', 'KeyMarker', 'UploadIdMarker', 'NextKeyMarker', 'Prefix', 'Delimiter', 'NextUploadIdMarker', 'MaxUploads',
      'EncodingType', 'IsTruncated', 'Upload', 'CommonPrefixes',
    ]);
    assert.equal(child(doc, 'NextKeyMarker')!.text, 'a%20b');
    const u = child(doc, 'Upload')!;
    assert.deepEqual(names(u), ['Key', 'UploadId', 'Initiator', 'Owner', 'StorageClass', 'Initiated']);
    assert.equal(child(u, 'Key')!.text, 'a%20b');
  });
});
