import { renderLocation } from '@vaultx/s3-protocol';
import { authorizeBucket, type S3Context } from '../context.ts';
import { sendXml } from '../respond.ts';

/** GET /bucket?location */
export async function getBucketLocation(ctx: S3Context) {
  const bucket = await authorizeBucket(ctx);
  return sendXml(ctx.req, ctx.reply, renderLocation(bucket.region));
}
