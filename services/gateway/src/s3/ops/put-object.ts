import { S3Error, extractObjectHeaders, parseTaggingHeader, validateObjectKey } from '@vaultx/s3-protocol';
import type { ChunkRef, ObjectRecord } from '@vaultx/metadata-client';
import { checksumHeaderName } from '@vaultx/sigv4';
import { authorizeBucket, header, objectKey, type S3Context } from '../context.ts';
import { openPayload } from '../payload.ts';
import { setCommonHeaders } from '../respond.ts';
import { isStorageClass, nowToTheSecond } from '../object-headers.ts';
import { writeObjectData } from '../../data/write-object.ts';
import { BodyDigests, type DigestResult } from '../../data/digests.ts';
import { collectBody } from '../../data/collect.ts';
import type { Payload } from '../payload.ts';

async function readInline(payload: Payload, size: number): Promise<{ chunks: ChunkRef[]; inline: Buffer; digests: DigestResult }> {
  const digests = new BodyDigests({ sha256: payload.needSha256, checksum: payload.checksumAlgorithm });
  const inline = await collectBody(payload.stream, digests, size, () => new S3Error('IncompleteBody'));
  return { chunks: [], inline, digests: digests.digest() };
}

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
  const tags = parseTaggingHeader(header(ctx, 'x-amz-tagging'));
  const storageClass = header(ctx, 'x-amz-storage-class') ?? 'STANDARD';
  if (!isStorageClass(storageClass)) throw new S3Error('InvalidStorageClass', undefined, { StorageClassRequested: storageClass });

  const { config, chunks, metadata } = ctx.deps;
  // A body in Transfer-Encoding: chunked states its length chunk by chunk; it streams
  // into chunks like any other (s3-tests test_object_write_with_chunked_transfer_encoding).
  const payload = openPayload(ctx.req.raw, ctx.auth, {
    maxSize: config.maxObjectSize,
    requireLength: true,
    chunkedTransferOk: true,
    idleTimeoutMs: config.bodyIdleTimeoutMs,
  });
  const size = payload.declaredLength;
  const inline = size !== undefined && size > 0 && size <= config.inlineMaxBytes;
  // Small objects live with their metadata: one durable write instead of a chunk file plus a record.
  const written: { chunks: ChunkRef[]; digests: DigestResult; inline?: Buffer } = inline
    ? await readInline(payload, size)
    : await writeObjectData(payload.stream, chunks, {
        chunkSize: config.chunkSize,
        sha256: payload.needSha256,
        checksum: payload.checksumAlgorithm,
        requestId: ctx.requestId,
        contentType: headers['content-type'],
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
    inline: written.inline?.toString('base64'),
    ...(tags && tags.length > 0 ? { tags } : {}),
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
