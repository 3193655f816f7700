import {
  S3Error,
  extractObjectHeaders,
  parseTaggingHeader,
  renderCopyObjectResult,
  validateObjectKey,
} from '@vaultx/s3-protocol';
import type { ObjectRecord } from '@vaultx/metadata-client';
import { authorizeBucket, header, objectKey, type S3Context } from '../context.ts';
import { sendXml } from '../respond.ts';
import { copySourceOf, loadCopySource } from '../copy-source.ts';
import { isStorageClass, nowToTheSecond } from '../object-headers.ts';

/** CopyObject copies at most 5 GiB; larger objects are copied with UploadPartCopy. */
export const MAX_COPY_SOURCE_BYTES = 5 * 1024 * 1024 * 1024;

/**
 * PUT /bucket/key with x-amz-copy-source. The copy shares the source's chunks
 * (no bytes move); metadata comes from the source (COPY) or the request (REPLACE).
 */
export async function copyObject(ctx: S3Context) {
  const key = objectKey(ctx);
  validateObjectKey(key);
  const src = copySourceOf(ctx);
  const directive = (header(ctx, 'x-amz-metadata-directive') ?? 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE') {
    throw new S3Error('InvalidArgument', 'Unknown metadata directive.', { ArgumentName: 'x-amz-metadata-directive', ArgumentValue: directive });
  }
  const taggingDirective = (header(ctx, 'x-amz-tagging-directive') ?? 'COPY').toUpperCase();
  if (taggingDirective !== 'COPY' && taggingDirective !== 'REPLACE') {
    throw new S3Error('InvalidArgument', 'Unknown tagging directive.', { ArgumentName: 'x-amz-tagging-directive', ArgumentValue: taggingDirective });
  }
  const requestTags = parseTaggingHeader(header(ctx, 'x-amz-tagging'));
  const storageClassHeader = header(ctx, 'x-amz-storage-class');
  if (storageClassHeader !== undefined && !isStorageClass(storageClassHeader)) throw new S3Error('InvalidStorageClass');

  const destBucket = await authorizeBucket(ctx);
  const { srcBucket, source } = await loadCopySource(ctx, src, destBucket);
  if (source.size > MAX_COPY_SOURCE_BYTES) {
    throw new S3Error('InvalidRequest', `The specified copy source is larger than the maximum allowable size for a copy source: ${MAX_COPY_SOURCE_BYTES}`);
  }

  const sameObject = srcBucket.name === destBucket.name && src.key === key;
  const storageClass = storageClassHeader ?? (sameObject ? source.storageClass : 'STANDARD');
  if (sameObject && directive === 'COPY' && storageClass === source.storageClass && header(ctx, 'x-amz-website-redirect-location') === undefined) {
    throw new S3Error(
      'InvalidRequest',
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  const fromRequest = directive === 'REPLACE' ? extractObjectHeaders(ctx.req.headers) : undefined;
  const record: ObjectRecord = {
    bucket: destBucket.name,
    key,
    size: source.size,
    etag: source.etag,
    lastModified: nowToTheSecond(),
    owner: ctx.userId,
    storageClass,
    headers: fromRequest ? fromRequest.headers : source.headers,
    userMeta: fromRequest ? fromRequest.userMeta : source.userMeta,
    checksum: source.checksum,
    chunks: source.chunks,
    inline: source.inline,
    // a copy of a multipart object keeps its ETag, so it keeps its parts (GET ?partNumber)
    ...(source.parts ? { parts: source.parts } : {}),
  };
  // tags: the source's (x-amz-tagging-directive COPY, the default) or the request's (REPLACE)
  const tags = taggingDirective === 'REPLACE' ? requestTags : source.tags;
  if (tags && tags.length > 0) record.tags = tags;
  const { record: stored } = await ctx.deps.metadata.putObject(
    { record, ifMatch: header(ctx, 'if-match'), ifNoneMatch: header(ctx, 'if-none-match') },
    { requestId: ctx.requestId },
  );
  ctx.req.audit.copySource = `${srcBucket.name}/${src.key}`;
  return sendXml(ctx.req, ctx.reply, renderCopyObjectResult({ etag: stored.etag, lastModified: stored.lastModified }));
}
