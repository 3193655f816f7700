/**
 * Parses an S3 request's addressing (path-style: /bucket/key) from the raw URL.
 * Keys are decoded exactly once; '+' in a path is a literal plus.
 */
import { S3Error } from '@vaultx/s3-protocol';

export interface S3Address {
  bucket?: string;
  key?: string;
  /** Path exactly as received (still encoded), for error <Resource>. */
  rawPath: string;
  query: URLSearchParams;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new S3Error('InvalidURI');
  }
}

export function parseAddress(rawUrl: string): S3Address {
  const q = rawUrl.indexOf('?');
  const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const query = new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1));
  if (!rawPath.startsWith('/')) throw new S3Error('InvalidURI');
  const rest = rawPath.slice(1);
  if (rest === '') return { rawPath, query };
  const slash = rest.indexOf('/');
  if (slash === -1) return { bucket: decode(rest), rawPath, query };
  const bucket = decode(rest.slice(0, slash));
  const key = decode(rest.slice(slash + 1));
  return key === '' ? { bucket, rawPath, query } : { bucket, key, rawPath, query };
}
