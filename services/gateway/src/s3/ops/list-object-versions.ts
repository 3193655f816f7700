import { parseListVersionsParams, renderListVersions } from '@vaultx/s3-protocol';
import { authorizeBucket, type S3Context } from '../context.ts';
import { sendXml } from '../respond.ts';
import { list, objectEntry } from './list-objects.ts';

/**
 * GET /bucket?versions (ListObjectVersions). Versioning is not built, so each
 * object is listed as its single version `null` (see list-versions.ts).
 */
export async function listObjectVersions(ctx: S3Context) {
  const bucket = await authorizeBucket(ctx);
  const p = parseListVersionsParams(ctx.addr.query);
  const r = await list(ctx, bucket.name, { prefix: p.prefix, delimiter: p.delimiter, startAfter: p.after, maxKeys: p.maxKeys });
  const last = r.objects.at(-1);
  return sendXml(
    ctx.req,
    ctx.reply,
    renderListVersions({
      name: bucket.name,
      params: p,
      isTruncated: r.isTruncated,
      nextKeyMarker: r.isTruncated ? r.nextMarker : undefined,
      endsWithVersion: last !== undefined && last.key === r.nextMarker,
      versions: r.objects.map(objectEntry),
      commonPrefixes: r.commonPrefixes,
    }),
  );
}
