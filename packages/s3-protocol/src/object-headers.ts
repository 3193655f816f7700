/**
 * The headers an object keeps from its PUT (or CopyObject with
 * x-amz-metadata-directive: REPLACE, or CreateMultipartUpload), and the
 * response-* query overrides of GetObject.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from './errors.ts';

/** S3 stores this when the request carries no Content-Type. */
export const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';
/** User metadata: sum of the UTF-8 bytes of every name (without `x-amz-meta-`) and value. */
export const MAX_USER_METADATA_BYTES = 2048;
export const USER_META_PREFIX = 'x-amz-meta-';
/** x-amz-website-redirect-location is limited to 2 KB. */
export const MAX_WEBSITE_REDIRECT_BYTES = 2048;

/** System headers an object keeps, by lowercase name. */
export const STORED_OBJECT_HEADERS = [
  'content-type',
  'content-encoding',
  'content-disposition',
  'content-language',
  'cache-control',
  'expires',
  'x-amz-website-redirect-location',
] as const;

function one(v: string | string[] | undefined): string | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(', ') : v;
}

/**
 * Byte length of a header value as it came off the wire. Node decodes header
 * bytes as latin1 (one char per byte), so a string of chars <= U+00FF is
 * measured by its length; anything else (set programmatically) as UTF-8.
 */
export function headerValueBytes(v: string): number {
  // eslint-disable-next-line no-control-regex
  return /^[\u0000-\u00ff]*$/.test(v) ? v.length : Buffer.byteLength(v, 'utf8');
}

/** Content-Encoding without the `aws-chunked` token; undefined when nothing remains. */
export function stripAwsChunked(contentEncoding: string | undefined): string | undefined {
  if (contentEncoding === undefined) return undefined;
  const tokens = contentEncoding.split(',').map((t) => t.trim());
  if (!tokens.some((t) => t.toLowerCase() === 'aws-chunked')) return contentEncoding;
  const rest = tokens.filter((t) => t !== '' && t.toLowerCase() !== 'aws-chunked');
  return rest.length === 0 ? undefined : rest.join(',');
}

export interface ExtractedObjectHeaders {
  /** Lowercase header name → value, ready to store and replay on GET/HEAD. */
  headers: Record<string, string>;
  /** Lowercase metadata name (without `x-amz-meta-`) → value as sent. */
  userMeta: Record<string, string>;
}

/**
 * Picks the headers S3 stores with an object:
 * - content-type (default `binary/octet-stream`), content-encoding (the
 *   `aws-chunked` token removed; dropped when nothing remains),
 *   content-disposition, content-language, cache-control, expires (kept as
 *   sent), x-amz-website-redirect-location (must start with `/`, `http://` or
 *   `https://`, ≤ 2 KB: else InvalidArgument);
 * - user metadata from x-amz-meta-* (names lowercase, values as sent, empty
 *   values kept), total ≤ 2 KB → else MetadataTooLarge { Size, MaxSizeAllowed }.
 */
export function extractObjectHeaders(headers: IncomingHttpHeaders): ExtractedObjectHeaders {
  const out: Record<string, string> = {};
  const contentType = one(headers['content-type']);
  out['content-type'] = contentType === undefined || contentType.trim() === '' ? DEFAULT_CONTENT_TYPE : contentType;

  const encoding = stripAwsChunked(one(headers['content-encoding']));
  if (encoding !== undefined) out['content-encoding'] = encoding;

  for (const name of ['content-disposition', 'content-language', 'cache-control', 'expires'] as const) {
    const v = one(headers[name]);
    if (v !== undefined) out[name] = v;
  }

  const redirect = one(headers['x-amz-website-redirect-location']);
  if (redirect !== undefined) {
    if (!/^(\/|http:\/\/|https:\/\/)/.test(redirect)) {
      throw new S3Error(
        'InvalidArgument',
        "The website redirect location must have a prefix of 'http://' or 'https://' or '/'",
        { ArgumentName: 'x-amz-website-redirect-location', ArgumentValue: redirect },
      );
    }
    if (headerValueBytes(redirect) > MAX_WEBSITE_REDIRECT_BYTES) {
      throw new S3Error('InvalidArgument', 'The length of website redirect location cannot exceed 2,048 characters', {
        ArgumentName: 'x-amz-website-redirect-location',
      });
    }
    out['x-amz-website-redirect-location'] = redirect;
  }

  const userMeta = extractUserMetadata(headers);
  return { headers: out, userMeta };
}

/** x-amz-meta-* headers (lowercase names without the prefix); throws MetadataTooLarge past 2 KB. */
export function extractUserMetadata(headers: IncomingHttpHeaders): Record<string, string> {
  const userMeta: Record<string, string> = Object.create(null) as Record<string, string>;
  let size = 0;
  for (const [rawName, rawValue] of Object.entries(headers)) {
    const lname = rawName.toLowerCase();
    if (!lname.startsWith(USER_META_PREFIX)) continue;
    const name = lname.slice(USER_META_PREFIX.length);
    if (name === '') continue;
    const value = one(rawValue) ?? '';
    userMeta[name] = value;
    size += Buffer.byteLength(name, 'utf8') + headerValueBytes(value);
  }
  if (size > MAX_USER_METADATA_BYTES) {
    throw new S3Error('MetadataTooLarge', undefined, { Size: size, MaxSizeAllowed: MAX_USER_METADATA_BYTES });
  }
  return { ...userMeta };
}

/** Stored user metadata back as response headers: { 'x-amz-meta-<name>': value }. */
export function userMetaHeaders(userMeta: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(userMeta)) out[USER_META_PREFIX + name] = value;
  return out;
}

/** GetObject query parameters that override response headers. */
export const RESPONSE_OVERRIDES = {
  'response-content-type': 'content-type',
  'response-content-language': 'content-language',
  'response-expires': 'expires',
  'response-cache-control': 'cache-control',
  'response-content-disposition': 'content-disposition',
  'response-content-encoding': 'content-encoding',
} as const;

/** True when the query carries any response-* override (S3 refuses them on anonymous requests). */
export function hasResponseOverrides(query: URLSearchParams): boolean {
  return Object.keys(RESPONSE_OVERRIDES).some((p) => query.has(p));
}

/**
 * Apply response-content-type, -content-language, -expires, -cache-control,
 * -content-disposition, -content-encoding to `headers` (lowercase names);
 * mutates and returns it. S3 allows these only on signed requests (anonymous:
 * 400 InvalidRequest "Request specific response headers cannot be used for
 * anonymous GET requests.") — the caller checks that.
 */
export function applyResponseOverrides(query: URLSearchParams, headers: Record<string, string>): Record<string, string> {
  for (const [param, header] of Object.entries(RESPONSE_OVERRIDES)) {
    const v = query.get(param);
    if (v !== null) headers[header] = v;
  }
  return headers;
}
