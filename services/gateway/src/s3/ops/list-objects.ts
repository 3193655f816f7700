import {
  encodeContinuationToken,
  parseListObjectsParams,
  renderListObjectsV1,
  renderListObjectsV2,
  type ObjectEntry,
} from '@vaultx/s3-protocol';
import type { ObjectSummary } from '@vaultx/metadata-client';
import { authorizeBucket, type S3Context } from '../context.ts';
import { sendXml } from '../respond.ts';

/** One page of a bucket's current objects, as every listing reads them. */
export async function list(ctx: S3Context, bucket: string, p: { prefix: string; delimiter?: string; startAfter?: string; maxKeys: number }) {
  return ctx.deps.metadata.listObjects(
    { bucket, prefix: p.prefix, delimiter: p.delimiter || undefined, startAfter: p.startAfter, maxKeys: p.maxKeys },
    { requestId: ctx.requestId },
  );
}

/** A listed object as the listing XML renders it (owner id doubling as display name). */
export function objectEntry(o: ObjectSummary): ObjectEntry {
  return { key: o.key, lastModified: o.lastModified, etag: o.etag, size: o.size, storageClass: o.storageClass, owner: { id: o.owner, displayName: o.owner } };
}

/** GET /bucket (ListObjects, v1): marker-based. */
export async function listObjectsV1(ctx: S3Context) {
  const bucket = await authorizeBucket(ctx);
  const p = parseListObjectsParams(ctx.addr.query, 1);
  const r = await list(ctx, bucket.name, { prefix: p.prefix, delimiter: p.delimiter, startAfter: p.after, maxKeys: p.maxKeys });
  return sendXml(
    ctx.req,
    ctx.reply,
    renderListObjectsV1({
      name: bucket.name,
      prefix: p.prefix,
      marker: p.marker ?? '',
      nextMarker: r.isTruncated ? r.nextMarker : undefined,
      maxKeys: p.maxKeys,
      delimiter: p.delimiter,
      isTruncated: r.isTruncated,
      encodingType: p.encodingType,
      contents: r.objects.map(objectEntry),
      commonPrefixes: r.commonPrefixes,
    }),
  );
}

/** GET /bucket?list-type=2 (ListObjectsV2): opaque continuation tokens. */
export async function listObjectsV2(ctx: S3Context) {
  const bucket = await authorizeBucket(ctx);
  const p = parseListObjectsParams(ctx.addr.query, 2);
  const r = await list(ctx, bucket.name, { prefix: p.prefix, delimiter: p.delimiter, startAfter: p.after, maxKeys: p.maxKeys });
  return sendXml(
    ctx.req,
    ctx.reply,
    renderListObjectsV2({
      name: bucket.name,
      prefix: p.prefix,
      delimiter: p.delimiter,
      maxKeys: p.maxKeys,
      keyCount: r.objects.length + r.commonPrefixes.length,
      isTruncated: r.isTruncated,
      continuationToken: p.continuationToken,
      nextContinuationToken: r.isTruncated && r.nextMarker !== undefined ? encodeContinuationToken(r.nextMarker) : undefined,
      startAfter: p.startAfter,
      encodingType: p.encodingType,
      fetchOwner: p.fetchOwner,
      contents: r.objects.map(objectEntry),
      commonPrefixes: r.commonPrefixes,
    }),
  );
}
