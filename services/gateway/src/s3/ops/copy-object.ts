import {
  S3Error,
  evaluateCopySourceConditions,
  extractObjectHeaders,
  parseTaggingHeader,
  renderCopyObjectResult,
  validateObjectKey,
} from '@vaultx/s3-protocol';
import type { ObjectRecord } from '@vaultx/metadata-client';
import { authorizeBucket, header, objectKey, type S3Context } from '../context.ts';
import { sendXml } from '../respond.ts';
import { isStorageClass, nowToTheSecond } from '../object-headers.ts';

/** CopyObject copies at most 5 GiB; larger objects are copied with UploadPartCopy. */
export const MAX_COPY_SOURCE_BYTES = 5 * 1024 * 1024 * 1024;

/** Parses x-amz-copy-source: "[/]bucket/key[?versionId=…]", URL-encoded. */
export function parseCopySource(raw: string): { bucket: string; key: string; versionId?: string } {
  const q = raw.indexOf('?');
  const path = q === -1 ? raw : raw.slice(0, q);
  const versionId = q === -1 ? undefined : (new URLSearchParams(raw.slice(q + 1)).get('versionId') ?? undefined);
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    throw new S3Error('InvalidArgument', 'Invalid copy source encoding', { ArgumentName: 'x-amz-copy-source' });
  }
  if (decoded.startsWith('/')) decoded = decoded.slice(1);
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) {
    throw new S3Error('InvalidArgument', 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey', { ArgumentName: 'x-amz-copy-source', ArgumentValue: raw });
  }
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1), versionId };
}

/**
 * PUT /bucket/key with x-amz-copy-source. The copy shares the source's chunks
 * (no bytes move); metadata comes from the source (COPY) or the request (REPLACE).
 */
export async function copyObject(ctx: S3Context) {
  const key = objectKey(ctx);
  validateObjectKey(key);
  const src = parseCopySource(header(ctx, 'x-amz-copy-source')!);
  if (src.versionId !== undefined && src.versionId !== 'null') throw new S3Error('NoSuchVersion', undefined, { VersionId: src.versionId });
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
  const srcBucket = src.bucket === destBucket.name ? destBucket : await authorizeBucket(ctx, src.bucket);
  const source = await ctx.deps.metadata.getObject({ bucket: srcBucket.name, key: src.key }, { requestId: ctx.requestId });

  const outcome = evaluateCopySourceConditions(
    {
      ifMatch: header(ctx, 'x-amz-copy-source-if-match'),
      ifNoneMatch: header(ctx, 'x-amz-copy-source-if-none-match'),
      ifModifiedSince: header(ctx, 'x-amz-copy-source-if-modified-since'),
      ifUnmodifiedSince: header(ctx, 'x-amz-copy-source-if-unmodified-since'),
    },
    { etag: source.etag, lastModified: new Date(source.lastModified) },
  );
  if (outcome !== 'ok') throw new S3Error('PreconditionFailed', undefined, { Condition: 'x-amz-copy-source-If-Match' });
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
