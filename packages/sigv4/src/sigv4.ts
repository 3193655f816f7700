/**
 * AWS Signature Version 4 verification for S3: the Authorization header form
 * and the presigned (query string) form.
 *
 * Spec: "Authenticating Requests (AWS Signature Version 4)" in the S3 API
 * reference. S3 specifics: the canonical URI is encoded once (no double
 * encoding, no '.'/'//' normalisation) and x-amz-content-sha256 carries the
 * payload hash (or UNSIGNED-PAYLOAD / STREAMING-*).
 */
import { S3Error } from '@vaultx/s3-protocol';
import {
  awsUriEncodeBytes,
  EMPTY_SHA256,
  hmacSha256Hex,
  parseAmzDate,
  percentDecodeBytes,
  sha256Hex,
  timingSafeEqualHex,
  toAmzDate,
  toIsoSeconds,
} from './encoding.ts';
import {
  canonicalHeaderValue,
  byteForms,
  dedupe,
  headerFirst,
  headerNames,
  headerValues,
  paramValues,
  type HeaderBag,
  type ParsedUrl,
  type RawParam,
} from './request.ts';
import { getSigningKey } from './signing-key.ts';
import { DEFAULT_MAX_SKEW_MS, type AuthInput, type AuthOptions, type AuthResult, type CredentialLookup, type Credentials, type PayloadMode } from './types.ts';

export const V4_ALGORITHM = 'AWS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const STREAMING_SIGNED = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
export const STREAMING_SIGNED_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
export const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
const MAX_PRESIGN_EXPIRES = 604800;

/** x-amz-* headers that intermediaries add and that S3 tolerates unsigned. */
const UNSIGNED_AMZ_HEADERS_ALLOWED = new Set(['x-amz-cf-id']);

const CONTENT_SHA256_ALLOWED =
  'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, ' +
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.';

// ---------------------------------------------------------------------------
// Canonical request pieces

/**
 * Canonical query string: every parameter (minus `exclude`), names and values
 * decoded then AWS-URI-encoded (slash encoded), sorted by name then value.
 */
export function canonicalQueryString(params: RawParam[], plusAsSpace: boolean, exclude?: (p: RawParam) => boolean): string {
  const pairs: [string, string][] = [];
  for (const p of params) {
    if (exclude?.(p)) continue;
    const n = awsUriEncodeBytes(percentDecodeBytes(p.rawName, plusAsSpace), true);
    const v = p.rawValue === undefined ? '' : awsUriEncodeBytes(percentDecodeBytes(p.rawValue, plusAsSpace), true);
    pairs.push([n, v]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
}

/** The path decoded once and re-encoded (what SDKs sign), then the path exactly as sent. */
export function canonicalUriCandidates(rawPath: string): string[] {
  const reencoded = awsUriEncodeBytes(percentDecodeBytes(rawPath, false), false);
  return dedupe([reencoded, rawPath]);
}

export function canonicalHeadersBlock(headers: HeaderBag, signedHeaders: string[]): string {
  let out = '';
  for (const name of signedHeaders) {
    const vals = headerValues(headers, name);
    out += `${name}:${vals ? vals.map(canonicalHeaderValue).join(',') : ''}\n`;
  }
  return out;
}

export function stringToSignV4(amzDate: string, scope: string, canonicalRequest: string | Buffer): string {
  return `${V4_ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
}

interface CanonicalParts {
  method: string;
  url: ParsedUrl;
  headers: HeaderBag;
  signedHeaders: string[];
  signedHeadersRaw: string;
  /** the payload hash line; alternatives after the first are tried when it does not match */
  payloadHashes: string[];
  excludeParam?: (p: RawParam) => boolean;
}

/**
 * Canonical request variants, most likely first (see canonicalUriCandidates).
 *
 * A '+' in the query is a space, as S3 (and URLSearchParams) read it; SDKs send
 * a plus as %2B. There is deliberately no '+'-is-literal variant: the gateway
 * must read the query the same way the signature was checked.
 */
function canonicalRequestCandidates(c: CanonicalParts): string[] {
  const uris = canonicalUriCandidates(c.url.rawPath);
  const query = canonicalQueryString(c.url.params, true, c.excludeParam);
  const hdrs = canonicalHeadersBlock(c.headers, c.signedHeaders);
  const out: string[] = [];
  for (const h of c.payloadHashes) {
    for (const u of uris) out.push([c.method, u, query, hdrs, c.signedHeadersRaw, h].join('\n'));
  }
  return out;
}

function verifyV4(
  c: CanonicalParts,
  signingKey: Buffer,
  amzDate: string,
  scope: string,
  provided: string,
  accessKeyId: string,
): void {
  const candidates = canonicalRequestCandidates(c);
  for (const cr of candidates) {
    for (const bytes of byteForms(cr)) {
      const sts = stringToSignV4(amzDate, scope, bytes);
      if (timingSafeEqualHex(hmacSha256Hex(signingKey, sts), provided)) return;
    }
  }
  const first = candidates[0];
  throw new S3Error('SignatureDoesNotMatch', undefined, {
    AWSAccessKeyId: accessKeyId,
    StringToSign: stringToSignV4(amzDate, scope, first),
    SignatureProvided: provided,
    CanonicalRequest: first,
  });
}

// ---------------------------------------------------------------------------
// Credential scope

interface ParsedCredential {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  terminal: string;
  scope: string;
}

function parseCredential(value: string): ParsedCredential | undefined {
  const parts = value.split('/');
  if (parts.length < 5) return undefined;
  const tail = parts.slice(-4);
  const accessKeyId = parts.slice(0, -4).join('/');
  const [date, region, service, terminal] = tail;
  if (accessKeyId === '' || !/^\d{8}$/.test(date) || region === '' || service === '') return undefined;
  return { accessKeyId, date, region, service, terminal, scope: tail.join('/') };
}

/** Checks region, service and terminal of the scope; `fail` builds the error for the auth form in use. */
function checkScope(
  cred: ParsedCredential,
  opts: AuthOptions,
  fail: (msg: string, details?: Record<string, string>) => S3Error,
): void {
  const service = opts.service ?? 's3';
  if (cred.region !== opts.region) {
    throw fail(`the region '${cred.region}' is wrong; expecting '${opts.region}'`, { Region: opts.region });
  }
  if (cred.service !== service) {
    throw fail(`incorrect service "${cred.service}". This endpoint belongs to "${service}".`);
  }
  if (cred.terminal !== 'aws4_request') {
    throw fail(`incorrect terminal "${cred.terminal}". This endpoint uses "aws4_request".`);
  }
}

function parseSignedHeaders(raw: string): string[] | undefined {
  const list = raw.split(';').map((s) => s.trim().toLowerCase());
  if (list.length === 0 || list.some((s) => s === '')) return undefined;
  return list;
}

function checkSignedHeaderCoverage(headers: HeaderBag, signed: string[]): void {
  const set = new Set(signed);
  if (!set.has('host')) {
    throw new S3Error('AccessDenied', 'There were headers present in the request which were not signed', {
      HeadersNotSigned: 'host',
    });
  }
  const unsigned = headerNames(headers).filter(
    (n) => n.startsWith('x-amz-') && !set.has(n) && !UNSIGNED_AMZ_HEADERS_ALLOWED.has(n),
  );
  if (unsigned.length > 0) {
    throw new S3Error('AccessDenied', 'There were headers present in the request which were not signed', {
      HeadersNotSigned: unsigned.sort().join(', '),
    });
  }
}

async function lookupOrThrow(lookup: CredentialLookup, accessKeyId: string): Promise<Credentials> {
  const creds = await lookup(accessKeyId);
  if (!creds) throw new S3Error('InvalidAccessKeyId', undefined, { AWSAccessKeyId: accessKeyId });
  return creds;
}

/**
 * A request date: ISO 8601 basic (20240301T120000Z) or an HTTP date. Dates
 * before the Unix epoch are invalid (S3 answers AccessDenied for them, not
 * RequestTimeTooSkewed).
 */
export function parseRequestDate(raw: string): Date | undefined {
  const iso = parseAmzDate(raw);
  const t = iso ? iso.getTime() : Date.parse(raw);
  if (Number.isNaN(t) || t < 0) return undefined;
  return new Date(t);
}

/** Request date of a header-signed request: x-amz-date, else Date; ISO basic or an HTTP date. */
function requestDate(headers: HeaderBag): { raw: string; date: Date; amzDate: string } {
  // x-amz-date, when present at all (even empty or unparseable), wins over Date, as in S3.
  const raw = (headerFirst(headers, 'x-amz-date') ?? headerFirst(headers, 'date'))?.trim();
  const d = raw ? parseRequestDate(raw) : undefined;
  if (raw === undefined || d === undefined) {
    throw new S3Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  }
  return { raw, date: d, amzDate: parseAmzDate(raw) ? raw : toAmzDate(d) };
}

export function checkSkew(now: Date, date: Date, raw: string, maxSkewMs: number): void {
  if (Math.abs(now.getTime() - date.getTime()) > maxSkewMs) {
    throw new S3Error('RequestTimeTooSkewed', undefined, {
      RequestTime: raw,
      ServerTime: toIsoSeconds(now),
      MaxAllowedSkewMilliseconds: maxSkewMs,
    });
  }
}

// ---------------------------------------------------------------------------
// Header form

interface AuthHeaderFields {
  credential: string;
  signedHeaders: string;
  signature: string;
}

function malformedHeader(detail: string, details: Record<string, string> = {}): S3Error {
  return new S3Error('AuthorizationHeaderMalformed', `The authorization header is malformed; ${detail}`, details);
}

const CREDENTIAL_MALFORMED =
  'the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".';

export function parseV4AuthorizationHeader(value: string): AuthHeaderFields {
  const rest = value.slice(V4_ALGORITHM.length);
  if (rest !== '' && !/^\s/.test(rest)) {
    throw new S3Error('InvalidArgument', 'Unsupported Authorization Type', {
      ArgumentName: 'Authorization',
      ArgumentValue: value,
    });
  }
  const fields = new Map<string, string>();
  for (const part of rest.split(',')) {
    const p = part.trim();
    if (p === '') continue;
    const eq = p.indexOf('=');
    if (eq <= 0) throw malformedHeader(`the authorization component "${p}" is malformed.`);
    const k = p.slice(0, eq).trim().toLowerCase();
    const v = p.slice(eq + 1).trim();
    if (fields.has(k)) throw malformedHeader(`the authorization component "${p}" is repeated.`);
    fields.set(k, v);
  }
  const credential = fields.get('credential');
  const signedHeaders = fields.get('signedheaders');
  const signature = fields.get('signature');
  if (!credential) throw malformedHeader(CREDENTIAL_MALFORMED);
  if (!signedHeaders) throw malformedHeader('the authorization header requires SignedHeaders.');
  if (!signature) throw malformedHeader('the authorization header requires a Signature.');
  return { credential, signedHeaders, signature };
}

export function payloadModeFromHeader(
  value: string | undefined,
  signingKey: Buffer,
  scope: string,
  amzDate: string,
  seedSignature: string,
): PayloadMode {
  if (value === undefined) {
    throw new S3Error('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  }
  const chunked = (signed: boolean, trailer: boolean): PayloadMode => ({
    kind: 'chunked',
    signed,
    trailer,
    seedSignature: seedSignature.toLowerCase(),
    signingKey,
    scope,
    amzDate,
  });
  switch (value) {
    case UNSIGNED_PAYLOAD:
      return { kind: 'unsigned' };
    case STREAMING_SIGNED:
      return chunked(true, false);
    case STREAMING_SIGNED_TRAILER:
      return chunked(true, true);
    case STREAMING_UNSIGNED_TRAILER:
      return chunked(false, true);
  }
  if (/^[0-9a-fA-F]{64}$/.test(value)) return { kind: 'sha256', expectedSha256: value.toLowerCase() };
  throw new S3Error('InvalidArgument', CONTENT_SHA256_ALLOWED, {
    ArgumentName: 'x-amz-content-sha256',
    ArgumentValue: value,
  });
}

export async function authenticateV4Header(
  input: AuthInput,
  authorization: string,
  url: ParsedUrl,
  lookup: CredentialLookup,
  opts: AuthOptions,
): Promise<AuthResult> {
  const now = input.now ?? new Date();
  const maxSkewMs = opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  const service = opts.service ?? 's3';
  const fields = parseV4AuthorizationHeader(authorization);

  const cred = parseCredential(fields.credential);
  if (!cred) throw malformedHeader(CREDENTIAL_MALFORMED);
  checkScope(cred, { ...opts, service }, (m, d) => malformedHeader(m, d));

  const signedHeaders = parseSignedHeaders(fields.signedHeaders);
  if (!signedHeaders) throw malformedHeader('the SignedHeaders component is malformed.');

  const contentSha256 = headerFirst(input.headers, 'x-amz-content-sha256')?.trim();
  if (contentSha256 === undefined) {
    throw new S3Error('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  }

  // Order as S3: a bad or skewed request date first, then an unknown key, then a credential
  // scope dated another day (so a stale replayed header reads RequestTimeTooSkewed).
  const { raw, date, amzDate } = requestDate(input.headers);
  checkSkew(now, date, raw, maxSkewMs);
  const credentials = await lookupOrThrow(lookup, cred.accessKeyId);
  if (cred.date !== amzDate.slice(0, 8)) {
    throw malformedHeader(
      `Invalid credential date "${cred.date}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".`,
    );
  }

  const signature = fields.signature.toLowerCase();
  // Validate the payload hash form before spending HMACs on the signature.
  payloadModeFromHeader(contentSha256, Buffer.alloc(0), '', '', '');

  checkSignedHeaderCoverage(input.headers, signedHeaders);
  const signingKey = getSigningKey(credentials.secretAccessKey, cred.date, cred.region, cred.service);

  verifyV4(
    {
      method: input.method.toUpperCase(),
      url,
      headers: input.headers,
      signedHeaders,
      signedHeadersRaw: signedHeaders.join(';'),
      payloadHashes: [contentSha256],
    },
    signingKey,
    amzDate,
    cred.scope,
    signature,
    cred.accessKeyId,
  );

  return {
    credentials,
    payload: payloadModeFromHeader(contentSha256, signingKey, cred.scope, amzDate, signature),
    presigned: false,
    signatureVersion: 4,
  };
}

// ---------------------------------------------------------------------------
// Presigned (query string) form

function queryError(msg: string, details: Record<string, string> = {}): S3Error {
  return new S3Error('AuthorizationQueryParametersError', msg, details);
}

function singleParam(params: RawParam[], name: string): string | undefined {
  const vals = paramValues(params, name);
  if (vals.length > 1) throw queryError(`Query-string authentication version 4 parameter ${name} is repeated.`);
  return vals[0];
}

const V4_QUERY_REQUIRED =
  'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, ' +
  'X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.';

export async function authenticateV4Presigned(
  input: AuthInput,
  url: ParsedUrl,
  lookup: CredentialLookup,
  opts: AuthOptions,
): Promise<AuthResult> {
  const now = input.now ?? new Date();
  const maxSkewMs = opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  const service = opts.service ?? 's3';
  const p = url.params;

  const algorithm = singleParam(p, 'X-Amz-Algorithm');
  const credential = singleParam(p, 'X-Amz-Credential');
  const dateStr = singleParam(p, 'X-Amz-Date');
  const expiresStr = singleParam(p, 'X-Amz-Expires');
  const signedHeadersStr = singleParam(p, 'X-Amz-SignedHeaders');
  const signatureStr = singleParam(p, 'X-Amz-Signature');
  if (!algorithm || !credential || !dateStr || !expiresStr || !signedHeadersStr || !signatureStr) {
    throw queryError(V4_QUERY_REQUIRED);
  }
  if (algorithm !== V4_ALGORITHM) throw queryError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');

  const cred = parseCredential(credential);
  if (!cred) {
    throw queryError(
      'Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
    );
  }
  checkScope(cred, { ...opts, service }, (m, d) => queryError(`Error parsing the X-Amz-Credential parameter; ${m}`, d));

  const date = parseAmzDate(dateStr);
  if (!date) throw queryError('X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'"');
  if (cred.date !== dateStr.slice(0, 8)) {
    throw queryError(
      `Error parsing the X-Amz-Credential parameter; Invalid credential date "${cred.date}". This date is not the same as X-Amz-Date: "${dateStr.slice(0, 8)}".`,
    );
  }

  // A negative lifetime ends before the URL was signed: it is treated as expired (403), which
  // is what the s3-tests suite expects of S3 (test_object_raw_put_authenticated_expired).
  if (!/^-?\d+$/.test(expiresStr)) throw queryError('X-Amz-Expires should be a number');
  const expires = Number(expiresStr);
  if (expires > MAX_PRESIGN_EXPIRES) {
    throw queryError('X-Amz-Expires must be less than a week (in seconds) that is; 604800 seconds');
  }

  const signedHeaders = parseSignedHeaders(signedHeadersStr);
  if (!signedHeaders) throw queryError('X-Amz-SignedHeaders is malformed.');

  if (date.getTime() - now.getTime() > maxSkewMs) {
    throw new S3Error('AccessDenied', 'Request is not valid yet', {
      'X-Amz-Date': dateStr,
      ServerTime: toIsoSeconds(now),
    });
  }
  const expiresAt = new Date(date.getTime() + expires * 1000);
  // X-Amz-Expires=0 (or less) is a URL that was never valid: expired (403, not 400).
  if (expires <= 0 || now.getTime() > expiresAt.getTime()) {
    throw new S3Error('AccessDenied', 'Request has expired', {
      'X-Amz-Expires': expires,
      Expires: toIsoSeconds(expiresAt),
      ServerTime: toIsoSeconds(now),
    });
  }

  // Payload: UNSIGNED-PAYLOAD unless the signer put X-Amz-Content-Sha256 in the query.
  const sha = p.find((x) => x.name.toLowerCase() === 'x-amz-content-sha256')?.value;
  let payload: PayloadMode = { kind: 'unsigned' };
  let payloadHash = UNSIGNED_PAYLOAD;
  if (sha !== undefined) {
    payloadHash = sha;
    if (sha === UNSIGNED_PAYLOAD) payload = { kind: 'unsigned' };
    else if (/^[0-9a-fA-F]{64}$/.test(sha)) payload = { kind: 'sha256', expectedSha256: sha.toLowerCase() };
    else {
      throw new S3Error('InvalidArgument', 'X-Amz-Content-Sha256 must be UNSIGNED-PAYLOAD or a valid sha256 value.', {
        ArgumentName: 'X-Amz-Content-Sha256',
        ArgumentValue: sha,
      });
    }
  }

  checkSignedHeaderCoverage(input.headers, signedHeaders);
  const credentials = await lookupOrThrow(lookup, cred.accessKeyId);
  const signingKey = getSigningKey(credentials.secretAccessKey, cred.date, cred.region, cred.service);

  verifyV4(
    {
      method: input.method.toUpperCase(),
      url,
      headers: input.headers,
      signedHeaders,
      signedHeadersRaw: signedHeaders.join(';'),
      // Generic SigV4 presigners that are not told about S3 hash an empty body instead of
      // using UNSIGNED-PAYLOAD; the payload is not verified in presigned mode either way.
      payloadHashes: sha === undefined ? [UNSIGNED_PAYLOAD, EMPTY_SHA256] : [payloadHash],
      excludeParam: (x) => x.name === 'X-Amz-Signature',
    },
    signingKey,
    dateStr,
    cred.scope,
    signatureStr.toLowerCase(),
    cred.accessKeyId,
  );

  return { credentials, payload, presigned: true, signatureVersion: 4 };
}

export function isV4Presigned(params: RawParam[]): boolean {
  return params.some(
    (p) => p.name === 'X-Amz-Algorithm' || p.name === 'X-Amz-Credential' || p.name === 'X-Amz-Signature',
  );
}
