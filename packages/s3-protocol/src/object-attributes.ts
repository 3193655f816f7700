/**
 * GetObjectAttributes (GET /bucket/key?attributes): which attributes the
 * x-amz-object-attributes header asks for, the part-list paging headers, and
 * the response document.
 */
import { S3Error } from './errors.ts';
import { S3_XMLNS, XML_DECLARATION, xmlElement } from './xml-escape.ts';

export const OBJECT_ATTRIBUTES = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'] as const;
export type ObjectAttribute = (typeof OBJECT_ATTRIBUTES)[number];

/** x-amz-object-attributes: a comma-separated list of attribute names (at least one). */
export function parseObjectAttributes(raw: string | undefined): Set<ObjectAttribute> {
  const names = (raw ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) {
    throw new S3Error('InvalidArgument', 'The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty', {
      ArgumentName: 'x-amz-object-attributes',
    });
  }
  const out = new Set<ObjectAttribute>();
  for (const n of names) {
    const known = OBJECT_ATTRIBUTES.find((a) => a === n);
    if (!known) throw new S3Error('InvalidArgument', 'Invalid attribute name specified.', { ArgumentName: 'x-amz-object-attributes', ArgumentValue: n });
    out.add(known);
  }
  return out;
}

/** x-amz-max-parts (default 1000, at most 1000) and x-amz-part-number-marker (default 0). */
export function parsePartsPaging(maxParts: string | undefined, marker: string | undefined): { maxParts: number; marker: number } {
  const int = (v: string | undefined, name: string, dflt: number, max: number): number => {
    if (v === undefined || v.trim() === '') return dflt;
    if (!/^\d{1,6}$/.test(v.trim())) throw new S3Error('InvalidArgument', `Invalid ${name}`, { ArgumentName: name, ArgumentValue: v });
    return Math.min(Number(v.trim()), max);
  };
  return { maxParts: int(maxParts, 'x-amz-max-parts', 1000, 1000), marker: int(marker, 'x-amz-part-number-marker', 0, 10000) };
}

export interface ObjectAttributesInput {
  attributes: Set<ObjectAttribute>;
  /** Unquoted; rendered unquoted, as S3 does here. */
  etag: string;
  size: number;
  storageClass: string;
  checksum?: { algorithm: string; value: string; type: string };
  /** Multipart objects only: every part in order. */
  parts?: Array<{ partNumber: number; size: number }>;
  maxParts: number;
  partNumberMarker: number;
}

export function renderObjectAttributes(input: ObjectAttributesInput): string {
  const a = input.attributes;
  let out = `${XML_DECLARATION}<GetObjectAttributesResponse xmlns="${S3_XMLNS}">`;
  if (a.has('ETag')) out += xmlElement('ETag', input.etag);
  if (a.has('Checksum') && input.checksum) {
    out += `<Checksum>${xmlElement(`Checksum${input.checksum.algorithm}`, input.checksum.value)}${xmlElement('ChecksumType', input.checksum.type)}</Checksum>`;
  }
  // a single-part object has no ObjectParts at all
  if (a.has('ObjectParts') && input.parts) {
    const after = input.parts.filter((p) => p.partNumber > input.partNumberMarker);
    const page = after.slice(0, input.maxParts);
    const truncated = after.length > page.length;
    out += '<ObjectParts>';
    out += xmlElement('PartsCount', input.parts.length);
    out += xmlElement('PartNumberMarker', input.partNumberMarker);
    if (page.length > 0) out += xmlElement('NextPartNumberMarker', page[page.length - 1]!.partNumber);
    out += xmlElement('MaxParts', input.maxParts);
    out += xmlElement('IsTruncated', truncated ? 'true' : 'false');
    for (const p of page) out += `<Part>${xmlElement('PartNumber', p.partNumber)}${xmlElement('Size', p.size)}</Part>`;
    out += '</ObjectParts>';
  }
  if (a.has('StorageClass')) out += xmlElement('StorageClass', input.storageClass);
  if (a.has('ObjectSize')) out += xmlElement('ObjectSize', input.size);
  return `${out}</GetObjectAttributesResponse>`;
}
