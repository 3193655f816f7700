/**
 * Authentication for S3 requests: SigV4/V2 verification (@vaultx/sigv4) with
 * access keys looked up in the metadata service through a short-lived cache,
 * so a hot path costs no internal hop. A deleted key stops working within
 * CACHE_TTL_MS.
 */
import { LRUCache } from 'lru-cache';
import { S3Error } from '@vaultx/s3-protocol';
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

  private async lookup(accessKeyId: string, requestId: string): Promise<Credentials | undefined> {
    const hit = this.cache.get(accessKeyId);
    if (hit !== undefined) return hit === MISSING ? undefined : hit;
    const { key } = await this.metadata.getAccessKey({ accessKeyId }, { requestId });
    const creds: Credentials | undefined = key
      ? { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, userId: key.userId }
      : undefined;
    this.cache.set(accessKeyId, creds ?? MISSING);
    return creds;
  }

  /** Throws AccessDenied for anonymous requests: VaultX has no public buckets yet. */
  async authenticate(
    method: string,
    rawUrl: string,
    headers: Record<string, string | string[] | undefined>,
    requestId: string,
  ): Promise<AuthResult> {
    const result = await authenticate(
      { method, rawUrl, headers },
      (id) => this.lookup(id, requestId),
      { region: this.region },
    );
    if (!result) throw new S3Error('AccessDenied');
    return result;
  }
}
