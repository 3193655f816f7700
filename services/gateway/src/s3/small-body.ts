/**
 * Reads a small request body (XML documents) through the same verification
 * as object data (aws-chunked, SHA-256, Content-MD5, checksums), refusing
 * anything over `limit` without buffering past it.
 */
import { S3Error } from '@vaultx/s3-protocol';
import { BodyDigests } from '../data/digests.ts';
import { collectBody } from '../data/collect.ts';
import { openPayload } from './payload.ts';
import type { S3Context } from './context.ts';

export async function readSmallBody(ctx: S3Context, limit: number): Promise<Buffer> {
  const payload = openPayload(ctx.req.raw, ctx.auth, { maxSize: Number.MAX_SAFE_INTEGER, requireLength: false, idleTimeoutMs: ctx.deps.config.bodyIdleTimeoutMs });
  if (payload.declaredLength !== undefined && payload.declaredLength > limit) {
    ctx.reply.header('connection', 'close');
    throw new S3Error('MaxMessageLengthExceeded');
  }
  const digests = new BodyDigests({ sha256: payload.needSha256, checksum: payload.checksumAlgorithm });
  const body = await collectBody(payload.stream, digests, limit, () => {
    // The rest of the body is never read: close the connection after the error.
    ctx.reply.header('connection', 'close');
    return new S3Error('MaxMessageLengthExceeded');
  });
  payload.verify(digests.digest());
  return body;
}
