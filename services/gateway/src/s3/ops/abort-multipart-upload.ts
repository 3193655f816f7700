import { validateObjectKey } from '@vaultx/s3-protocol';
import { authorizeBucket, objectKey, type S3Context } from '../context.ts';
import { setCommonHeaders } from '../respond.ts';
import { uploadIdOf } from '../../multipart/params.ts';

/** DELETE /bucket/key?uploadId=… — 204; the parts' chunks are released. NoSuchUpload when unknown (or completed). */
export async function abortMultipartUpload(ctx: S3Context) {
  const key = objectKey(ctx);
  validateObjectKey(key);
  const uploadId = uploadIdOf(ctx);
  const bucket = await authorizeBucket(ctx);
  await ctx.deps.metadata.abortUpload({ bucket: bucket.name, key, uploadId }, { requestId: ctx.requestId });
  ctx.req.audit.uploadId = uploadId;
  setCommonHeaders(ctx.req, ctx.reply);
  return ctx.reply.code(204).send();
}
