/**
 * GET / HEAD ?partNumber=N: which bytes part N of a stored object is, and the
 * ETag to answer with.
 */
import { S3Error, parseEtagList, type ConditionalHeaders } from '@vaultx/s3-protocol';
import type { ObjectRecord } from '@vaultx/metadata-client';

export interface PartSlice {
  /** Undefined: the whole object (part 1 of an object not made by multipart upload). */
  range?: { start: number; end: number };
  /** The part's own ETag (unquoted) where it is recorded, else the object's. */
  etag: string;
  partsCount: number;
}

/**
 * A part number the object does not have is 400 InvalidPart, as the s3-tests
 * (test_multipart_get_part, test_non_multipart_get_part) expect of S3.
 */
export function partSlice(obj: ObjectRecord, n: number): PartSlice {
  const partsCount = obj.parts?.length ?? 1;
  const missing = () =>
    new S3Error('InvalidPart', 'The requested partnumber is not satisfiable', { PartNumberRequested: n, ActualPartCount: partsCount });
  if (!obj.parts) {
    if (n !== 1) throw missing();
    return { etag: obj.etag, partsCount };
  }
  let start = 0;
  for (const p of obj.parts) {
    // (an empty part: end < start)
    if (p.partNumber === n) return { range: { start, end: start + p.size - 1 }, etag: p.etag ?? obj.etag, partsCount };
    start += p.size;
  }
  throw missing();
}

/**
 * If-Match / If-None-Match on a ?partNumber request. The answer carries the
 * part's ETag, and clients fetching an object part by part send the first
 * answer's ETag as If-Match with the next parts: there the ETag of any of the
 * object's parts (or the object's own) names the object. If-None-Match names
 * the part asked for (or the object).
 */
export function partConditions(h: ConditionalHeaders, obj: ObjectRecord, n: number): ConditionalHeaders {
  const partTags = (obj.parts ?? []).flatMap((p) => (p.etag ? [{ n: p.partNumber, etag: p.etag }] : []));
  const ofObject = new Set([obj.etag, ...partTags.map((p) => p.etag)]);
  const ofPart = new Set([obj.etag, ...partTags.filter((p) => p.n === n).map((p) => p.etag)]);
  const rewrite = (value: string | undefined, tags: Set<string>, strong: boolean): string | undefined => {
    if (value === undefined) return undefined;
    const list = parseEtagList(value);
    // '*' holds exactly when one of the listed tags does: the object exists
    return list !== '*' && list.some((t) => tags.has(t.opaque) && !(strong && t.weak)) ? '*' : value;
  };
  return { ...h, ifMatch: rewrite(h.ifMatch, ofObject, true), ifNoneMatch: rewrite(h.ifNoneMatch, ofPart, false) };
}
