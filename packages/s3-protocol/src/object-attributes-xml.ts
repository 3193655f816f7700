/**
 * GetObjectAttributes: the attribute names a request may ask for
 * (x-amz-object-attributes) and the GetObjectAttributesResponse body.
 */
import { S3Error } from './errors.ts';
import { S3_XMLNS, XML_DECLARATION, xmlElement } from './xml-escape.ts';
import type { ChecksumValue, MultipartChecksumAlgorithm } from './multipart-xml.ts';

export type ObjectAttribute = 'ETag' | 'Checksum' | 'ObjectParts' | 'StorageClass' | 'ObjectSize';
const ATTRIBUTES: readonly ObjectAttribute[] = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'];

/** `ETag,ObjectSize` (one header or several, names as S3 spells them) → the set; anything else InvalidArgument. */
export function parseObjectAttributes(values: readonly string[]): Set<ObjectAttribute> {
  const out = new Set<ObjectAttribute>();
  for (const name of values.flatMap((v) => v.split(',')).map((s) => s.trim())) {
    if (name === '') continue;
    if (!(ATTRIBUTES as readonly string[]).includes(name)) {
      throw new S3Error('InvalidArgument', 'Invalid attribute name specified.', { ArgumentName: 'x-amz-object-attributes', ArgumentValue: name });
    }
    out.add(name as ObjectAttribute);
  }
  if (out.size === 0) {
    throw new S3Error('InvalidArgument', 'The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty', {
      ArgumentName: 'x-amz-object-attributes',
    });
  }
  return out;
}

export interface AttributesPart {
  partNumber: number;
  size: number;
  checksum?: { algorithm: MultipartChecksumAlgorithm; value: string };
}

export interface GetObjectAttributesInput {
  /** Unquoted, as S3 sends it here. */
  etag?: string;
  checksum?: ChecksumValue;
  objectParts?: {
    partNumberMarker: number;
    nextPartNumberMarker?: number;
    maxParts: number;
    isTruncated: boolean;
    partsCount: number;
    parts: AttributesPart[];
  };
  storageClass?: string;
  objectSize?: number;
}

export function renderGetObjectAttributesResult(input: GetObjectAttributesInput): string {
  let out = `${XML_DECLARATION}<GetObjectAttributesResponse xmlns="${S3_XMLNS}">`;
  out += xmlElement('ETag', input.etag);
  if (input.checksum) {
    const c = input.checksum;
    out += `<Checksum>${xmlElement(`Checksum${c.algorithm}`, c.value)}${xmlElement('ChecksumType', c.type)}</Checksum>`;
  }
  const op = input.objectParts;
  if (op) {
    out += '<ObjectParts>';
    out += xmlElement('IsTruncated', op.isTruncated ? 'true' : 'false');
    out += xmlElement('MaxParts', op.maxParts);
    out += xmlElement('NextPartNumberMarker', op.nextPartNumberMarker);
    out += xmlElement('PartNumberMarker', op.partNumberMarker);
    for (const p of op.parts) {
      out += '<Part>';
      if (p.checksum) out += xmlElement(`Checksum${p.checksum.algorithm}`, p.checksum.value);
      out += `${xmlElement('PartNumber', p.partNumber)}${xmlElement('Size', p.size)}</Part>`;
    }
    out += xmlElement('PartsCount', op.partsCount);
    out += '</ObjectParts>';
  }
  out += xmlElement('StorageClass', input.storageClass);
  out += xmlElement('ObjectSize', input.objectSize);
  return `${out}</GetObjectAttributesResponse>`;
}
