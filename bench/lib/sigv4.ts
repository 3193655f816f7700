/**
 * A minimal AWS Signature V4 header signer for the benchmark client.
 *
 * It signs with `x-amz-content-sha256: UNSIGNED-PAYLOAD` (what many clients
 * do over TLS, and what presigned URLs do), so the client never hashes a
 * body: the per-request cost is one SHA-256 of the short canonical request
 * and one HMAC with a signing key derived once per day. Signed headers are
 * host, x-amz-content-sha256 and x-amz-date (plus any extra x-amz-* / content-*
 * headers the caller passes).
 */
import { createHash, createHmac } from 'node:crypto';

export interface SignerOptions {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  service?: string;
}

const UNSIGNED = 'UNSIGNED-PAYLOAD';

/** RFC 3986 encoding as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** Encodes an object key for a path: every segment encoded, slashes kept. */
export function encodeKeyPath(key: string): string {
  return key.split('/').map(uriEncode).join('/');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

export class Signer {
  private readonly service: string;
  private day = '';
  private signingKey: Buffer = Buffer.alloc(0);

  constructor(private readonly opts: SignerOptions) {
    this.service = opts.service ?? 's3';
  }

  private keyFor(day: string): Buffer {
    if (day !== this.day) {
      const kDate = hmac('AWS4' + this.opts.secretAccessKey, day);
      const kRegion = hmac(kDate, this.opts.region);
      const kService = hmac(kRegion, this.service);
      this.signingKey = hmac(kService, 'aws4_request');
      this.day = day;
    }
    return this.signingKey;
  }

  /**
   * Returns the headers to send (including host, x-amz-date, x-amz-content-sha256
   * and authorization). `path` is already URI-encoded; `query` is the list of
   * raw (unencoded) query parameters.
   */
  sign(
    method: string,
    host: string,
    path: string,
    query: Array<[string, string]> = [],
    extra: Record<string, string> = {},
  ): Record<string, string> {
    const now = new Date();
    const iso = now.toISOString(); // 2024-01-02T03:04:05.678Z
    const amzDate = iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 13) + iso.slice(14, 16) + iso.slice(17, 19) + 'Z';
    const day = amzDate.slice(0, 8);
    const headers: Record<string, string> = {
      host,
      'x-amz-content-sha256': UNSIGNED,
      'x-amz-date': amzDate,
    };
    for (const [k, v] of Object.entries(extra)) headers[k.toLowerCase()] = v;
    const names = Object.keys(headers).sort();
    const canonicalHeaders = names.map((n) => `${n}:${headers[n].trim()}\n`).join('');
    const signedHeaders = names.join(';');
    const canonicalQuery = query
      .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const canonicalRequest = [method, path, canonicalQuery, canonicalHeaders, signedHeaders, UNSIGNED].join('\n');
    const scope = `${day}/${this.opts.region}/${this.service}/aws4_request`;
    const stringToSign = [
      'AWS4-HMAC-SHA256',
      amzDate,
      scope,
      createHash('sha256').update(canonicalRequest).digest('hex'),
    ].join('\n');
    const signature = createHmac('sha256', this.keyFor(day)).update(stringToSign).digest('hex');
    headers.authorization = `AWS4-HMAC-SHA256 Credential=${this.opts.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return headers;
  }
}

/** Builds `path?query` for the request line (same encoding as the canonical query). */
export function requestPath(path: string, query: Array<[string, string]> = []): string {
  if (query.length === 0) return path;
  return path + '?' + query.map(([k, v]) => (v === '' ? uriEncode(k) + '=' : `${uriEncode(k)}=${uriEncode(v)}`)).join('&');
}
