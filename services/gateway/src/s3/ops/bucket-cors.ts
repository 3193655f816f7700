/**
 * PUT, GET and DELETE /bucket?cors — the bucket's CORS configuration, kept
 * with the bucket record in the metadata service. Bucket owner (or root) only.
 */
import { CORS_MAX_BODY, S3Error, parseCorsConfiguration, renderCorsConfiguration } from '@vaultx/s3-protocol';
import { authorizeBucket, type S3Context } from '../context.ts';
import { sendXml, setCommonHeaders } from '../respond.ts';
import { readSmallBody } from '../small-body.ts';

export async function putBucketCors(ctx: S3Context) {
  const bucket = await authorizeBucket(ctx);
  // readSmallBody checks Content-MD5 (BadDigest) and the signed payload hash when sent
  const cors = parseCorsConfiguration(await readSmallBody(ctx, CORS_MAX_BODY));
  await ctx.deps.metadata.putBucketConfig({ name: bucket.name, cors }, { requestId: ctx.requestId });
  setCommonHeaders(ctx.req, ctx.reply);
  return ctx.reply.code(200).send();
}

export async function getBucketCors(ctx: S3Context) {
  const bucket = await authorizeBucket(ctx);
  if (bucket.cors === undefined) throw new S3Error('NoSuchCORSConfiguration', undefined, { BucketName: bucket.name });
  return sendXml(ctx.req, ctx.reply, renderCorsConfiguration(bucket.cors));
}

export async function deleteBucketCors(ctx: S3Context) {
  const bucket = await authorizeBucket(ctx);
  if (bucket.cors !== undefined) await ctx.deps.metadata.putBucketConfig({ name: bucket.name, cors: null }, { requestId: ctx.requestId });
  setCommonHeaders(ctx.req, ctx.reply);
  return ctx.reply.code(204).send();
}
