import { renderListBuckets } from '@vaultx/s3-protocol';
import { sendXml } from '../respond.ts';
import type { S3Context } from '../context.ts';

/** GET / — the buckets the caller owns (as S3; root's admin powers don't widen its listing). */
export async function listBuckets(ctx: S3Context) {
  const { buckets } = await ctx.deps.metadata.listBuckets({ owner: ctx.userId }, { requestId: ctx.requestId });
  return sendXml(
    ctx.req,
    ctx.reply,
    renderListBuckets({
      owner: { id: ctx.userId, displayName: ctx.userId },
      buckets: buckets.map((b) => ({ name: b.name, createdAt: b.createdAt, region: b.region })),
    }),
  );
}
