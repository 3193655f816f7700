import { authorizeBucket, type S3Context } from '../context.ts';
import { setCommonHeaders } from '../respond.ts';

/** DELETE /bucket — only when empty (BucketNotEmpty otherwise, from the metadata service). */
export async function deleteBucket(ctx: S3Context) {
  const bucket = await authorizeBucket(ctx);
  await ctx.deps.metadata.deleteBucket({ name: bucket.name }, { requestId: ctx.requestId });
  setCommonHeaders(ctx.req, ctx.reply);
  return ctx.reply.code(204).send();
}
