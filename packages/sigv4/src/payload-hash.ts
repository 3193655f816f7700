/** A pass-through that checks the body against x-amz-content-sha256 (payload kind 'sha256'). */
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { S3Error } from '@vaultx/s3-protocol';

/**
 * Bytes pass through unchanged; at the end the SHA-256 of everything that
 * passed is compared with `expectedSha256` (hex) and a mismatch fails the
 * stream with XAmzContentSHA256Mismatch, as S3 does.
 */
export function createPayloadHashVerifier(expectedSha256: string): Transform {
  const hash = createHash('sha256');
  const expected = expectedSha256.toLowerCase();
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      hash.update(chunk);
      cb(null, chunk);
    },
    flush(cb: TransformCallback) {
      const actual = hash.digest('hex');
      if (actual !== expected) {
        cb(
          new S3Error('XAmzContentSHA256Mismatch', undefined, {
            ClientComputedContentSHA256: expected,
            S3ComputedContentSHA256: actual,
          }),
        );
        return;
      }
      cb();
    },
  });
}
