/**
 * Multipart upload XML: the CompleteMultipartUpload request body, and the
 * InitiateMultipartUpload / CompleteMultipartUpload / CopyPart / ListParts /
 * ListMultipartUploads results, elements in the order Amazon S3 sends them.
 */
import { formatIsoDate } from './dates.ts';
import { encodeListingValue } from './encoding.ts';
import { S3Error } from './errors.ts';
import { S3_XMLNS, XML_DECLARATION, quoteEtag, xmlElement } from './xml-escape.ts';
import { leafText, parseXmlDocument, type XmlNode } from './xml-parse.ts';
import { renderCommonPrefixes } from './xml-render.ts';

export type MultipartChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';
export const MULTIPART_CHECKSUM_ALGORITHMS: readonly MultipartChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'];

/** A checksum as rendered in results: `<ChecksumCRC32>value</ChecksumCRC32>` (+ `<ChecksumType>` where S3 sends it). */
export interface ChecksumValue {
  algorithm: MultipartChecksumAlgorithm;
  value: string;
  type?: 'FULL_OBJECT' | 'COMPOSITE';
}

export interface MultipartOwner {
  id: string;
  displayName?: string;
}

function open(root: string): string {
  return `${XML_DECLARATION}<${root} xmlns="${S3_XMLNS}">`;
}

function checksumElement(c: ChecksumValue | undefined): string {
  return c ? xmlElement(`Checksum${c.algorithm}`, c.value) : '';
}

function owner(tag: 'Owner' | 'Initiator', o: MultipartOwner): string {
  return `<${tag}>${xmlElement('ID', o.id)}${xmlElement('DisplayName', o.displayName ?? o.id)}</${tag}>`;
}

// ------------------------------------------------------- CompleteMultipartUpload request

/**
 * Bounded: 10,000 parts, each with a number, a quoted ETag, a SHA-256
 * checksum and markup, come to about 2.5 MB; whitespace between elements is
 * allowed, so the bound leaves room.
 */
export const COMPLETE_MULTIPART_MAX_BODY = 8 * 1024 * 1024;
export const MAX_PARTS_PER_UPLOAD = 10_000;

export interface CompletePartRequest {
  partNumber: number;
  /** As sent, quotes removed. */
  etag: string;
  /** Checksum elements of the part, by algorithm (as sent). */
  checksums: Partial<Record<MultipartChecksumAlgorithm, string>>;
}

function malformed(): S3Error {
  return new S3Error('MalformedXML');
}

function children(node: XmlNode): XmlNode[] {
  if (node.text.trim() !== '') throw malformed();
  return node.children;
}

/** `"abc"` → `abc` (also `&quot;abc&quot;` once decoded); surrounding whitespace ignored. */
export function unquoteEtag(etag: string): string {
  const t = etag.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

/**
 * `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"…"</ETag>
 * <ChecksumCRC32>…</ChecksumCRC32></Part>…</CompleteMultipartUpload>`.
 * MalformedXML on anything that is not that shape: another root, a Part
 * without exactly one PartNumber and one ETag, a part number that is not a
 * decimal integer, no Part at all (as S3), more than 10,000 parts. Order and
 * existence are the caller's to check (InvalidPartOrder / InvalidPart).
 */
export function parseCompleteMultipartUpload(xml: string | Buffer, maxBytes: number = COMPLETE_MULTIPART_MAX_BODY): CompletePartRequest[] {
  const root = parseXmlDocument(xml, maxBytes);
  if (root.name !== 'CompleteMultipartUpload') throw malformed();
  const parts: CompletePartRequest[] = [];
  for (const child of children(root)) {
    if (child.name !== 'Part') continue;
    if (parts.length >= MAX_PARTS_PER_UPLOAD) throw malformed();
    let partNumber: number | undefined;
    let etag: string | undefined;
    const checksums: Partial<Record<MultipartChecksumAlgorithm, string>> = {};
    for (const f of children(child)) {
      if (f.name === 'PartNumber') {
        if (partNumber !== undefined) throw malformed();
        const t = leafText(f).trim();
        if (!/^\d{1,9}$/.test(t)) throw malformed();
        partNumber = Number(t);
      } else if (f.name === 'ETag') {
        if (etag !== undefined) throw malformed();
        etag = unquoteEtag(leafText(f));
      } else if (f.name.startsWith('Checksum')) {
        const alg = f.name.slice('Checksum'.length) as MultipartChecksumAlgorithm;
        if (MULTIPART_CHECKSUM_ALGORITHMS.includes(alg)) {
          if (checksums[alg] !== undefined) throw malformed();
          checksums[alg] = leafText(f).trim();
        }
      }
    }
    if (partNumber === undefined || etag === undefined) throw malformed();
    parts.push({ partNumber, etag, checksums });
  }
  if (parts.length === 0) throw malformed();
  return parts;
}

// ---------------------------------------------------------------- results

export function renderInitiateMultipartUploadResult(input: { bucket: string; key: string; uploadId: string }): string {
  return (
    open('InitiateMultipartUploadResult') +
    xmlElement('Bucket', input.bucket) +
    xmlElement('Key', input.key) +
    xmlElement('UploadId', input.uploadId) +
    '</InitiateMultipartUploadResult>'
  );
}

export function renderCompleteMultipartUploadResult(input: {
  location: string;
  bucket: string;
  key: string;
  /** Unquoted, e.g. `abc…-3`. */
  etag: string;
  checksum?: ChecksumValue;
}): string {
  return (
    open('CompleteMultipartUploadResult') +
    xmlElement('Location', input.location) +
    xmlElement('Bucket', input.bucket) +
    xmlElement('Key', input.key) +
    xmlElement('ETag', quoteEtag(input.etag)) +
    checksumElement(input.checksum) +
    xmlElement('ChecksumType', input.checksum?.type) +
    '</CompleteMultipartUploadResult>'
  );
}

export function renderCopyPartResult(input: { etag: string; lastModified: string | Date; checksum?: ChecksumValue }): string {
  return (
    open('CopyPartResult') +
    xmlElement('LastModified', formatIsoDate(input.lastModified)) +
    xmlElement('ETag', quoteEtag(input.etag)) +
    checksumElement(input.checksum) +
    '</CopyPartResult>'
  );
}

export interface ListPartsEntry {
  partNumber: number;
  lastModified: string | Date;
  etag: string;
  size: number;
  checksum?: ChecksumValue;
}

export interface ListPartsInput {
  bucket: string;
  key: string;
  uploadId: string;
  partNumberMarker: number;
  /** S3 sends it whenever parts were returned. */
  nextPartNumberMarker?: number;
  maxParts: number;
  isTruncated: boolean;
  parts: ListPartsEntry[];
  initiator: MultipartOwner;
  owner: MultipartOwner;
  storageClass: string;
  checksumAlgorithm?: string;
  checksumType?: string;
  encodingType?: 'url';
}

export function renderListPartsResult(input: ListPartsInput): string {
  const enc = input.encodingType;
  let out = open('ListPartsResult');
  out += xmlElement('Bucket', input.bucket);
  out += xmlElement('Key', encodeListingValue(input.key, enc));
  out += xmlElement('UploadId', input.uploadId);
  out += xmlElement('PartNumberMarker', input.partNumberMarker);
  out += xmlElement('NextPartNumberMarker', input.nextPartNumberMarker);
  out += xmlElement('MaxParts', input.maxParts);
  out += xmlElement('IsTruncated', input.isTruncated ? 'true' : 'false');
  for (const p of input.parts) {
    out +=
      '<Part>' +
      xmlElement('PartNumber', p.partNumber) +
      xmlElement('LastModified', formatIsoDate(p.lastModified)) +
      xmlElement('ETag', quoteEtag(p.etag)) +
      xmlElement('Size', p.size) +
      checksumElement(p.checksum) +
      '</Part>';
  }
  out += owner('Initiator', input.initiator);
  out += owner('Owner', input.owner);
  out += xmlElement('StorageClass', input.storageClass);
  out += xmlElement('ChecksumAlgorithm', input.checksumAlgorithm);
  out += xmlElement('ChecksumType', input.checksumType);
  out += xmlElement('EncodingType', enc);
  return `${out}</ListPartsResult>`;
}

export interface UploadEntry {
  key: string;
  uploadId: string;
  initiator: MultipartOwner;
  owner: MultipartOwner;
  storageClass: string;
  initiated: string | Date;
  checksumAlgorithm?: string;
  checksumType?: string;
}

export interface ListMultipartUploadsInput {
  bucket: string;
  keyMarker: string;
  uploadIdMarker: string;
  nextKeyMarker?: string;
  nextUploadIdMarker?: string;
  prefix: string;
  delimiter?: string;
  maxUploads: number;
  isTruncated: boolean;
  uploads: UploadEntry[];
  commonPrefixes: string[];
  encodingType?: 'url';
}

export function renderListMultipartUploadsResult(input: ListMultipartUploadsInput): string {
  const enc = input.encodingType;
  let out = open('ListMultipartUploadsResult');
  out += xmlElement('Bucket', input.bucket);
  out += xmlElement('KeyMarker', encodeListingValue(input.keyMarker, enc));
  out += xmlElement('UploadIdMarker', input.uploadIdMarker);
  if (input.nextKeyMarker !== undefined) out += xmlElement('NextKeyMarker', encodeListingValue(input.nextKeyMarker, enc));
  out += xmlElement('Prefix', encodeListingValue(input.prefix, enc));
  if (input.delimiter !== undefined && input.delimiter !== '') out += xmlElement('Delimiter', encodeListingValue(input.delimiter, enc));
  out += xmlElement('NextUploadIdMarker', input.nextUploadIdMarker);
  out += xmlElement('MaxUploads', input.maxUploads);
  out += xmlElement('EncodingType', enc);
  out += xmlElement('IsTruncated', input.isTruncated ? 'true' : 'false');
  for (const u of input.uploads) {
    out +=
      '<Upload>' +
      xmlElement('Key', encodeListingValue(u.key, enc)) +
      xmlElement('UploadId', u.uploadId) +
      owner('Initiator', u.initiator) +
      owner('Owner', u.owner) +
      xmlElement('StorageClass', u.storageClass) +
      xmlElement('Initiated', formatIsoDate(u.initiated)) +
      xmlElement('ChecksumAlgorithm', u.checksumAlgorithm) +
      xmlElement('ChecksumType', u.checksumType) +
      '</Upload>';
  }
  out += renderCommonPrefixes(input.commonPrefixes, enc);
  return `${out}</ListMultipartUploadsResult>`;
}
