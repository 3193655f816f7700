import { renderOwnerOnlyAcl, validateObjectKey } from '@vaultx/s3-protocol';
import { authorizeBucket, checkVersionId, objectKey, type S3Context } from '../context.ts';
import { sendXml } from '../respond.ts';

// VaultX has no ACLs: everything reads as S3 shows a bucket with ACLs disabled
// (Object Ownership "bucket owner enforced"): the owner holds FULL_CONTROL, nobody else anything.

/** GET /bucket?acl */
export async function getBucketAcl(ctx: S3Context) {
  const bucket = await authorizeBucket(ctx);
  return sendXml(ctx.req, ctx.reply, renderOwnerOnlyAcl({ id: bucket.owner, displayName: bucket.owner }));
}

/** GET /bucket/key?acl — NoSuchKey when the object does not exist. */
export async function getObjectAcl(ctx: S3Context) {
  const key = objectKey(ctx);
  validateObjectKey(key);
  checkVersionId(ctx);
  const bucket = await authorizeBucket(ctx);
  const obj = await ctx.deps.metadata.getObject({ bucket: bucket.name, key }, { requestId: ctx.requestId });
  return sendXml(ctx.req, ctx.reply, renderOwnerOnlyAcl({ id: obj.owner, displayName: obj.owner }));
}
