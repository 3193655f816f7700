import { parseEncodingType, renderListMultipartUploadsResult } from '@vaultx/s3-protocol';
import { authorizeBucket, type S3Context } from '../context.ts';
import { sendXml } from '../respond.ts';
import { parseMaxParam } from '../../multipart/params.ts';

/**
 * GET /bucket?uploads — prefix, delimiter, key-marker, upload-id-marker
 * (only with key-marker, as S3), max-uploads (default and cap 1000),
 * encoding-type=url.
 */
export async function listMultipartUploads(ctx: S3Context) {
  const q = ctx.addr.query;
  const maxUploads = parseMaxParam(q.get('max-uploads'), 'max-uploads');
  const encodingType = parseEncodingType(q.get('encoding-type'));
  const prefix = q.get('prefix') ?? '';
  const delimiterRaw = q.get('delimiter');
  const delimiter = delimiterRaw === null || delimiterRaw === '' ? undefined : delimiterRaw;
  const keyMarker = q.get('key-marker') ?? '';
  const uploadIdMarker = keyMarker === '' ? '' : (q.get('upload-id-marker') ?? '');
  const bucket = await authorizeBucket(ctx);
  const r = await ctx.deps.metadata.listUploads(
    {
      bucket: bucket.name,
      prefix,
      delimiter,
      keyMarker: keyMarker || undefined,
      uploadIdMarker: uploadIdMarker || undefined,
      maxUploads,
    },
    { requestId: ctx.requestId },
  );
  return sendXml(
    ctx.req,
    ctx.reply,
    renderListMultipartUploadsResult({
      bucket: bucket.name,
      keyMarker,
      uploadIdMarker,
      nextKeyMarker: r.isTruncated ? r.nextKeyMarker : undefined,
      nextUploadIdMarker: r.isTruncated ? r.nextUploadIdMarker : undefined,
      prefix,
      delimiter,
      maxUploads,
      isTruncated: r.isTruncated,
      uploads: r.uploads.map((u) => ({
        key: u.key,
        uploadId: u.uploadId,
        initiator: { id: u.owner, displayName: u.owner },
        owner: { id: u.owner, displayName: u.owner },
        storageClass: u.storageClass,
        initiated: u.initiated,
        checksumAlgorithm: u.checksumAlgorithm,
        checksumType: u.checksumType,
      })),
      commonPrefixes: r.commonPrefixes,
      encodingType,
    }),
  );
}
