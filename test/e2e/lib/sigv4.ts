/**
 * A small, independent AWS Signature Version 4 signer for the e2e tests.
 *
 * Written from the AWS S3 API reference ("Authenticating Requests (AWS
 * Signature Version 4)", "Transferring Payload in Multiple Chunks",
 * "Including trailing headers"). It deliberately shares no code with
 * packages/sigv4: the tests must not check the product with itself. Its
 * correctness is pinned by sigv4-helper.test.ts (AWS's published example
 * signatures and @smithy/signature-v4).
 */
import { createHash, createHmac } from 'node:crypto';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const STREAMING_SIGNED = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
export const STREAMING_SIGNED_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
export const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
export function hmac(key: string | Uint8Array, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** RFC 3986 percent-encoding as SigV4 wants it (unreserved: A-Z a-z 0-9 - . _ ~). */
export function uriEncode(s: string, encodeSlash = true): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(c) || (!encodeSlash && c === '/')) out += c;
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** 20130524T000000Z */
export function amzDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export function signingKey(secret: string, day: string, region: string, service = 's3'): Buffer {
  const kDate = hmac('AWS4' + secret, day);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  return hmac(kService, 'aws4_request');
}

export type QueryPairs = Array<[string, string]>;

export function canonicalQuery(pairs: QueryPairs): string {
  return pairs
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

export interface CanonicalInput {
  method: string;
  /** already URI-encoded path, exactly as sent on the wire */
  encodedPath: string;
  query: QueryPairs;
  /** lower-case names of the headers to sign, with their values */
  headers: Record<string, string>;
  payloadHash: string;
}

export function canonicalRequest(c: CanonicalInput): { text: string; signedHeaders: string } {
  const names = Object.keys(c.headers)
    .map((n) => n.toLowerCase())
    .sort();
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.headers)) lower[k.toLowerCase()] = v;
  const canonHeaders = names.map((n) => `${n}:${lower[n].trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  const text = [c.method, c.encodedPath, canonicalQuery(c.query), canonHeaders, signedHeaders, c.payloadHash].join('\n');
  return { text, signedHeaders };
}

export function stringToSign(date: string, scope: string, canonical: string): string {
  return ['AWS4-HMAC-SHA256', date, scope, sha256Hex(canonical)].join('\n');
}

export interface SignContext {
  creds: Credentials;
  region: string;
  date: Date;
  service?: string;
}

export function scopeOf(ctx: SignContext): { day: string; dateTime: string; scope: string; key: Buffer } {
  const dateTime = amzDate(ctx.date);
  const day = dateTime.slice(0, 8);
  const service = ctx.service ?? 's3';
  const scope = `${day}/${ctx.region}/${service}/aws4_request`;
  return { day, dateTime, scope, key: signingKey(ctx.creds.secretAccessKey, day, ctx.region, service) };
}

/**
 * Header authentication. `headers` must already contain every header to sign
 * (host, x-amz-date, x-amz-content-sha256, ...). Returns the Authorization
 * header value and the signature (the seed signature for aws-chunked bodies).
 */
export function signHeaders(
  ctx: SignContext,
  req: { method: string; encodedPath: string; query: QueryPairs; headers: Record<string, string>; payloadHash: string },
): { authorization: string; signature: string; signingKey: Buffer; scope: string; dateTime: string } {
  const { dateTime, scope, key } = scopeOf(ctx);
  const { text, signedHeaders } = canonicalRequest(req);
  const signature = createHmac('sha256', key).update(stringToSign(dateTime, scope, text)).digest('hex');
  const authorization = `AWS4-HMAC-SHA256 Credential=${ctx.creds.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { authorization, signature, signingKey: key, scope, dateTime };
}

/**
 * Query-string (presigned URL) authentication. Returns the full query pairs
 * including X-Amz-Signature. Signs `host` plus any extra headers given.
 */
export function presignQuery(
  ctx: SignContext,
  req: { method: string; encodedPath: string; query: QueryPairs; host: string; expiresSeconds: number; headers?: Record<string, string> },
): QueryPairs {
  const { dateTime, scope, key } = scopeOf(ctx);
  const headers: Record<string, string> = { host: req.host, ...(req.headers ?? {}) };
  const signedHeaders = Object.keys(headers)
    .map((h) => h.toLowerCase())
    .sort()
    .join(';');
  const query: QueryPairs = [
    ...req.query,
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', `${ctx.creds.accessKeyId}/${scope}`],
    ['X-Amz-Date', dateTime],
    ['X-Amz-Expires', String(req.expiresSeconds)],
    ['X-Amz-SignedHeaders', signedHeaders],
  ];
  const { text } = canonicalRequest({ method: req.method, encodedPath: req.encodedPath, query, headers, payloadHash: UNSIGNED_PAYLOAD });
  const signature = createHmac('sha256', key).update(stringToSign(dateTime, scope, text)).digest('hex');
  return [...query, ['X-Amz-Signature', signature]];
}

// ---------------------------------------------------------------------------
// aws-chunked bodies

export interface ChunkSigner {
  signingKey: Buffer;
  dateTime: string;
  scope: string;
  seedSignature: string;
}

export function chunkSignature(s: ChunkSigner, previous: string, chunk: Uint8Array): string {
  const sts = ['AWS4-HMAC-SHA256-PAYLOAD', s.dateTime, s.scope, previous, EMPTY_SHA256, sha256Hex(chunk)].join('\n');
  return createHmac('sha256', s.signingKey).update(sts).digest('hex');
}

export function trailerSignature(s: ChunkSigner, previous: string, trailers: Array<[string, string]>): string {
  const canonical = trailers.map(([k, v]) => `${k.toLowerCase()}:${v.trim()}\n`).join('');
  const sts = ['AWS4-HMAC-SHA256-TRAILER', s.dateTime, s.scope, previous, sha256Hex(canonical)].join('\n');
  return createHmac('sha256', s.signingKey).update(sts).digest('hex');
}

export function splitChunks(payload: Uint8Array, chunkSize: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < payload.length; i += chunkSize) out.push(payload.subarray(i, Math.min(payload.length, i + chunkSize)));
  return out;
}

export interface EncodeOptions {
  chunkSize?: number;
  /** trailing headers (e.g. [['x-amz-checksum-crc32', 'base64']]) */
  trailers?: Array<[string, string]>;
  /** index of a chunk whose signature is replaced by a wrong one (signed modes) */
  corruptChunkSignature?: number;
  /** replace the trailer signature with a wrong one (signed-trailer mode) */
  corruptTrailerSignature?: boolean;
}

/** Body for STREAMING-AWS4-HMAC-SHA256-PAYLOAD(-TRAILER). */
export function encodeSignedChunked(payload: Uint8Array, signer: ChunkSigner, opt: EncodeOptions = {}): Buffer {
  const parts: Buffer[] = [];
  let prev = signer.seedSignature;
  const chunks = [...splitChunks(payload, opt.chunkSize ?? 64 * 1024), new Uint8Array(0)];
  chunks.forEach((chunk, i) => {
    let sig = chunkSignature(signer, prev, chunk);
    prev = sig;
    if (opt.corruptChunkSignature === i) sig = flipHex(sig);
    parts.push(Buffer.from(`${chunk.length.toString(16)};chunk-signature=${sig}\r\n`));
    if (chunk.length > 0) {
      parts.push(Buffer.from(chunk));
      parts.push(Buffer.from('\r\n'));
    }
  });
  if (opt.trailers && opt.trailers.length > 0) {
    for (const [k, v] of opt.trailers) parts.push(Buffer.from(`${k}:${v}\r\n`));
    let tsig = trailerSignature(signer, prev, opt.trailers);
    if (opt.corruptTrailerSignature) tsig = flipHex(tsig);
    parts.push(Buffer.from(`x-amz-trailer-signature:${tsig}\r\n`));
  }
  parts.push(Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

/** Body for STREAMING-UNSIGNED-PAYLOAD-TRAILER. */
export function encodeUnsignedChunked(payload: Uint8Array, opt: EncodeOptions = {}): Buffer {
  const parts: Buffer[] = [];
  for (const chunk of splitChunks(payload, opt.chunkSize ?? 64 * 1024)) {
    parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), Buffer.from(chunk), Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\n'));
  for (const [k, v] of opt.trailers ?? []) parts.push(Buffer.from(`${k}:${v}\r\n`));
  parts.push(Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

export function flipHex(sig: string): string {
  const last = sig[sig.length - 1];
  return sig.slice(0, -1) + (last === '0' ? '1' : '0');
}
