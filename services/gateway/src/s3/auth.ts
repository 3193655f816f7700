/**
 * Authentication for S3 requests: SigV4/V2 verification (@vaultx/sigv4) with
 * access keys looked up in the metadata service through a short-lived cache,
 * so a hot path costs no internal hop. A deleted key stops working within
 * CACHE_TTL_MS.
 */
import { LRUCache } from 'lru-cache';
import { S3Error, isValidBucketName } from '@vaultx/s3-protocol';
import { authenticate, type AuthResult, type Credentials } from '@vaultx/sigv4';
import type { MetadataApi } from '@vaultx/metadata-client';

const CACHE_TTL_MS = 5_000;
const MISSING = Symbol('missing');

export const ROOT_USER_ID = 'root';

export class Authenticator {
  private readonly cache = new LRUCache<string, Credentials | typeof MISSING>({ max: 10_000, ttl: CACHE_TTL_MS });

  constructor(
    private readonly metadata: MetadataApi,
    private readonly region: string,
  ) {}

  /** An access key's credentials, cached (also for POST forms, which name their key in a field). */
  async credentialsFor(accessKeyId: string, requestId: string): Promise<Credentials | undefined> {
    const hit = this.cache.get(accessKeyId);
    if (hit !== undefined) return hit === MISSING ? undefined : hit;
    const { key } = await this.metadata.getAccessKey({ accessKeyId }, { requestId });
    const creds: Credentials | undefined = key
      ? { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, userId: key.userId }
      : undefined;
    this.cache.set(accessKeyId, creds ?? MISSING);
    return creds;
  }

  /** undefined for an anonymous request (see refuseAnonymous); throws on a bad signature etc. */
  async authenticate(
    method: string,
    rawUrl: string,
    headers: Record<string, string | string[] | undefined>,
    requestId: string,
    virtualHostBucket?: string,
  ): Promise<AuthResult | undefined> {
    return authenticate({ method, rawUrl, headers, virtualHostBucket }, (id) => this.credentialsFor(id, requestId), { region: this.region });
  }

  /**
   * Anonymous requests are always refused: VaultX has no public buckets. As on
   * S3, one about a bucket that does not exist is told so (404 NoSuchBucket);
   * everything else, an anonymous CreateBucket included, is 403 AccessDenied.
   */
  async refuseAnonymous(bucket: string | undefined, creatingBucket: boolean, requestId: string): Promise<never> {
    if (bucket !== undefined && !creatingBucket && isValidBucketName(bucket)) {
      await this.metadata.getBucket({ name: bucket }, { requestId }); // throws NoSuchBucket
    }
    throw new S3Error('AccessDenied');
  }
}
