/**
 * Response headers describing a stored object (GET, HEAD, and the
 * x-amz-meta-* round trip).
 */
import type { FastifyReply } from 'fastify';
import { formatHttpDate } from '@vaultx/s3-protocol';
import type { ObjectRecord } from '@vaultx/metadata-client';
import { checksumHeaderName } from '@vaultx/sigv4';

export function setObjectHeaders(reply: FastifyReply, obj: ObjectRecord, opts: { checksum: boolean }): void {
  for (const [name, value] of Object.entries(obj.headers)) reply.header(name, value);
  for (const [name, value] of Object.entries(obj.userMeta)) reply.header(`x-amz-meta-${name}`, value);
  reply.header('etag', `"${obj.etag}"`);
  reply.header('last-modified', formatHttpDate(new Date(obj.lastModified)));
  reply.header('accept-ranges', 'bytes');
  if (obj.storageClass !== 'STANDARD') reply.header('x-amz-storage-class', obj.storageClass);
  if (obj.tags && obj.tags.length > 0) reply.header('x-amz-tagging-count', String(obj.tags.length));
  if (opts.checksum && obj.checksum) {
    reply.header(checksumHeaderName(obj.checksum.algorithm), obj.checksum.value);
    reply.header('x-amz-checksum-type', obj.checksum.type);
  }
}

const STORAGE_CLASSES = new Set([
  'STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING',
  'GLACIER', 'DEEP_ARCHIVE', 'OUTPOSTS', 'GLACIER_IR', 'SNOW', 'EXPRESS_ONEZONE',
]);

export function isStorageClass(s: string): boolean {
  return STORAGE_CLASSES.has(s);
}

/** S3 keeps Last-Modified at second precision; listings and HEAD must agree. */
export function nowToTheSecond(): string {
  return new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
}
