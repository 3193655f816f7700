/**
 * AWS Signature Version 2 for S3 (legacy clients, some `aws s3 presign`
 * versions): `Authorization: AWS AKID:base64(HMAC-SHA1(secret, StringToSign))`
 * or the query form `?AWSAccessKeyId=&Expires=&Signature=`.
 *
 * StringToSign = Verb \n Content-MD5 \n Content-Type \n Date|Expires \n
 *                CanonicalizedAmzHeaders CanonicalizedResource
 *
 * Clients disagree on details (which sub-resources are signed, whether their
 * values are decoded, whether Date is blank when x-amz-date is sent, how the
 * bucket of a virtual-hosted request enters the resource), so a few variants
 * of the string to sign are tried; each costs one HMAC-SHA1.
 */
import { createHmac } from 'node:crypto';
import { S3Error } from '@vaultx/s3-protocol';
import { awsUriEncodeBytes, percentDecodeBytes, timingSafeEqualString, toIsoSeconds } from './encoding.ts';
import { byteForms, dedupe, headerFirst, headerValues, paramValues, type HeaderBag, type ParsedUrl, type RawParam } from './request.ts';
import { checkSkew, parseRequestDate } from './sigv4.ts';
import { DEFAULT_MAX_SKEW_MS, type AuthInput, type AuthOptions, type AuthResult, type CredentialLookup } from './types.ts';

const RESPONSE_OVERRIDES = new Set([
  'response-cache-control',
  'response-content-disposition',
  'response-content-encoding',
  'response-content-language',
  'response-content-type',
  'response-expires',
]);

/** The documented list (S3 "Signing and authenticating REST requests"), as MinIO uses it. */
const SUBRESOURCES_DOC = new Set([
  'acl', 'delete', 'lifecycle', 'location', 'logging', 'notification', 'partNumber', 'policy',
  'requestPayment', 'tagging', 'torrent', 'uploadId', 'uploads', 'versionId', 'versioning', 'versions', 'website',
  ...RESPONSE_OVERRIDES,
]);

/** The wider list that botocore / aws-sdk-js v2 sign. */
const SUBRESOURCES_WIDE = new Set([
  ...SUBRESOURCES_DOC,
  'accelerate', 'analytics', 'cors', 'encryption', 'inventory', 'legal-hold', 'metrics', 'object-lock',
  'ownershipControls', 'publicAccessBlock', 'replication', 'restore', 'retention', 'select', 'select-type',
  'storageClass', 'intelligent-tiering', 'attributes',
]);

function canonicalAmzHeaders(headers: HeaderBag, omitAmzDate: boolean): string {
  const names = Object.keys(headers)
    .map((k) => k.toLowerCase())
    .filter((k) => k.startsWith('x-amz-') && !(omitAmzDate && k === 'x-amz-date'));
  let out = '';
  for (const name of dedupe(names).sort()) {
    const vals = headerValues(headers, name);
    if (!vals) continue;
    out += `${name}:${vals.map((v) => v.trim().replace(/\s*\r?\n\s*/g, ' ')).join(',')}\n`;
  }
  return out;
}

/** Sub-resource query strings ("?acl", "?partNumber=2&uploadId=x"), variants. */
function subresourceVariants(params: RawParam[]): string[] {
  const variants: string[] = [];
  for (const list of [SUBRESOURCES_WIDE, SUBRESOURCES_DOC]) {
    for (const decodeAll of [false, true]) {
      const picked = params.filter((p) => list.has(p.name));
      const items = picked.map((p) => {
        if (p.rawValue === undefined) return { name: p.name, s: p.name };
        // response-* values are signed decoded; others as sent (aws-sdk-js v2) or decoded (botocore).
        const v = RESPONSE_OVERRIDES.has(p.name) || decodeAll ? p.value : p.rawValue;
        return { name: p.name, s: `${p.name}=${v}` };
      });
      items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.s < b.s ? -1 : a.s > b.s ? 1 : 0));
      variants.push(items.length ? '?' + items.map((i) => i.s).join('&') : '');
    }
  }
  return dedupe(variants);
}

/** Path variants: as sent, re-encoded, and with a virtual-hosted bucket prefixed. */
function resourcePathVariants(rawPath: string, headers: HeaderBag, virtualHostBucket?: string): string[] {
  const reencoded = awsUriEncodeBytes(percentDecodeBytes(rawPath, false), false);
  const paths = [rawPath, reencoded];
  // A bucket-level path-style request ("/bucket") is signed as "/bucket/" by botocore,
  // as the documented resource of a bucket is.
  if (/^\/[^/]+$/.test(rawPath)) paths.push(`${rawPath}/`);
  if (virtualHostBucket !== undefined) for (const p of [rawPath, reencoded]) paths.push(`/${virtualHostBucket}${p}`);
  // Without it, guess from Host: its first label, or the whole name (a CNAME'd bucket).
  const host = headerFirst(headers, 'host')?.trim().toLowerCase();
  if (host) {
    const hostname = host.startsWith('[') ? '' : host.replace(/:\d+$/, '');
    if (hostname && !/^\d+\.\d+\.\d+\.\d+$/.test(hostname)) {
      const dot = hostname.indexOf('.');
      const buckets = dot > 0 ? [hostname.slice(0, dot), hostname] : [];
      for (const b of buckets) for (const p of [rawPath, reencoded]) paths.push(`/${b}${p}`);
    }
  }
  return dedupe(paths);
}

/** One way of filling the Date line: the value, and whether x-amz-date is then left out of the amz headers. */
export interface DateVariant {
  line: string;
  omitAmzDate: boolean;
}

export function stringToSignV2(method: string, headers: HeaderBag, date: DateVariant, resource: string): string {
  const md5 = headerFirst(headers, 'content-md5')?.trim() ?? '';
  const type = headerFirst(headers, 'content-type')?.trim() ?? '';
  return `${method}\n${md5}\n${type}\n${date.line}\n${canonicalAmzHeaders(headers, date.omitAmzDate)}${resource}`;
}

export function signV2(secret: string, stringToSign: string | Buffer): string {
  return createHmac('sha1', secret).update(stringToSign).digest('base64');
}

function verifyV2(
  input: AuthInput,
  url: ParsedUrl,
  secret: string,
  accessKeyId: string,
  dateVariants: DateVariant[],
  provided: string,
  excludeParams: Set<string>,
): void {
  const params = url.params.filter((p) => !excludeParams.has(p.name));
  const subs = subresourceVariants(params);
  const paths = resourcePathVariants(url.rawPath, input.headers, input.virtualHostBucket);
  const method = input.method.toUpperCase();
  let first: string | undefined;
  for (const path of paths) {
    for (const sub of subs) {
      for (const dateVariant of dateVariants) {
        const sts = stringToSignV2(method, input.headers, dateVariant, path + sub);
        first ??= sts;
        for (const bytes of byteForms(sts)) {
          if (timingSafeEqualString(signV2(secret, bytes), provided)) return;
        }
      }
    }
  }
  throw new S3Error('SignatureDoesNotMatch', undefined, {
    AWSAccessKeyId: accessKeyId,
    StringToSign: first,
    SignatureProvided: provided,
  });
}

export async function authenticateV2Header(
  input: AuthInput,
  authorization: string,
  url: ParsedUrl,
  lookup: CredentialLookup,
  opts: AuthOptions,
): Promise<AuthResult> {
  const now = input.now ?? new Date();
  const maxSkewMs = opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  const rest = authorization.slice(4).trim();
  const colon = rest.lastIndexOf(':');
  if (colon <= 0 || colon === rest.length - 1) {
    throw new S3Error('InvalidArgument', 'AWS authorization header is invalid.  Expected AwsAccessKeyId:signature', {
      ArgumentName: 'Authorization',
      ArgumentValue: authorization,
    });
  }
  const accessKeyId = rest.slice(0, colon);
  const signature = rest.slice(colon + 1).trim();

  const amzDate = headerFirst(input.headers, 'x-amz-date')?.trim();
  const httpDate = headerFirst(input.headers, 'date')?.trim();
  // x-amz-date, when present at all (even empty), is the request date and Date is ignored,
  // so an empty or bad x-amz-date is refused even next to a good Date (as S3 does).
  const rawDate = amzDate ?? httpDate;
  const parsed = rawDate ? parseRequestDate(rawDate) : undefined;
  if (!rawDate || !parsed) {
    throw new S3Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  }
  checkSkew(now, parsed, rawDate, maxSkewMs);

  const credentials = await lookup(accessKeyId);
  if (!credentials) throw new S3Error('InvalidAccessKeyId', undefined, { AWSAccessKeyId: accessKeyId });

  // With x-amz-date the Date line is blank and x-amz-date is among the amz headers (aws-sdk-js v2,
  // the spec text); the S3 doc example instead puts x-amz-date's value on the Date line; some
  // clients sign the Date header anyway.
  const dateVariants: DateVariant[] = amzDate
    ? [
        { line: '', omitAmzDate: false },
        { line: amzDate, omitAmzDate: true },
        { line: httpDate ?? '', omitAmzDate: false },
      ]
    : [{ line: httpDate ?? '', omitAmzDate: false }];
  verifyV2(input, url, credentials.secretAccessKey, accessKeyId, dateVariants, signature, new Set());
  return { credentials, payload: { kind: 'unsigned' }, presigned: false, signatureVersion: 2 };
}

export function isV2Presigned(params: RawParam[]): boolean {
  let sig = false;
  let exp = false;
  for (const p of params) {
    if (p.name === 'AWSAccessKeyId') return true;
    if (p.name === 'Signature') sig = true;
    if (p.name === 'Expires') exp = true;
  }
  return sig && exp;
}

export async function authenticateV2Presigned(
  input: AuthInput,
  url: ParsedUrl,
  lookup: CredentialLookup,
): Promise<AuthResult> {
  const now = input.now ?? new Date();
  const p = url.params;
  const one = (n: string): string | undefined => {
    const v = paramValues(p, n);
    if (v.length > 1) throw new S3Error('AccessDenied', `Query-string authentication parameter ${n} is repeated`);
    return v[0];
  };
  const accessKeyId = one('AWSAccessKeyId');
  let signature = one('Signature');
  const expires = one('Expires');
  if (!accessKeyId || !signature || !expires) {
    throw new S3Error('AccessDenied', 'Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters');
  }
  // base64 '+' that a client left unencoded and something turned into a space
  signature = signature.replace(/ /g, '+');
  if (!/^\d+$/.test(expires)) {
    throw new S3Error('AccessDenied', `Invalid date (should be seconds since epoch): ${expires}`);
  }
  const expiresAt = new Date(Number(expires) * 1000);
  if (now.getTime() > expiresAt.getTime()) {
    throw new S3Error('AccessDenied', 'Request has expired', {
      Expires: toIsoSeconds(expiresAt),
      ServerTime: toIsoSeconds(now),
    });
  }
  const credentials = await lookup(accessKeyId);
  if (!credentials) throw new S3Error('InvalidAccessKeyId', undefined, { AWSAccessKeyId: accessKeyId });
  verifyV2(
    input,
    url,
    credentials.secretAccessKey,
    accessKeyId,
    [{ line: expires, omitAmzDate: false }],
    signature,
    new Set(['AWSAccessKeyId', 'Signature', 'Expires']),
  );
  return { credentials, payload: { kind: 'unsigned' }, presigned: true, signatureVersion: 2 };
}
