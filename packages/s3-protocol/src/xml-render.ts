/**
 * S3 response bodies. Each starts with the XML declaration and its root
 * carries the S3 namespace; elements come in the order Amazon S3 sends them
 * (SDK parsers go by name, but some hand-written clients go by order).
 * Dates are ISO 8601 with milliseconds; ETags are quoted, so on the wire
 * they read `<ETag>&quot;abc&quot;</ETag>` exactly as S3 sends them.
 */
import { formatIsoDate } from './dates.ts';
import { encodeListingValue } from './encoding.ts';
import { S3_XMLNS, XML_DECLARATION, escapeXml, quoteEtag, xmlElement } from './xml-escape.ts';

export interface Owner {
  id: string;
  displayName?: string;
}

export interface ObjectEntry {
  key: string;
  /** ISO string or Date; rendered as ISO 8601 with milliseconds. */
  lastModified: string | Date;
  /** Unquoted ETag (e.g. `d41d8cd98f00b204e9800998ecf8427e` or `abc…-3`). */
  etag: string;
  size: number;
  storageClass: string;
  owner?: Owner;
}

function open(root: string): string {
  return `${XML_DECLARATION}<${root} xmlns="${S3_XMLNS}">`;
}

export function renderOwner(owner: Owner): string {
  return `<Owner>${xmlElement('ID', owner.id)}${xmlElement('DisplayName', owner.displayName)}</Owner>`;
}

function bool(b: boolean): string {
  return b ? 'true' : 'false';
}

// ---------------------------------------------------------------- ListBuckets

export interface ListBucketsInput {
  owner: Owner;
  buckets: { name: string; createdAt: string | Date; region?: string }[];
  /** The token for the NEXT page (S3 returns it only when more buckets remain). */
  continuationToken?: string;
  /** Echo of the request's prefix parameter, when one was sent. */
  prefix?: string;
}

export function renderListBuckets(input: ListBucketsInput): string {
  let out = open('ListAllMyBucketsResult');
  out += renderOwner(input.owner);
  out += '<Buckets>';
  for (const b of input.buckets) {
    out += `<Bucket>${xmlElement('Name', b.name)}${xmlElement('CreationDate', formatIsoDate(b.createdAt))}${xmlElement('BucketRegion', b.region)}</Bucket>`;
  }
  out += '</Buckets>';
  out += xmlElement('ContinuationToken', input.continuationToken);
  out += xmlElement('Prefix', input.prefix);
  return `${out}</ListAllMyBucketsResult>`;
}

// ---------------------------------------------------------- GetBucketLocation

/** us-east-1 (and an empty region) is the empty element, as S3 answers. */
export function renderLocation(region: string): string {
  if (region === '' || region === 'us-east-1') {
    return `${XML_DECLARATION}<LocationConstraint xmlns="${S3_XMLNS}"/>`;
  }
  return `${open('LocationConstraint')}${escapeXml(region)}</LocationConstraint>`;
}

// ---------------------------------------------------------------- ListObjects

function renderContents(e: ObjectEntry, encodingType: 'url' | undefined, withOwner: boolean): string {
  return (
    '<Contents>' +
    xmlElement('Key', encodeListingValue(e.key, encodingType)) +
    xmlElement('LastModified', formatIsoDate(e.lastModified)) +
    xmlElement('ETag', quoteEtag(e.etag)) +
    xmlElement('Size', e.size) +
    (withOwner && e.owner ? renderOwner(e.owner) : '') +
    xmlElement('StorageClass', e.storageClass) +
    '</Contents>'
  );
}

export function renderCommonPrefixes(prefixes: readonly string[], encodingType: 'url' | undefined): string {
  let out = '';
  for (const p of prefixes) {
    out += `<CommonPrefixes>${xmlElement('Prefix', encodeListingValue(p, encodingType))}</CommonPrefixes>`;
  }
  return out;
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}

export interface ListObjectsV1Input {
  name: string;
  prefix: string;
  marker: string;
  /** Rendered only when a delimiter was given and the listing is truncated (as S3 does). */
  nextMarker?: string;
  maxKeys: number;
  /** Empty or undefined: no Delimiter element. */
  delimiter?: string;
  isTruncated: boolean;
  encodingType?: 'url';
  /** V1 renders each entry's owner when present (S3 always includes it in V1). */
  contents: ObjectEntry[];
  commonPrefixes: string[];
}

export function renderListObjectsV1(input: ListObjectsV1Input): string {
  const enc = input.encodingType;
  const delimiter = nonEmpty(input.delimiter);
  let out = open('ListBucketResult');
  out += xmlElement('Name', input.name);
  out += xmlElement('Prefix', encodeListingValue(input.prefix ?? '', enc));
  out += xmlElement('Marker', encodeListingValue(input.marker ?? '', enc));
  if (delimiter !== undefined && input.isTruncated && input.nextMarker !== undefined) {
    out += xmlElement('NextMarker', encodeListingValue(input.nextMarker, enc));
  }
  out += xmlElement('MaxKeys', input.maxKeys);
  if (delimiter !== undefined) out += xmlElement('Delimiter', encodeListingValue(delimiter, enc));
  out += xmlElement('EncodingType', enc);
  out += xmlElement('IsTruncated', bool(input.isTruncated));
  for (const e of input.contents) out += renderContents(e, enc, true);
  out += renderCommonPrefixes(input.commonPrefixes, enc);
  return `${out}</ListBucketResult>`;
}

export interface ListObjectsV2Input {
  name: string;
  prefix: string;
  delimiter?: string;
  maxKeys: number;
  /** Contents + CommonPrefixes on this page. */
  keyCount: number;
  isTruncated: boolean;
  /** Echo of the request's token (also when it was sent empty). */
  continuationToken?: string;
  /** Rendered only when truncated. */
  nextContinuationToken?: string;
  startAfter?: string;
  encodingType?: 'url';
  /** Owner is rendered per entry only when true (fetch-owner=true). */
  fetchOwner: boolean;
  contents: ObjectEntry[];
  commonPrefixes: string[];
}

export function renderListObjectsV2(input: ListObjectsV2Input): string {
  const enc = input.encodingType;
  const delimiter = nonEmpty(input.delimiter);
  let out = open('ListBucketResult');
  out += xmlElement('Name', input.name);
  out += xmlElement('Prefix', encodeListingValue(input.prefix ?? '', enc));
  out += xmlElement('ContinuationToken', input.continuationToken);
  if (input.isTruncated) out += xmlElement('NextContinuationToken', input.nextContinuationToken);
  out += xmlElement('KeyCount', input.keyCount);
  out += xmlElement('MaxKeys', input.maxKeys);
  if (delimiter !== undefined) out += xmlElement('Delimiter', encodeListingValue(delimiter, enc));
  out += xmlElement('EncodingType', enc);
  if (input.startAfter !== undefined) out += xmlElement('StartAfter', encodeListingValue(input.startAfter, enc));
  out += xmlElement('IsTruncated', bool(input.isTruncated));
  for (const e of input.contents) out += renderContents(e, enc, input.fetchOwner);
  out += renderCommonPrefixes(input.commonPrefixes, enc);
  return `${out}</ListBucketResult>`;
}

// -------------------------------------------------------------- DeleteObjects

export interface DeleteResultInput {
  deleted: { key: string; versionId?: string; deleteMarker?: boolean; deleteMarkerVersionId?: string }[];
  errors: { key: string; versionId?: string; code: string; message: string }[];
  /** Quiet mode: only errors are reported. */
  quiet: boolean;
}

export function renderDeleteResult(input: DeleteResultInput): string {
  let out = open('DeleteResult');
  if (!input.quiet) {
    for (const d of input.deleted) {
      out +=
        '<Deleted>' +
        xmlElement('Key', d.key) +
        xmlElement('VersionId', d.versionId) +
        (d.deleteMarker ? xmlElement('DeleteMarker', 'true') : '') +
        xmlElement('DeleteMarkerVersionId', d.deleteMarkerVersionId) +
        '</Deleted>';
    }
  }
  for (const e of input.errors) {
    out +=
      '<Error>' +
      xmlElement('Key', e.key) +
      xmlElement('VersionId', e.versionId) +
      xmlElement('Code', e.code) +
      xmlElement('Message', e.message) +
      '</Error>';
  }
  return `${out}</DeleteResult>`;
}

// ----------------------------------------------------------------- CopyObject

export function renderCopyObjectResult(input: { etag: string; lastModified: string | Date }): string {
  return (
    open('CopyObjectResult') +
    xmlElement('LastModified', formatIsoDate(input.lastModified)) +
    xmlElement('ETag', quoteEtag(input.etag)) +
    '</CopyObjectResult>'
  );
}
