import { S3Error, parseHttpDate, validateObjectKey } from '@vaultx/s3-protocol';
import { authorizeBucket, checkVersionId, header, objectKey, type S3Context } from '../context.ts';
import { setCommonHeaders } from '../respond.ts';

/** x-amz-if-match-last-modified-time as an ISO time; InvalidArgument when it is not a date. */
function lastModifiedCondition(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const d = parseHttpDate(raw);
  if (d === undefined) throw new S3Error('InvalidArgument', 'Invalid x-amz-if-match-last-modified-time', { ArgumentName: 'x-amz-if-match-last-modified-time', ArgumentValue: raw });
  return d.toISOString();
}

/** x-amz-if-match-size as a byte count; InvalidArgument when it is not one. */
function sizeCondition(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d{1,16}$/.test(raw.trim())) throw new S3Error('InvalidArgument', 'Invalid x-amz-if-match-size', { ArgumentName: 'x-amz-if-match-size', ArgumentValue: raw });
  return Number(raw.trim());
}

/**
 * DELETE /bucket/key — 204 whether or not the key existed (as S3). Conditional
 * delete: with If-Match (an ETag or '*'), x-amz-if-match-last-modified-time or
 * x-amz-if-match-size, an existing object whose ETag, Last-Modified or size
 * differs is kept and the answer is 412 PreconditionFailed; a missing key is
 * still 204.
 */
export async function deleteObject(ctx: S3Context) {
  const key = objectKey(ctx);
  validateObjectKey(key);
  checkVersionId(ctx);
  const ifMatchLastModifiedTime = lastModifiedCondition(header(ctx, 'x-amz-if-match-last-modified-time'));
  const ifMatchSize = sizeCondition(header(ctx, 'x-amz-if-match-size'));
  const bucket = await authorizeBucket(ctx);
  await ctx.deps.metadata.deleteObject(
    { bucket: bucket.name, key, ifMatch: header(ctx, 'if-match'), ifMatchLastModifiedTime, ifMatchSize },
    { requestId: ctx.requestId },
  );
  setCommonHeaders(ctx.req, ctx.reply);
  return ctx.reply.code(204).send();
}
