import { pageBuckets, parseListBucketsParams, renderListBuckets } from '@vaultx/s3-protocol';
import { sendXml } from '../respond.ts';
import type { S3Context } from '../context.ts';

/**
 * GET / — the buckets the caller owns (as S3; root's admin powers don't widen
 * its listing), paged by max-buckets / continuation-token and filtered by
 * prefix / bucket-region. One owner's buckets are few, so the page is cut here.
 */
export async function listBuckets(ctx: S3Context) {
  const p = parseListBucketsParams(ctx.addr.query);
  const { buckets } = await ctx.deps.metadata.listBuckets({ owner: ctx.userId }, { requestId: ctx.requestId });
  const { page, continuationToken } = pageBuckets(buckets, p);
  return sendXml(
    ctx.req,
    ctx.reply,
    renderListBuckets({
      owner: { id: ctx.userId, displayName: ctx.userId },
      buckets: page.map((b) => ({ name: b.name, createdAt: b.createdAt, region: b.region })),
      continuationToken,
      prefix: p.prefix,
    }),
  );
}
