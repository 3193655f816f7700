import {
  formatHttpDate,
  parseObjectAttributes,
  renderGetObjectAttributesResult,
  validateObjectKey,
  type GetObjectAttributesInput,
} from '@vaultx/s3-protocol';
import { authorizeBucket, checkVersionId, objectKey, type S3Context } from '../context.ts';
import { sendXml } from '../respond.ts';
import { parseMaxParam, parsePartNumberMarker } from '../../multipart/params.ts';

function headerValues(ctx: S3Context, name: string): string[] {
  const v = ctx.req.raw.headers[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/**
 * GET /bucket/key?attributes — x-amz-object-attributes picks among ETag,
 * Checksum, ObjectParts, StorageClass, ObjectSize. ObjectParts is given for
 * multipart objects only (paged by x-amz-max-parts / x-amz-part-number-marker),
 * with each part's checksum when the upload had a checksum algorithm.
 */
export async function getObjectAttributes(ctx: S3Context) {
  const key = objectKey(ctx);
  validateObjectKey(key);
  checkVersionId(ctx);
  const wanted = parseObjectAttributes(headerValues(ctx, 'x-amz-object-attributes'));
  const maxParts = parseMaxParam(headerValues(ctx, 'x-amz-max-parts')[0] ?? null, 'max-parts');
  const marker = parsePartNumberMarker(headerValues(ctx, 'x-amz-part-number-marker')[0] ?? null);
  const bucket = await authorizeBucket(ctx);
  const obj = await ctx.deps.metadata.getObject({ bucket: bucket.name, key }, { requestId: ctx.requestId });

  const out: GetObjectAttributesInput = {};
  if (wanted.has('ETag')) out.etag = obj.etag;
  if (wanted.has('Checksum') && obj.checksum) out.checksum = obj.checksum;
  if (wanted.has('ObjectParts') && obj.parts) {
    const after = obj.parts.filter((p) => p.partNumber > marker);
    const page = after.slice(0, maxParts);
    const last = page[page.length - 1];
    const alg = obj.checksum?.algorithm;
    out.objectParts = {
      partNumberMarker: marker,
      nextPartNumberMarker: last?.partNumber,
      maxParts,
      isTruncated: after.length > page.length,
      partsCount: obj.parts.length,
      parts: page.map((p) => ({
        partNumber: p.partNumber,
        size: p.size,
        ...(alg && p.checksum !== undefined ? { checksum: { algorithm: alg, value: p.checksum } } : {}),
      })),
    };
  }
  if (wanted.has('StorageClass')) out.storageClass = obj.storageClass;
  if (wanted.has('ObjectSize')) out.objectSize = obj.size;
  ctx.reply.header('last-modified', formatHttpDate(new Date(obj.lastModified)));
  return sendXml(ctx.req, ctx.reply, renderGetObjectAttributesResult(out));
}
