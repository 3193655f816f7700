import { authorizeBucket, type S3Context } from '../context.ts';
import { setCommonHeaders } from '../respond.ts';

/** HEAD /bucket */
export async function headBucket(ctx: S3Context) {
  const bucket = await authorizeBucket(ctx);
  setCommonHeaders(ctx.req, ctx.reply);
  return ctx.reply.code(200).header('x-amz-bucket-region', bucket.region).send();
}
