/**
 * Signatures of S3 POST Object forms: the signed string is the base64 policy
 * itself (SigV4: hex HMAC-SHA256 with the scope's signing key; SigV2: base64
 * HMAC-SHA1 with the secret).
 */
import { createHmac } from 'node:crypto';
import { getSigningKey } from './signing-key.ts';
import { signV2 } from './sigv2.ts';
import { timingSafeEqualHex, timingSafeEqualString } from './encoding.ts';

export interface PostCredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

/** `AKID/YYYYMMDD/region/s3/aws4_request`; undefined when it is not that shape. */
export function parsePostCredential(credential: string): PostCredentialScope | undefined {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request' || !/^\d{8}$/.test(parts[1] ?? '')) return undefined;
  const [accessKeyId, date, region, service] = parts as [string, string, string, string];
  if (accessKeyId === '' || region === '' || service === '') return undefined;
  return { accessKeyId, date, region, service };
}

export function postSignatureV4(secret: string, scope: PostCredentialScope, policy: string): string {
  return createHmac('sha256', getSigningKey(secret, scope.date, scope.region, scope.service)).update(policy).digest('hex');
}

export function verifyPostSignatureV4(secret: string, scope: PostCredentialScope, policy: string, signature: string): boolean {
  return timingSafeEqualHex(postSignatureV4(secret, scope, policy), signature.toLowerCase());
}

export function verifyPostSignatureV2(secret: string, policy: string, signature: string): boolean {
  return timingSafeEqualString(signV2(secret, policy), signature);
}
