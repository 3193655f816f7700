import { S3Error, extractObjectHeaders, validateObjectKey } from '@vaultx/s3-protocol';
import type { ObjectRecord } from '@vaultx/metadata-client';
import { checksumHeaderName } from '@vaultx/sigv4';
import { authorizeBucket, header, objectKey, type S3Context } from '../context.ts';
import { openPayload } from '../payload.ts';
import { setCommonHeaders } from '../respond.ts';
import { isStorageClass, nowToTheSecond } from '../object-headers.ts';
import { writeObjectData } from '../../data/write-object.ts';

/**
 * PUT /bucket/key — streams the body into chunks, verifies every digest the
 * client sent, then commits the object record atomically. Until the commit
 * the previous object (or none) stays visible.
 */
export async function putObject(ctx: S3Context) {
  const key = objectKey(ctx);
  validateObjectKey(key);
  const bucket = await authorizeBucket(ctx);
  const { headers, userMeta } = extractObjectHeaders(ctx.req.headers);
  const storageClass = header(ctx, 'x-amz-storage-class') ?? 'STANDARD';
  if (!isStorageClass(storageClass)) throw new S3Error('InvalidStorageClass', undefined, { StorageClassRequested: storageClass });

  const { config, chunks, metadata } = ctx.deps;
  const payload = openPayload(ctx.req.raw, ctx.auth, { maxSize: config.maxObjectSize, requireLength: true });
  const written = await writeObjectData(payload.stream, chunks, {
    chunkSize: config.chunkSize,
    sha256: payload.needSha256,
    checksum: payload.checksumAlgorithm,
    requestId: ctx.requestId,
    maxSize: config.maxObjectSize,
    onTooLarge: () => new S3Error('EntityTooLarge', undefined, { MaxSizeAllowed: config.maxObjectSize }),
  });
  const checksum = payload.verify(written.digests);

  const record: ObjectRecord = {
    bucket: bucket.name,
    key,
    size: written.digests.length,
    etag: written.digests.md5.toString('hex'),
    lastModified: nowToTheSecond(),
    owner: ctx.userId,
    storageClass,
    headers,
    userMeta,
    checksum,
    chunks: written.chunks,
  };
  await metadata.putObject(
    { record, ifMatch: header(ctx, 'if-match'), ifNoneMatch: header(ctx, 'if-none-match') },
    { requestId: ctx.requestId },
  );
  ctx.req.audit.size = record.size;
  setCommonHeaders(ctx.req, ctx.reply);
  ctx.reply.header('etag', `"${record.etag}"`);
  if (checksum) {
    ctx.reply.header(checksumHeaderName(checksum.algorithm), checksum.value);
    ctx.reply.header('x-amz-checksum-type', checksum.type);
  }
  return ctx.reply.code(200).send();
}
