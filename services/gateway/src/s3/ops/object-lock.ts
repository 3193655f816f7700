/**
 * Get/PutObjectRetention and Get/PutObjectLegalHold (`?retention`,
 * `?legal-hold` on an object). Object Lock cannot be enabled on a VaultX
 * bucket yet (PUT ?object-lock is 501), so every bucket is one without an
 * Object Lock configuration, and S3 answers these with 400 InvalidRequest
 * "Bucket is missing Object Lock Configuration" once the caller may use the bucket.
 */
import { S3Error } from '@vaultx/s3-protocol';
import { authorizeBucket, type S3Context } from '../context.ts';

export async function objectLockOnUnlockedBucket(ctx: S3Context): Promise<never> {
  await authorizeBucket(ctx);
  throw new S3Error('InvalidRequest', 'Bucket is missing Object Lock Configuration');
}
