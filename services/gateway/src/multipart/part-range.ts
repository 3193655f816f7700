/**
 * GET / HEAD ?partNumber=N: which bytes part N of a stored object is, and the
 * ETag to answer with.
 */
import { S3Error } from '@vaultx/s3-protocol';
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
