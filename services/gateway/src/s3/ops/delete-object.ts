import { S3Error, validateObjectKey } from '@vaultx/s3-protocol';
import { authorizeBucket, header, objectKey, type S3Context } from '../context.ts';
import { setCommonHeaders } from '../respond.ts';

/**
 * DELETE /bucket/key — 204 whether or not the key existed (as S3). With
 * If-Match (an ETag or '*') the delete is conditional: 412 PreconditionFailed
 * when the current ETag differs, 404 NoSuchKey when there is no object.
 */
export async function deleteObject(ctx: S3Context) {
  const key = objectKey(ctx);
  validateObjectKey(key);
  const versionId = ctx.addr.query.get('versionId');
  if (versionId !== null && versionId !== 'null') throw new S3Error('InvalidArgument', 'Invalid version id specified', { ArgumentName: 'versionId', ArgumentValue: versionId });
  const bucket = await authorizeBucket(ctx);
  await ctx.deps.metadata.deleteObject({ bucket: bucket.name, key, ifMatch: header(ctx, 'if-match') }, { requestId: ctx.requestId });
  setCommonHeaders(ctx.req, ctx.reply);
  return ctx.reply.code(204).send();
}
