import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  renderCopyObjectResult,
  renderDeleteResult,
  renderListBuckets,
  renderListObjectsV1,
  renderListObjectsV2,
  renderLocation,
  type ObjectEntry,
} from './xml-render.ts';
import { parseXmlDocument, type XmlNode } from './xml-parse.ts';

const DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';
const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

function childNames(n: XmlNode): string[] {
  return n.children.map((c) => c.name);
}
function child(n: XmlNode, name: string): XmlNode | undefined {
  return n.children.find((c) => c.name === name);
}

const entry = (key: string, extra: Partial<ObjectEntry> = {}): ObjectEntry => ({
  key,
  lastModified: '2024-01-02T03:04:05.000Z',
  etag: 'd41d8cd98f00b204e9800998ecf8427e',
  size: 0,
  storageClass: 'STANDARD',
  ...extra,
});

test('renderListBuckets', () => {
  const xml = renderListBuckets({
    owner: { id: 'abc', displayName: 'me' },
    buckets: [
      { name: 'alpha', createdAt: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)) },
      { name: 'beta', createdAt: '2024-02-03T04:05:06.789Z', region: 'eu-west-1' },
    ],
  });
  assert.equal(
    xml,
    `${DECL}<ListAllMyBucketsResult ${NS}><Owner><ID>abc</ID><DisplayName>me</DisplayName></Owner><Buckets>` +
      '<Bucket><Name>alpha</Name><CreationDate>2024-01-02T03:04:05.000Z</CreationDate></Bucket>' +
      '<Bucket><Name>beta</Name><CreationDate>2024-02-03T04:05:06.789Z</CreationDate><BucketRegion>eu-west-1</BucketRegion></Bucket>' +
      '</Buckets></ListAllMyBucketsResult>',
  );
});

test('renderListBuckets: empty, with continuation token and prefix', () => {
  const xml = renderListBuckets({ owner: { id: 'o' }, buckets: [], continuationToken: 'tok', prefix: 'a&b' });
  assert.equal(
    xml,
    `${DECL}<ListAllMyBucketsResult ${NS}><Owner><ID>o</ID></Owner><Buckets></Buckets>` +
      '<ContinuationToken>tok</ContinuationToken><Prefix>a&amp;b</Prefix></ListAllMyBucketsResult>',
  );
});

test('renderLocation: empty element for us-east-1', () => {
  assert.equal(renderLocation('us-east-1'), `${DECL}<LocationConstraint ${NS}/>`);
  assert.equal(renderLocation(''), `${DECL}<LocationConstraint ${NS}/>`);
  assert.equal(renderLocation('eu-west-1'), `${DECL}<LocationConstraint ${NS}>eu-west-1</LocationConstraint>`);
});

test('renderListObjectsV1: the S3 shape', () => {
  const xml = renderListObjectsV1({
    name: 'bkt',
    prefix: '',
    marker: '',
    maxKeys: 1000,
    isTruncated: false,
    contents: [entry('my-image.jpg', { size: 434234, owner: { id: 'oid', displayName: 'me' } })],
    commonPrefixes: [],
  });
  assert.equal(
    xml,
    `${DECL}<ListBucketResult ${NS}><Name>bkt</Name><Prefix></Prefix><Marker></Marker><MaxKeys>1000</MaxKeys>` +
      '<IsTruncated>false</IsTruncated><Contents><Key>my-image.jpg</Key><LastModified>2024-01-02T03:04:05.000Z</LastModified>' +
      '<ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>434234</Size>' +
      '<Owner><ID>oid</ID><DisplayName>me</DisplayName></Owner><StorageClass>STANDARD</StorageClass></Contents></ListBucketResult>',
  );
});

test('renderListObjectsV1: NextMarker only with a delimiter and truncation', () => {
  const base = {
    name: 'b',
    prefix: 'p/',
    marker: 'p/a',
    maxKeys: 2,
    contents: [entry('p/b')],
    commonPrefixes: ['p/c/'],
  };
  const withDelim = renderListObjectsV1({ ...base, delimiter: '/', isTruncated: true, nextMarker: 'p/c/' });
  const root = parseXmlDocument(withDelim);
  assert.deepEqual(childNames(root), ['Name', 'Prefix', 'Marker', 'NextMarker', 'MaxKeys', 'Delimiter', 'IsTruncated', 'Contents', 'CommonPrefixes']);
  assert.equal(child(root, 'NextMarker')?.text, 'p/c/');
  assert.equal(child(child(root, 'CommonPrefixes')!, 'Prefix')?.text, 'p/c/');

  const noDelim = renderListObjectsV1({ ...base, isTruncated: true, nextMarker: 'p/b' });
  assert.doesNotMatch(noDelim, /NextMarker|Delimiter/);
  const notTruncated = renderListObjectsV1({ ...base, delimiter: '/', isTruncated: false, nextMarker: 'p/b' });
  assert.doesNotMatch(notTruncated, /NextMarker/);
  const emptyDelim = renderListObjectsV1({ ...base, delimiter: '', isTruncated: true, nextMarker: 'p/b' });
  assert.doesNotMatch(emptyDelim, /NextMarker|Delimiter/);
});

test('renderListObjectsV1: encoding-type=url encodes Key, Prefix, Marker, NextMarker, Delimiter, CommonPrefixes', () => {
  const xml = renderListObjectsV1({
    name: 'my bucket',
    prefix: 'a b/',
    marker: 'a b/+',
    nextMarker: 'a b/c d/',
    maxKeys: 2,
    delimiter: ' ',
    isTruncated: true,
    encodingType: 'url',
    contents: [entry('a b/&x')],
    commonPrefixes: ['a b/c d/'],
  });
  const root = parseXmlDocument(xml);
  assert.equal(child(root, 'Name')?.text, 'my bucket');
  assert.equal(child(root, 'Prefix')?.text, 'a%20b/');
  assert.equal(child(root, 'Marker')?.text, 'a%20b/%2B');
  assert.equal(child(root, 'NextMarker')?.text, 'a%20b/c%20d/');
  assert.equal(child(root, 'Delimiter')?.text, '%20');
  assert.equal(child(root, 'EncodingType')?.text, 'url');
  assert.equal(child(child(root, 'Contents')!, 'Key')?.text, 'a%20b/%26x');
  assert.equal(child(child(root, 'CommonPrefixes')!, 'Prefix')?.text, 'a%20b/c%20d/');
  assert.deepEqual(childNames(root), ['Name', 'Prefix', 'Marker', 'NextMarker', 'MaxKeys', 'Delimiter', 'EncodingType', 'IsTruncated', 'Contents', 'CommonPrefixes']);
});

test('renderListObjectsV2: the S3 shape, no owner unless fetch-owner', () => {
  const xml = renderListObjectsV2({
    name: 'bkt',
    prefix: 'photos/2006/',
    delimiter: '/',
    maxKeys: 1000,
    keyCount: 3,
    isTruncated: false,
    fetchOwner: false,
    contents: [entry('photos/2006/', { owner: { id: 'x' } })],
    commonPrefixes: ['photos/2006/February/', 'photos/2006/January/'],
  });
  assert.equal(
    xml,
    `${DECL}<ListBucketResult ${NS}><Name>bkt</Name><Prefix>photos/2006/</Prefix><KeyCount>3</KeyCount><MaxKeys>1000</MaxKeys>` +
      '<Delimiter>/</Delimiter><IsTruncated>false</IsTruncated><Contents><Key>photos/2006/</Key>' +
      '<LastModified>2024-01-02T03:04:05.000Z</LastModified><ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag>' +
      '<Size>0</Size><StorageClass>STANDARD</StorageClass></Contents>' +
      '<CommonPrefixes><Prefix>photos/2006/February/</Prefix></CommonPrefixes>' +
      '<CommonPrefixes><Prefix>photos/2006/January/</Prefix></CommonPrefixes></ListBucketResult>',
  );
});

test('renderListObjectsV2: tokens, start-after, fetch-owner, encoding', () => {
  const xml = renderListObjectsV2({
    name: 'b',
    prefix: '',
    maxKeys: 1,
    keyCount: 1,
    isTruncated: true,
    continuationToken: 'tok+/=',
    nextContinuationToken: 'next',
    startAfter: 'x y',
    encodingType: 'url',
    fetchOwner: true,
    contents: [entry('k k', { owner: { id: 'oid', displayName: 'dn' } })],
    commonPrefixes: [],
  });
  const root = parseXmlDocument(xml);
  assert.deepEqual(childNames(root), [
    'Name',
    'Prefix',
    'ContinuationToken',
    'NextContinuationToken',
    'KeyCount',
    'MaxKeys',
    'EncodingType',
    'StartAfter',
    'IsTruncated',
    'Contents',
  ]);
  assert.equal(child(root, 'ContinuationToken')?.text, 'tok+/=');
  assert.equal(child(root, 'StartAfter')?.text, 'x%20y');
  const c = child(root, 'Contents')!;
  assert.deepEqual(childNames(c), ['Key', 'LastModified', 'ETag', 'Size', 'Owner', 'StorageClass']);
  assert.equal(child(c, 'Key')?.text, 'k%20k');
  assert.equal(child(child(c, 'Owner')!, 'ID')?.text, 'oid');
});

test('renderListObjectsV2: empty continuation token is echoed; NextContinuationToken only when truncated', () => {
  const xml = renderListObjectsV2({
    name: 'b',
    prefix: '',
    maxKeys: 1000,
    keyCount: 0,
    isTruncated: false,
    continuationToken: '',
    nextContinuationToken: 'ignored',
    fetchOwner: false,
    contents: [],
    commonPrefixes: [],
  });
  assert.match(xml, /<ContinuationToken><\/ContinuationToken>/);
  assert.doesNotMatch(xml, /NextContinuationToken/);
  assert.match(xml, /<KeyCount>0<\/KeyCount>/);
});

test('listing: keys with XML specials, control chars and unicode survive a parse', () => {
  const keys = ['a<b>&c"d\'e', 'line\nbreak\r\ttab', '日本語/😀', ' lead and trail ', '0123', '1e3', 'ctl\u0001'];
  const xml = renderListObjectsV2({
    name: 'b',
    prefix: '',
    maxKeys: 1000,
    keyCount: keys.length,
    isTruncated: false,
    fetchOwner: false,
    contents: keys.map((k) => entry(k)),
    commonPrefixes: ['p&<>/'],
  });
  assert.match(xml, /<Key>a&lt;b&gt;&amp;c&quot;d&apos;e<\/Key>/);
  assert.match(xml, /<Key>line&#xa;break&#xd;&#x9;tab<\/Key>/);
  assert.match(xml, /<Key>ctl&#x1;<\/Key>/);
  // Our own (XML 1.0 strict) parser refuses &#x1;, as S3's does; check the rest round-trips.
  const parsed = parseXmlDocument(xml.replace('<Key>ctl&#x1;</Key>', '<Key>ctl</Key>'));
  const got = parsed.children.filter((c) => c.name === 'Contents').map((c) => child(c, 'Key')?.text);
  assert.deepEqual(got, [...keys.slice(0, -1), 'ctl']);
});

test('renderDeleteResult: deleted and errors', () => {
  const xml = renderDeleteResult({
    deleted: [{ key: 'sample1.txt' }, { key: 'v.txt', versionId: 'v1', deleteMarker: true, deleteMarkerVersionId: 'dm1' }],
    errors: [{ key: 'sample2.txt', code: 'AccessDenied', message: 'Access Denied' }],
    quiet: false,
  });
  assert.equal(
    xml,
    `${DECL}<DeleteResult ${NS}><Deleted><Key>sample1.txt</Key></Deleted>` +
      '<Deleted><Key>v.txt</Key><VersionId>v1</VersionId><DeleteMarker>true</DeleteMarker><DeleteMarkerVersionId>dm1</DeleteMarkerVersionId></Deleted>' +
      '<Error><Key>sample2.txt</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error></DeleteResult>',
  );
});

test('renderDeleteResult: quiet mode reports only errors', () => {
  const xml = renderDeleteResult({
    deleted: [{ key: 'a' }],
    errors: [{ key: 'b&', versionId: 'v', code: 'InternalError', message: 'x' }],
    quiet: true,
  });
  assert.equal(
    xml,
    `${DECL}<DeleteResult ${NS}><Error><Key>b&amp;</Key><VersionId>v</VersionId><Code>InternalError</Code><Message>x</Message></Error></DeleteResult>`,
  );
  assert.equal(renderDeleteResult({ deleted: [{ key: 'a' }], errors: [], quiet: true }), `${DECL}<DeleteResult ${NS}></DeleteResult>`);
});

test('renderCopyObjectResult', () => {
  assert.equal(
    renderCopyObjectResult({ etag: '9b2cf535f27731c974343645a3985328', lastModified: new Date(Date.UTC(2009, 9, 28, 22, 32)) }),
    `${DECL}<CopyObjectResult ${NS}><LastModified>2009-10-28T22:32:00.000Z</LastModified>` +
      '<ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag></CopyObjectResult>',
  );
});
