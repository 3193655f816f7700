/**
 * Query parameters and limits of the multipart operations, checked as S3
 * checks them.
 */
import { S3Error } from '@vaultx/s3-protocol';
import { parseChecksumAlgorithm, type ChecksumAlgorithm } from '@vaultx/sigv4';
import type { S3Context } from '../s3/context.ts';

/** S3's limits: 10,000 parts of at most 5 GiB; at least 5 MiB but the last (checked by the metadata service). */
export const MAX_PART_NUMBER = 10_000;
export const MAX_PART_SIZE = 5 * 1024 ** 3;
export const MAX_LIST = 1000;

function invalidArgument(message: string, name: string, value: string | null): S3Error {
  return new S3Error('InvalidArgument', message, { ArgumentName: name, ArgumentValue: value ?? undefined });
}

/** partNumber: a decimal integer 1..10000, else InvalidArgument. */
export function parsePartNumber(raw: string | null): number {
  const t = raw?.trim() ?? '';
  const n = /^\d{1,9}$/.test(t) ? Number(t) : NaN;
  if (!(n >= 1 && n <= MAX_PART_NUMBER)) {
    throw invalidArgument('Part number must be an integer between 1 and 10000, inclusive', 'partNumber', raw);
  }
  return n;
}

/** The uploadId query parameter (its format is the metadata service's to judge: NoSuchUpload). */
export function uploadIdOf(ctx: S3Context): string {
  const id = ctx.addr.query.get('uploadId');
  if (id === null || id === '') throw new S3Error('NoSuchUpload', undefined, { UploadId: id ?? '' });
  return id;
}

/** max-parts / max-uploads: default 1000, clamped to 1000; not an integer or negative → InvalidArgument. */
export function parseMaxParam(raw: string | null, name: string): number {
  if (raw === null) return MAX_LIST;
  const t = raw.trim();
  if (!/^-?\d{1,10}$/.test(t) || !Number.isSafeInteger(Number(t)) || Number(t) > 2147483647) {
    throw invalidArgument(`Provided ${name} not an integer or within integer range`, name, raw);
  }
  const n = Number(t);
  if (n < 0) throw invalidArgument(`Argument ${name} must be an integer between 0 and 2147483647`, name, raw);
  return Math.min(n, MAX_LIST);
}

/** part-number-marker: a non-negative integer (0 = from the start). */
export function parsePartNumberMarker(raw: string | null): number {
  if (raw === null || raw.trim() === '') return 0;
  const t = raw.trim();
  if (!/^\d{1,10}$/.test(t) || Number(t) > 2147483647) {
    throw invalidArgument('Provided part-number-marker not an integer or within integer range', 'part-number-marker', raw);
  }
  return Number(t);
}

/** x-amz-checksum-algorithm (CreateMultipartUpload). */
export function parseUploadChecksumAlgorithm(raw: string | undefined): ChecksumAlgorithm | undefined {
  if (raw === undefined) return undefined;
  const alg = parseChecksumAlgorithm(raw);
  if (!alg || raw.trim().toUpperCase().startsWith('X-AMZ')) {
    throw new S3Error('InvalidRequest', 'Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]');
  }
  return alg;
}
