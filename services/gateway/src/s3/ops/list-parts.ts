import { parseEncodingType, renderListPartsResult, validateObjectKey } from '@vaultx/s3-protocol';
import { authorizeBucket, objectKey, type S3Context } from '../context.ts';
import { sendXml } from '../respond.ts';
import { parseMaxParam, parsePartNumberMarker, uploadIdOf } from '../../multipart/params.ts';

/** GET /bucket/key?uploadId=… — max-parts (default and cap 1000), part-number-marker (0 allowed). */
export async function listParts(ctx: S3Context) {
  const key = objectKey(ctx);
  validateObjectKey(key);
  const uploadId = uploadIdOf(ctx);
  const q = ctx.addr.query;
  const maxParts = parseMaxParam(q.get('max-parts'), 'max-parts');
  const partNumberMarker = parsePartNumberMarker(q.get('part-number-marker'));
  const encodingType = parseEncodingType(q.get('encoding-type'));
  const bucket = await authorizeBucket(ctx);
  const r = await ctx.deps.metadata.listParts(
    { bucket: bucket.name, key, uploadId, partNumberMarker, maxParts },
    { requestId: ctx.requestId },
  );
  const { upload } = r;
  const owner = { id: upload.owner, displayName: upload.owner };
  return sendXml(
    ctx.req,
    ctx.reply,
    renderListPartsResult({
      bucket: bucket.name,
      key,
      uploadId,
      partNumberMarker,
      nextPartNumberMarker: r.nextPartNumberMarker,
      maxParts,
      isTruncated: r.isTruncated,
      parts: r.parts.map((p) => ({
        partNumber: p.partNumber,
        lastModified: p.lastModified,
        etag: p.etag,
        size: p.size,
        checksum: p.checksum,
      })),
      initiator: owner,
      owner,
      storageClass: upload.storageClass,
      checksumAlgorithm: upload.checksumAlgorithm,
      checksumType: upload.checksumType,
      encodingType,
    }),
  );
}
