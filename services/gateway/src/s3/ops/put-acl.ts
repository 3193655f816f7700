import {
  S3Error,
  isBlank,
  isOwnerOnlyAcl,
  isOwnerOnlyPolicy,
  parseAccessControlPolicy,
  requestedAcl,
  validateObjectKey,
  ACL_POLICY_MAX_BODY,
} from '@vaultx/s3-protocol';
import { authorizeBucket, checkVersionId, header, objectKey, type S3Context } from '../context.ts';
import { setCommonHeaders } from '../respond.ts';
import { readSmallBody } from '../small-body.ts';

/**
 * Checks an ACL a PutBucketAcl / PutObjectAcl asks for, as S3 does with ACLs
 * disabled: "owner has full control" (what is already in force) is accepted
 * and changes nothing; anything wider is AccessControlListNotSupported.
 */
async function checkRequestedAcl(ctx: S3Context, ownerId: string): Promise<void> {
  const fromHeaders = requestedAcl((name) => header(ctx, name));
  const body = await readSmallBody(ctx, ACL_POLICY_MAX_BODY);
  if (!isBlank(body)) {
    if (fromHeaders.kind !== 'none') {
      throw new S3Error('UnexpectedContent', 'This request does not support content when an ACL header is given');
    }
    if (!isOwnerOnlyPolicy(parseAccessControlPolicy(body), ownerId)) throw new S3Error('AccessControlListNotSupported');
    return;
  }
  if (fromHeaders.kind === 'none') throw new S3Error('MissingSecurityHeader', 'Your request was missing a required header', { MissingHeaderName: 'x-amz-acl' });
  if (!isOwnerOnlyAcl(fromHeaders)) throw new S3Error('AccessControlListNotSupported');
}

/** PUT /bucket?acl */
export async function putBucketAcl(ctx: S3Context) {
  const bucket = await authorizeBucket(ctx);
  await checkRequestedAcl(ctx, bucket.owner);
  setCommonHeaders(ctx.req, ctx.reply);
  return ctx.reply.code(200).send();
}

/** PUT /bucket/key?acl — NoSuchKey when the object does not exist. */
export async function putObjectAcl(ctx: S3Context) {
  const key = objectKey(ctx);
  validateObjectKey(key);
  checkVersionId(ctx);
  const bucket = await authorizeBucket(ctx);
  const obj = await ctx.deps.metadata.getObject({ bucket: bucket.name, key }, { requestId: ctx.requestId });
  await checkRequestedAcl(ctx, obj.owner);
  setCommonHeaders(ctx.req, ctx.reply);
  return ctx.reply.code(200).send();
}
