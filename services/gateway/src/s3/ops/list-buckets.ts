import { renderListBuckets } from '@vaultx/s3-protocol';
import { sendXml } from '../respond.ts';
import type { S3Context } from '../context.ts';

/** GET / — root sees every bucket, other users their own. */
export async function listBuckets(ctx: S3Context) {
  const { buckets } = await ctx.deps.metadata.listBuckets(ctx.isRoot ? {} : { owner: ctx.userId }, { requestId: ctx.requestId });
  return sendXml(
    ctx.req,
    ctx.reply,
    renderListBuckets({
      owner: { id: ctx.userId, displayName: ctx.userId },
      buckets: buckets.map((b) => ({ name: b.name, createdAt: b.createdAt, region: b.region })),
    }),
  );
}
