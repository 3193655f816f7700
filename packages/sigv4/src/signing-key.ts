/**
 * SigV4 signing keys: HMAC chain secret → date → region → service → "aws4_request".
 * Cached in an LRU so that repeated requests with the same key on the same day
 * cost one HMAC (the signature) instead of five.
 */
import { LRUCache } from 'lru-cache';
import { hmacSha256 } from './encoding.ts';

const cache = new LRUCache<string, Buffer>({ max: 4096 });

export function deriveSigningKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const k1 = hmacSha256('AWS4' + secretAccessKey, date);
  const k2 = hmacSha256(k1, region);
  const k3 = hmacSha256(k2, service);
  return hmacSha256(k3, 'aws4_request');
}

/** `date` is the 8-digit scope date (YYYYMMDD). */
export function getSigningKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  // NUL cannot occur in any of the parts of a valid scope, so the key is unambiguous.
  const cacheKey = `${secretAccessKey}\0${date}\0${region}\0${service}`;
  let key = cache.get(cacheKey);
  if (!key) {
    key = deriveSigningKey(secretAccessKey, date, region, service);
    cache.set(cacheKey, key);
  }
  return key;
}
