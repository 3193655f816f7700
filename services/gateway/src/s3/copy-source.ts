/**
 * The source of CopyObject and UploadPartCopy: x-amz-copy-source parsed, the
 * caller's access to its bucket checked, its record read, and the
 * x-amz-copy-source-if-* preconditions applied — the same steps for both.
 */
import { S3Error, evaluateCopySourceConditions } from '@vaultx/s3-protocol';
import type { BucketRecord, ObjectRecord } from '@vaultx/metadata-client';
import { authorizeBucket, header, type S3Context } from './context.ts';

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

/** The request's copy source, parsed; only version `null` exists (no versioning yet). */
export function copySourceOf(ctx: S3Context): { bucket: string; key: string } {
  const src = parseCopySource(header(ctx, 'x-amz-copy-source')!);
  if (src.versionId !== undefined && src.versionId !== 'null') throw new S3Error('NoSuchVersion', undefined, { VersionId: src.versionId });
  return src;
}

/**
 * Reads the source object once the destination bucket is authorized: the
 * caller must also be allowed the source bucket, and the source must pass
 * the x-amz-copy-source-if-* conditions (else PreconditionFailed).
 */
export async function loadCopySource(
  ctx: S3Context,
  src: { bucket: string; key: string },
  destBucket: BucketRecord,
): Promise<{ srcBucket: BucketRecord; source: ObjectRecord }> {
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
  return { srcBucket, source };
}
