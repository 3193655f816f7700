import { S3Error, renderCopyPartResult, validateObjectKey } from '@vaultx/s3-protocol';
import { authorizeBucket, header, objectKey, type S3Context } from '../context.ts';
import { sendXml } from '../respond.ts';
import { copySourceOf, loadCopySource } from '../copy-source.ts';
import { copyRange } from '../../multipart/copy-range.ts';
import { MAX_PART_SIZE, parsePartNumber, uploadIdOf } from '../../multipart/params.ts';

const RANGE_FORM =
  'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy';

/**
 * x-amz-copy-source-range: exactly `bytes=first-last` (else InvalidArgument);
 * a range reaching past the source's end is InvalidRange (as s3-tests'
 * test_multipart_copy_invalid_range expects; a zero-size source has no valid range).
 */
export function parseCopySourceRange(raw: string | undefined, size: number): { start: number; end: number } | undefined {
  if (raw === undefined) return undefined;
  const m = /^bytes=(\d{1,16})-(\d{1,16})$/.exec(raw.trim());
  if (!m) throw new S3Error('InvalidArgument', RANGE_FORM, { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: raw });
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (start > end) throw new S3Error('InvalidArgument', RANGE_FORM, { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: raw });
  if (end >= size) {
    throw new S3Error('InvalidRange', `Range specified is not valid for source object of size: ${size}`, {
      RangeRequested: raw,
      ActualObjectSize: size,
    });
  }
  return { start, end };
}

/**
 * PUT /bucket/key?partNumber=N&uploadId=… with x-amz-copy-source (and
 * optionally x-amz-copy-source-range): a part made of (a range of) an
 * existing object, sharing its chunks where the range covers them whole.
 */
export async function uploadPartCopy(ctx: S3Context) {
  const key = objectKey(ctx);
  validateObjectKey(key);
  const partNumber = parsePartNumber(ctx.addr.query.get('partNumber'));
  const uploadId = uploadIdOf(ctx);
  const src = copySourceOf(ctx);

  const destBucket = await authorizeBucket(ctx);
  const { metadata, chunks } = ctx.deps;
  const upload = await metadata.getUpload({ bucket: destBucket.name, key, uploadId }, { requestId: ctx.requestId });
  const { srcBucket, source } = await loadCopySource(ctx, src, destBucket);

  const range = parseCopySourceRange(header(ctx, 'x-amz-copy-source-range'), source.size);
  const length = range ? range.end - range.start + 1 : source.size;
  if (length > MAX_PART_SIZE) {
    throw new S3Error('InvalidRequest', `The specified copy source is larger than the maximum allowable size for a copy source: ${MAX_PART_SIZE}`);
  }

  const copied = await copyRange(source, range, chunks, { checksum: upload.checksumAlgorithm, requestId: ctx.requestId });
  const lastModified = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
  const checksum = upload.checksumAlgorithm && copied.checksum !== undefined ? { algorithm: upload.checksumAlgorithm, value: copied.checksum } : undefined;
  await metadata.putPart(
    {
      bucket: destBucket.name,
      key,
      uploadId,
      part: { partNumber, etag: copied.etag, size: copied.size, lastModified, chunks: copied.chunks, checksum },
    },
    { requestId: ctx.requestId },
  );
  ctx.req.audit.copySource = `${srcBucket.name}/${src.key}`;
  ctx.req.audit.uploadId = uploadId;
  ctx.req.audit.partNumber = partNumber;
  ctx.req.audit.size = copied.size;
  return sendXml(ctx.req, ctx.reply, renderCopyPartResult({ etag: copied.etag, lastModified, checksum }));
}
