import {
  COMPLETE_MULTIPART_MAX_BODY,
  S3Error,
  parseCompleteMultipartUpload,
  renderCompleteMultipartUploadResult,
  validateObjectKey,
  type CompletePartRequest,
} from '@vaultx/s3-protocol';
import type { ObjectRecord, PartSummary, UploadRecord } from '@vaultx/metadata-client';
import { checksumHeaderName, type ChecksumAlgorithm } from '@vaultx/sigv4';
import { authorizeBucket, header, objectKey, type S3Context } from '../context.ts';
import { sendXml } from '../respond.ts';
import { readSmallBody } from '../small-body.ts';
import { nowToTheSecond } from '../object-headers.ts';
import { canCombine, combineCrcs, compositeChecksum } from '../../multipart/checksums.ts';
import { MAX_PART_NUMBER, uploadIdOf } from '../../multipart/params.ts';
import { lastOfEachPartNumber } from '../../multipart/complete-parts.ts';

const ALGORITHMS: ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME'];
const MIN_PART_SIZE = 5 * 1024 * 1024;

/**
 * The x-amz-checksum-* headers of a Complete request describe the whole
 * object, not the XML body: take them out of the request before the body is
 * read (which would check them against the XML).
 */
function takeObjectChecksumHeaders(ctx: S3Context): Partial<Record<ChecksumAlgorithm, string>> {
  const out: Partial<Record<ChecksumAlgorithm, string>> = {};
  for (const alg of ALGORITHMS) {
    const name = checksumHeaderName(alg);
    const v = ctx.req.raw.headers[name];
    if (v !== undefined) {
      out[alg] = (Array.isArray(v) ? v[0]! : v).trim();
      delete ctx.req.raw.headers[name];
    }
  }
  return out;
}

function invalidPart(uploadId: string, p: CompletePartRequest): S3Error {
  return new S3Error('InvalidPart', undefined, { UploadId: uploadId, PartNumber: p.partNumber, ETag: p.etag });
}

function location(ctx: S3Context, bucket: string, key: string): string {
  const host = header(ctx, 'host') ?? '127.0.0.1';
  const path = key.split('/').map(encodeURIComponent).join('/');
  return `${ctx.req.protocol}://${host}/${encodeURIComponent(bucket)}/${path}`;
}

/** Every part of the upload, by number. */
async function allParts(ctx: S3Context, bucket: string, key: string, uploadId: string): Promise<{ upload: UploadRecord; parts: Map<number, PartSummary> }> {
  const parts = new Map<number, PartSummary>();
  let marker = 0;
  for (;;) {
    const page = await ctx.deps.metadata.listParts(
      { bucket, key, uploadId, partNumberMarker: marker, maxParts: MAX_PART_NUMBER },
      { requestId: ctx.requestId },
    );
    for (const p of page.parts) parts.set(p.partNumber, p);
    if (!page.isTruncated || page.nextPartNumberMarker === undefined) return { upload: page.upload, parts };
    marker = page.nextPartNumberMarker;
  }
}

/**
 * The object's checksum from its parts' (all listed parts have one of the
 * upload's algorithm: UploadPart computes it when the client sends none).
 */
function objectChecksum(upload: UploadRecord, listed: PartSummary[]): ObjectRecord['checksum'] {
  const alg = upload.checksumAlgorithm;
  if (!alg || !upload.checksumType) return undefined;
  const values = listed.map((p) => (p.checksum?.algorithm === alg ? p.checksum.value : undefined));
  if (values.some((v) => v === undefined)) {
    const missing = listed[values.findIndex((v) => v === undefined)]!;
    throw new S3Error('InvalidRequest', `The upload was created using a ${alg.toLowerCase()} checksum. Part ${missing.partNumber} has none.`);
  }
  if (upload.checksumType === 'FULL_OBJECT' && canCombine(alg)) {
    return { algorithm: alg, type: 'FULL_OBJECT', value: combineCrcs(alg, listed.map((p, i) => ({ checksum: values[i]!, size: p.size }))) };
  }
  return { algorithm: alg, type: 'COMPOSITE', value: compositeChecksum(alg, values as string[]) };
}

/**
 * POST /bucket/key?uploadId=… — assembles the listed parts into the object.
 * Checked here for the client's sake (with S3's error details), and again by
 * the metadata service inside the one atomic update that writes the object,
 * moves the chunk references and removes the upload.
 */
export async function completeMultipartUpload(ctx: S3Context) {
  const key = objectKey(ctx);
  validateObjectKey(key);
  const uploadId = uploadIdOf(ctx);
  const bucket = await authorizeBucket(ctx);
  const objectChecksums = takeObjectChecksumHeaders(ctx);
  const body = await readSmallBody(ctx, COMPLETE_MULTIPART_MAX_BODY);
  const requested = lastOfEachPartNumber(parseCompleteMultipartUpload(body), uploadId);
  const { metadata } = ctx.deps;
  const conditions = { ifMatch: header(ctx, 'if-match'), ifNoneMatch: header(ctx, 'if-none-match') };
  const lastModified = nowToTheSecond();

  let snapshot: Awaited<ReturnType<typeof allParts>> | undefined;
  try {
    snapshot = await allParts(ctx, bucket.name, key, uploadId);
  } catch (e) {
    if (!(e instanceof S3Error && e.code === 'NoSuchUpload')) throw e;
    // Completed already? The metadata service answers the same result again, or NoSuchUpload.
  }

  let checksum: ObjectRecord['checksum'];
  let parts: { partNumber: number; etag: string; size?: number; checksum?: string }[];
  if (!snapshot) {
    parts = requested.map((p) => ({ partNumber: p.partNumber, etag: p.etag }));
  } else {
    const { upload } = snapshot;
    const listed: PartSummary[] = requested.map((p) => {
      const stored = p.partNumber <= MAX_PART_NUMBER ? snapshot!.parts.get(p.partNumber) : undefined;
      if (!stored || stored.etag !== p.etag.trim().toLowerCase()) throw invalidPart(uploadId, p);
      for (const [alg, value] of Object.entries(p.checksums)) {
        // A checksum the client lists must be the one the part was stored with.
        if (stored.checksum?.algorithm === alg && stored.checksum.value !== value) throw invalidPart(uploadId, p);
        if (upload.checksumAlgorithm && alg !== upload.checksumAlgorithm) throw invalidPart(uploadId, p);
      }
      return stored;
    });
    listed.forEach((p, i) => {
      if (i < listed.length - 1 && p.size < MIN_PART_SIZE) {
        throw new S3Error('EntityTooSmall', undefined, { ProposedSize: p.size, MinSizeAllowed: MIN_PART_SIZE, PartNumber: p.partNumber, ETag: p.etag });
      }
    });
    const size = listed.reduce((n, p) => n + p.size, 0);
    const sizeHeader = header(ctx, 'x-amz-mp-object-size');
    if (sizeHeader !== undefined && sizeHeader.trim() !== String(size)) {
      throw new S3Error('InvalidRequest', `The provided 'x-amz-mp-object-size' header value ${sizeHeader} does not match what was computed: ${size}`);
    }
    checksum = objectChecksum(upload, listed);
    const typeHeader = header(ctx, 'x-amz-checksum-type')?.trim().toUpperCase();
    if (typeHeader !== undefined && checksum && typeHeader !== checksum.type) {
      throw new S3Error('InvalidRequest', `The upload was created using the ${checksum.type} checksum mode. The complete request must use the same checksum mode.`);
    }
    for (const [alg, value] of Object.entries(objectChecksums)) {
      if (!checksum || alg !== checksum.algorithm) {
        throw new S3Error('InvalidRequest', `The upload was not created with a ${alg.toLowerCase()} checksum.`);
      }
      // (a composite value may be sent with or without its "-N")
      const bare = (x: string) => (checksum!.type === 'COMPOSITE' ? x.replace(/-\d+$/, '') : x);
      if (bare(value) !== bare(checksum.value)) throw new S3Error('BadDigest', `The ${alg.toLowerCase()} you specified did not match the calculated checksum.`);
    }
    parts = listed.map((p) => ({ partNumber: p.partNumber, etag: p.etag, size: p.size, checksum: p.checksum?.value }));
  }

  const { record } = await metadata.completeUpload(
    { bucket: bucket.name, key, uploadId, parts, checksum, lastModified, ...conditions },
    { requestId: ctx.requestId },
  );
  ctx.req.audit.uploadId = uploadId;
  ctx.req.audit.size = record.size;
  const rendered = record.checksum
    ? { algorithm: record.checksum.algorithm, value: record.checksum.value, type: record.checksum.type }
    : undefined;
  return sendXml(
    ctx.req,
    ctx.reply,
    renderCompleteMultipartUploadResult({ location: location(ctx, bucket.name, key), bucket: bucket.name, key, etag: record.etag, checksum: rendered }),
  );
}
