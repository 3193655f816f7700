import {
  S3Error,
  formatHttpDate,
  parseObjectAttributes,
  parsePartsPaging,
  renderObjectAttributes,
  validateObjectKey,
} from '@vaultx/s3-protocol';
import { authorizeBucket, header, objectKey, type S3Context } from '../context.ts';
import { sendXml } from '../respond.ts';

/**
 * GET /bucket/key?attributes — the attributes named in x-amz-object-attributes
 * (ETag, Checksum, ObjectParts, StorageClass, ObjectSize), without the data.
 * ObjectParts lists a multipart object's parts, paged by x-amz-max-parts and
 * x-amz-part-number-marker; a single-part object has none.
 */
export async function getObjectAttributes(ctx: S3Context) {
  const key = objectKey(ctx);
  validateObjectKey(key);
  const versionId = ctx.addr.query.get('versionId');
  if (versionId !== null && versionId !== 'null') throw new S3Error('InvalidArgument', 'Invalid version id specified', { ArgumentName: 'versionId', ArgumentValue: versionId });
  const attributes = parseObjectAttributes(header(ctx, 'x-amz-object-attributes'));
  const paging = parsePartsPaging(header(ctx, 'x-amz-max-parts'), header(ctx, 'x-amz-part-number-marker'));
  const bucket = await authorizeBucket(ctx);
  const obj = await ctx.deps.metadata.getObject({ bucket: bucket.name, key }, { requestId: ctx.requestId });
  ctx.reply.header('last-modified', formatHttpDate(new Date(obj.lastModified)));
  return sendXml(
    ctx.req,
    ctx.reply,
    renderObjectAttributes({
      attributes,
      etag: obj.etag,
      size: obj.size,
      storageClass: obj.storageClass,
      checksum: obj.checksum,
      parts: obj.parts,
      maxParts: paging.maxParts,
      partNumberMarker: paging.marker,
    }),
  );
}
