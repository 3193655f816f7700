/**
 * ListObjectVersions (`GET /bucket?versions`): its query parameters and its
 * XML, for buckets whose versioning was never enabled. There every object has
 * exactly one version, whose id is the literal `null`, and there are no
 * delete markers — so a listing is the object listing with each object shown
 * as its one, latest version. Tools clean buckets out through this call
 * (list versions, then delete each with its versionId), so it must answer
 * even where versioning itself is not built.
 *
 * Parameters as S3 reads them: prefix, delimiter, max-keys and encoding-type
 * exactly as for ListObjects; key-marker starts after that key;
 * version-id-marker needs a key-marker (InvalidArgument otherwise) and, with
 * only `null` versions, may only be `null` (anything else is an invalid
 * version id, as S3 answers for an id it never issued).
 */
import { formatIsoDate } from './dates.ts';
import { encodeListingValue } from './encoding.ts';
import { S3Error } from './errors.ts';
import { parseEncodingType, parseMaxKeys } from './list-params.ts';
import { renderCommonPrefixes, renderOwner, type ObjectEntry } from './xml-render.ts';
import { S3_XMLNS, XML_DECLARATION, quoteEtag, xmlElement } from './xml-escape.ts';

/** The version id of every object in a bucket that never had versioning. */
export const NULL_VERSION_ID = 'null';

export interface ListVersionsParams {
  prefix: string;
  /** undefined when absent or empty. */
  delimiter?: string;
  maxKeys: number;
  encodingType?: 'url';
  /** Echoed as sent ('' when absent). */
  keyMarker: string;
  versionIdMarker: string;
  /** Where the listing starts (exclusive); undefined: from the start. */
  after?: string;
}

export function parseListVersionsParams(query: URLSearchParams): ListVersionsParams {
  const maxKeys = parseMaxKeys(query.get('max-keys'));
  const encodingType = parseEncodingType(query.get('encoding-type'));
  const prefix = query.get('prefix') ?? '';
  const delimiterRaw = query.get('delimiter');
  const keyMarker = query.get('key-marker') ?? '';
  const versionIdMarker = query.get('version-id-marker') ?? '';
  if (versionIdMarker !== '' && keyMarker === '') {
    throw new S3Error('InvalidArgument', 'A version-id marker cannot be specified without a key marker.', {
      ArgumentName: 'version-id-marker',
      ArgumentValue: versionIdMarker,
    });
  }
  if (versionIdMarker !== '' && versionIdMarker !== NULL_VERSION_ID) {
    throw new S3Error('InvalidArgument', 'Invalid version id specified', {
      ArgumentName: 'version-id-marker',
      ArgumentValue: versionIdMarker,
    });
  }
  return {
    prefix,
    delimiter: delimiterRaw === null || delimiterRaw === '' ? undefined : delimiterRaw,
    maxKeys,
    encodingType,
    keyMarker,
    versionIdMarker,
    // The only version of key-marker is `null`, so "after key-marker's version
    // `null`" and "after key-marker" start at the same place.
    after: keyMarker === '' ? undefined : keyMarker,
  };
}

export interface ListVersionsInput {
  name: string;
  params: ListVersionsParams;
  isTruncated: boolean;
  /** The last key or common prefix on a truncated page. */
  nextKeyMarker?: string;
  /** True when the page ends with a version (then NextVersionIdMarker is `null`). */
  endsWithVersion: boolean;
  versions: ObjectEntry[];
  commonPrefixes: string[];
}

export function renderListVersions(input: ListVersionsInput): string {
  const p = input.params;
  const enc = p.encodingType;
  let out = `${XML_DECLARATION}<ListVersionsResult xmlns="${S3_XMLNS}">`;
  out += xmlElement('Name', input.name);
  out += xmlElement('Prefix', encodeListingValue(p.prefix, enc));
  out += xmlElement('KeyMarker', encodeListingValue(p.keyMarker, enc));
  out += xmlElement('VersionIdMarker', p.versionIdMarker);
  if (input.isTruncated && input.nextKeyMarker !== undefined) {
    out += xmlElement('NextKeyMarker', encodeListingValue(input.nextKeyMarker, enc));
    if (input.endsWithVersion) out += xmlElement('NextVersionIdMarker', NULL_VERSION_ID);
  }
  out += xmlElement('MaxKeys', p.maxKeys);
  if (p.delimiter !== undefined) out += xmlElement('Delimiter', encodeListingValue(p.delimiter, enc));
  out += xmlElement('EncodingType', enc);
  out += xmlElement('IsTruncated', input.isTruncated ? 'true' : 'false');
  for (const v of input.versions) {
    out +=
      '<Version>' +
      xmlElement('Key', encodeListingValue(v.key, enc)) +
      xmlElement('VersionId', NULL_VERSION_ID) +
      xmlElement('IsLatest', 'true') +
      xmlElement('LastModified', formatIsoDate(v.lastModified)) +
      xmlElement('ETag', quoteEtag(v.etag)) +
      xmlElement('Size', v.size) +
      (v.owner ? renderOwner(v.owner) : '') +
      xmlElement('StorageClass', v.storageClass) +
      '</Version>';
  }
  out += renderCommonPrefixes(input.commonPrefixes, enc);
  return `${out}</ListVersionsResult>`;
}
