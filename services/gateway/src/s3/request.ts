/**
 * Parses an S3 request's addressing from the raw URL and the Host header:
 * virtual-hosted style (`Host: <bucket>.<domain>`, path = /key) when the host
 * ends in one of the configured base domains, else path style (/bucket/key).
 * Keys are decoded exactly once; '+' in a path is a literal plus.
 */
import { S3Error } from '@vaultx/s3-protocol';

export interface S3Address {
  bucket?: string;
  key?: string;
  /** Path exactly as received (still encoded), for error <Resource>. */
  rawPath: string;
  query: URLSearchParams;
  /** True when the bucket came from the Host header. */
  virtualHosted: boolean;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new S3Error('InvalidURI');
  }
}

/**
 * The bucket a Host header names under one of `domains` (`photos.s3.example.com`
 * with domain `s3.example.com` → `photos`; bucket names may hold dots), or
 * undefined for the bare domain, another host, an IP address or no host.
 */
export function virtualHostBucket(host: string | undefined, domains: readonly string[]): string | undefined {
  if (host === undefined || domains.length === 0) return undefined;
  let name = host.trim().toLowerCase();
  if (name.startsWith('[')) return undefined; // IPv6 literal
  name = name.replace(/:\d*$/, '').replace(/\.$/, '');
  for (const d of domains) {
    if (name.length > d.length + 1 && name.endsWith(`.${d}`)) return name.slice(0, name.length - d.length - 1);
  }
  return undefined;
}

export function parseAddress(rawUrl: string, host?: string, domains: readonly string[] = []): S3Address {
  const q = rawUrl.indexOf('?');
  const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const query = new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1));
  if (!rawPath.startsWith('/')) throw new S3Error('InvalidURI');
  const rest = rawPath.slice(1);
  const hostBucket = virtualHostBucket(host, domains);
  if (hostBucket !== undefined) {
    const key = decode(rest);
    return key === '' ? { bucket: hostBucket, rawPath, query, virtualHosted: true } : { bucket: hostBucket, key, rawPath, query, virtualHosted: true };
  }
  if (rest === '') return { rawPath, query, virtualHosted: false };
  const slash = rest.indexOf('/');
  if (slash === -1) return { bucket: decode(rest), rawPath, query, virtualHosted: false };
  const bucket = decode(rest.slice(0, slash));
  const key = decode(rest.slice(slash + 1));
  return key === '' ? { bucket, rawPath, query, virtualHosted: false } : { bucket, key, rawPath, query, virtualHosted: false };
}
