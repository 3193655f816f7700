import { S3Error, extractObjectHeaders, parseTaggingHeader, renderInitiateMultipartUploadResult, validateObjectKey } from '@vaultx/s3-protocol';
import { authorizeBucket, header, objectKey, type S3Context } from '../context.ts';
import { sendXml } from '../respond.ts';
import { isStorageClass } from '../object-headers.ts';
import { defaultChecksumType, isValidChecksumType, type ChecksumType } from '../../multipart/checksums.ts';
import { parseUploadChecksumAlgorithm } from '../../multipart/params.ts';

/**
 * POST /bucket/key?uploads — starts a multipart upload. The object's headers,
 * user metadata, tags, storage class and checksum algorithm / type are fixed now;
 * they apply to the object CompleteMultipartUpload creates.
 */
export async function createMultipartUpload(ctx: S3Context) {
  const key = objectKey(ctx);
  validateObjectKey(key);
  const bucket = await authorizeBucket(ctx);
  const { headers, userMeta } = extractObjectHeaders(ctx.req.headers);
  const tags = parseTaggingHeader(header(ctx, 'x-amz-tagging'));
  const storageClass = header(ctx, 'x-amz-storage-class') ?? 'STANDARD';
  if (!isStorageClass(storageClass)) throw new S3Error('InvalidStorageClass', undefined, { StorageClassRequested: storageClass });

  const checksumAlgorithm = parseUploadChecksumAlgorithm(header(ctx, 'x-amz-checksum-algorithm'));
  const typeHeader = header(ctx, 'x-amz-checksum-type')?.trim().toUpperCase();
  let checksumType: ChecksumType | undefined;
  if (typeHeader !== undefined) {
    if (typeHeader !== 'FULL_OBJECT' && typeHeader !== 'COMPOSITE') {
      throw new S3Error('InvalidRequest', 'Value for x-amz-checksum-type header is invalid.');
    }
    if (!checksumAlgorithm) {
      throw new S3Error('InvalidRequest', 'The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.');
    }
    if (!isValidChecksumType(checksumAlgorithm, typeHeader)) {
      throw new S3Error('InvalidRequest', `The ${typeHeader} checksum type cannot be used with the ${checksumAlgorithm.toLowerCase()} checksum algorithm.`);
    }
    checksumType = typeHeader;
  } else if (checksumAlgorithm) {
    checksumType = defaultChecksumType(checksumAlgorithm);
  }

  const upload = await ctx.deps.metadata.createUpload(
    { bucket: bucket.name, key, owner: ctx.userId, storageClass, headers, userMeta, checksumAlgorithm, checksumType, tags },
    { requestId: ctx.requestId },
  );
  ctx.req.audit.uploadId = upload.uploadId;
  if (upload.checksumAlgorithm && upload.checksumType) {
    ctx.reply.header('x-amz-checksum-algorithm', upload.checksumAlgorithm);
    ctx.reply.header('x-amz-checksum-type', upload.checksumType);
  }
  return sendXml(ctx.req, ctx.reply, renderInitiateMultipartUploadResult({ bucket: bucket.name, key, uploadId: upload.uploadId }));
}
