/**
 * PUT, GET and DELETE /bucket?tagging — the bucket's tags (up to 50), kept
 * with the bucket record in the metadata service. Bucket owner (or root) only.
 */
import { S3Error, TAGGING_MAX_BODY, parseTagging, renderTagging } from '@vaultx/s3-protocol';
import { authorizeBucket, type S3Context } from '../context.ts';
import { sendXml, setCommonHeaders } from '../respond.ts';
import { readSmallBody } from '../small-body.ts';

export async function putBucketTagging(ctx: S3Context) {
  const bucket = await authorizeBucket(ctx);
  // readSmallBody checks Content-MD5 (BadDigest) and the signed payload hash when sent
  const tags = parseTagging(await readSmallBody(ctx, TAGGING_MAX_BODY), 'bucket');
  // An empty TagSet leaves the bucket without tags, as DeleteBucketTagging does.
  await ctx.deps.metadata.putBucketConfig({ name: bucket.name, tags: tags.length > 0 ? tags : null }, { requestId: ctx.requestId });
  setCommonHeaders(ctx.req, ctx.reply);
  return ctx.reply.code(204).send();
}

export async function getBucketTagging(ctx: S3Context) {
  const bucket = await authorizeBucket(ctx);
  if (bucket.tags === undefined) throw new S3Error('NoSuchTagSet', undefined, { BucketName: bucket.name });
  return sendXml(ctx.req, ctx.reply, renderTagging(bucket.tags));
}

export async function deleteBucketTagging(ctx: S3Context) {
  const bucket = await authorizeBucket(ctx);
  if (bucket.tags !== undefined) await ctx.deps.metadata.putBucketConfig({ name: bucket.name, tags: null }, { requestId: ctx.requestId });
  setCommonHeaders(ctx.req, ctx.reply);
  return ctx.reply.code(204).send();
}
