import { S3Error, validateObjectKey } from '@vaultx/s3-protocol';
import { checksumHeaderName } from '@vaultx/sigv4';
import { authorizeBucket, objectKey, type S3Context } from '../context.ts';
import { openPayload } from '../payload.ts';
import { setCommonHeaders } from '../respond.ts';
import { writeObjectData } from '../../data/write-object.ts';
import { MAX_PART_SIZE, parsePartNumber, uploadIdOf } from '../../multipart/params.ts';

/**
 * PUT /bucket/key?partNumber=N&uploadId=… — streams the part into chunks
 * (MD5, SHA-256 and the checksum computed in the same pass), verifies what the
 * client sent, then records the part; an earlier part N is replaced. The
 * part's checksum uses the upload's algorithm, computed here when the client
 * sent none.
 */
export async function uploadPart(ctx: S3Context) {
  const key = objectKey(ctx);
  validateObjectKey(key);
  const partNumber = parsePartNumber(ctx.addr.query.get('partNumber'));
  const uploadId = uploadIdOf(ctx);
  const bucket = await authorizeBucket(ctx);
  const { config, chunks, metadata } = ctx.deps;
  const upload = await metadata.getUpload({ bucket: bucket.name, key, uploadId }, { requestId: ctx.requestId });

  const payload = openPayload(ctx.req.raw, ctx.auth, { maxSize: MAX_PART_SIZE, requireLength: true, idleTimeoutMs: ctx.deps.config.bodyIdleTimeoutMs });
  if (upload.checksumAlgorithm && payload.checksumAlgorithm && payload.checksumAlgorithm !== upload.checksumAlgorithm) {
    throw new S3Error(
      'InvalidRequest',
      `Checksum Type mismatch occurred, expected checksum Type: ${upload.checksumAlgorithm.toLowerCase()}, actual checksum Type: ${payload.checksumAlgorithm.toLowerCase()}`,
    );
  }
  const algorithm = payload.checksumAlgorithm ?? upload.checksumAlgorithm;
  const written = await writeObjectData(payload.stream, chunks, {
    chunkSize: config.chunkSize,
    sha256: payload.needSha256,
    checksum: algorithm,
    requestId: ctx.requestId,
    contentType: upload.headers?.['content-type'],
    maxSize: MAX_PART_SIZE,
    onTooLarge: () => new S3Error('EntityTooLarge', undefined, { MaxSizeAllowed: MAX_PART_SIZE }),
  });
  payload.verify(written.digests);
  const checksum = algorithm && written.digests.checksum !== undefined ? { algorithm, value: written.digests.checksum } : undefined;
  const etag = written.digests.md5.toString('hex');

  await metadata.putPart(
    {
      bucket: bucket.name,
      key,
      uploadId,
      part: { partNumber, etag, size: written.digests.length, lastModified: new Date().toISOString(), chunks: written.chunks, checksum },
    },
    { requestId: ctx.requestId },
  );
  ctx.req.audit.size = written.digests.length;
  ctx.req.audit.uploadId = uploadId;
  ctx.req.audit.partNumber = partNumber;
  setCommonHeaders(ctx.req, ctx.reply);
  ctx.reply.header('etag', `"${etag}"`);
  if (checksum) ctx.reply.header(checksumHeaderName(checksum.algorithm), checksum.value);
  return ctx.reply.code(200).send();
}
