import { it } from 'node:test';
import assert from 'node:assert/strict';
import { parseListVersionsParams, renderListVersions } from './list-versions.ts';
import { S3Error } from './errors.ts';

const q = (s: string) => new URLSearchParams(s);

it('ListObjectVersions params: key-marker starts the listing; version-id-marker only with a key-marker and only "null"', () => {
  assert.equal(parseListVersionsParams(q('versions')).after, undefined);
  const p = parseListVersionsParams(q('versions&key-marker=k&version-id-marker=null&max-keys=5&delimiter=/'));
  assert.deepEqual([p.after, p.keyMarker, p.versionIdMarker, p.maxKeys, p.delimiter], ['k', 'k', 'null', 5, '/']);
  assert.throws(() => parseListVersionsParams(q('versions&version-id-marker=null')), (e: S3Error) => e.code === 'InvalidArgument');
  assert.throws(() => parseListVersionsParams(q('versions&key-marker=k&version-id-marker=abc')), (e: S3Error) => e.code === 'InvalidArgument');
  assert.throws(() => parseListVersionsParams(q('versions&max-keys=x')), (e: S3Error) => e.code === 'InvalidArgument');
});

it('ListVersionsResult: versions are "null" and latest; NextVersionIdMarker only when a truncated page ends with a version', () => {
  const params = parseListVersionsParams(q('versions&max-keys=1'));
  const entry = { key: 'a&b', lastModified: new Date(0), etag: 'e', size: 1, storageClass: 'STANDARD', owner: { id: 'o', displayName: 'o' } };
  const xml = renderListVersions({ name: 'b', params, isTruncated: true, nextKeyMarker: 'a&b', endsWithVersion: true, versions: [entry], commonPrefixes: [] });
  assert.match(xml, /<Version><Key>a&amp;b<\/Key><VersionId>null<\/VersionId><IsLatest>true<\/IsLatest>/);
  assert.match(xml, /<NextKeyMarker>a&amp;b<\/NextKeyMarker><NextVersionIdMarker>null<\/NextVersionIdMarker>/);
  const cp = renderListVersions({ name: 'b', params, isTruncated: true, nextKeyMarker: 'p/', endsWithVersion: false, versions: [], commonPrefixes: ['p/'] });
  assert.doesNotMatch(cp, /NextVersionIdMarker/);
  assert.match(cp, /<CommonPrefixes><Prefix>p\/<\/Prefix><\/CommonPrefixes>/);
});
