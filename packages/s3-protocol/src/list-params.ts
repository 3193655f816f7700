/**
 * ListObjects (V1) / ListObjectsV2 query parameters, as Amazon S3 reads them.
 *
 * - max-keys: default 1000, values above 1000 clamp to 1000; not a decimal
 *   integer → InvalidArgument "Provided max-keys not an integer or within
 *   integer range"; negative → InvalidArgument "Argument maxKeys must be an
 *   integer between 0 and 2147483647". 0 is valid (an empty, untruncated page).
 * - prefix: '' when absent. delimiter: an empty value is no delimiter (S3 then
 *   omits the Delimiter element).
 * - encoding-type: only `url`; anything else → InvalidArgument "Invalid
 *   Encoding Method specified in Request".
 * - V1 marker ('' when absent; echoed as <Marker>).
 * - V2 continuation-token: opaque, base64url of the key to continue after.
 *   An empty token is accepted as "from the start" and echoed as an empty
 *   <ContinuationToken/> (ceph s3-tests); an undecodable one →
 *   InvalidArgument "The continuation token provided is incorrect". When a
 *   token is given, start-after is ignored for positioning (but still echoed).
 * - fetch-owner: `true` (any case) → true. V1 always lists owners.
 * When a parameter is repeated, the first value counts.
 */
import { z } from 'zod';
import { S3Error } from './errors.ts';

export const MAX_LIST_KEYS = 1000;
const INT32_MAX = 2147483647;

export interface ListObjectsParams {
  version: 1 | 2;
  prefix: string;
  /** undefined when absent or empty. */
  delimiter?: string;
  /** 0..1000. */
  maxKeys: number;
  encodingType?: 'url';
  /** V1: the marker ('' when absent). V2: ''. */
  marker: string;
  /** V2: the token as sent (for echo), also when empty. */
  continuationToken?: string;
  /** V2: start-after as sent (for echo). */
  startAfter?: string;
  /** V1: always true. V2: fetch-owner=true. */
  fetchOwner: boolean;
  /**
   * Where the listing starts (exclusive): V1 the marker, V2 the key decoded
   * from the continuation token, else start-after. undefined: from the start.
   */
  after?: string;
}

function invalidArgument(message: string, name: string, value?: string): S3Error {
  return new S3Error('InvalidArgument', message, { ArgumentName: name, ArgumentValue: value });
}

const MaxKeysSchema = z
  .string()
  .regex(/^-?\d+$/, 'not-an-integer')
  .transform((s) => Number(s))
  .refine((n) => Number.isSafeInteger(n) && n <= INT32_MAX && n >= -INT32_MAX - 1, 'not-an-integer')
  .refine((n) => n >= 0, 'negative');

export function parseMaxKeys(raw: string | null): number {
  if (raw === null) return MAX_LIST_KEYS;
  const r = MaxKeysSchema.safeParse(raw);
  if (!r.success) {
    if (r.error.issues[0]?.message === 'negative') {
      throw invalidArgument('Argument maxKeys must be an integer between 0 and 2147483647', 'maxKeys', raw);
    }
    throw invalidArgument('Provided max-keys not an integer or within integer range', 'max-keys', raw);
  }
  return Math.min(r.data, MAX_LIST_KEYS);
}

const EncodingTypeSchema = z.literal('url');

export function parseEncodingType(raw: string | null): 'url' | undefined {
  if (raw === null) return undefined;
  const r = EncodingTypeSchema.safeParse(raw.toLowerCase());
  if (!r.success) throw invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', raw);
  return r.data;
}

/** The opaque V2 token for "continue after this key" (base64url of its UTF-8). */
export function encodeContinuationToken(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

const TokenSchema = z.string().regex(/^[A-Za-z0-9_-]+$/);

/** The key a token continues after; InvalidArgument when it is not one of ours. */
export function decodeContinuationToken(token: string): string {
  const bad = () => invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
  if (!TokenSchema.safeParse(token).success) throw bad();
  let key: string;
  try {
    key = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(token, 'base64url'));
  } catch {
    throw bad();
  }
  // Canonical form only: the token must be exactly what we would have issued.
  if (key === '' || encodeContinuationToken(key) !== token) throw bad();
  return key;
}

/** 1 for ListObjects, 2 for ListObjectsV2 (`list-type=2`; any other value is V1, as on S3). */
export function listObjectsVersion(query: URLSearchParams): 1 | 2 {
  return query.get('list-type') === '2' ? 2 : 1;
}

export function parseListObjectsParams(query: URLSearchParams, version: 1 | 2): ListObjectsParams {
  const maxKeys = parseMaxKeys(query.get('max-keys'));
  const encodingType = parseEncodingType(query.get('encoding-type'));
  const prefix = query.get('prefix') ?? '';
  const delimiterRaw = query.get('delimiter');
  const delimiter = delimiterRaw === null || delimiterRaw === '' ? undefined : delimiterRaw;

  if (version === 1) {
    const marker = query.get('marker') ?? '';
    return {
      version,
      prefix,
      delimiter,
      maxKeys,
      encodingType,
      marker,
      fetchOwner: true,
      after: marker === '' ? undefined : marker,
    };
  }

  const tokenRaw = query.get('continuation-token');
  const startAfterRaw = query.get('start-after');
  const fetchOwner = (query.get('fetch-owner') ?? '').toLowerCase() === 'true';
  let after: string | undefined;
  if (tokenRaw !== null && tokenRaw !== '') after = decodeContinuationToken(tokenRaw);
  else if (startAfterRaw !== null && startAfterRaw !== '') after = startAfterRaw;
  return {
    version,
    prefix,
    delimiter,
    maxKeys,
    encodingType,
    marker: '',
    continuationToken: tokenRaw ?? undefined,
    startAfter: startAfterRaw ?? undefined,
    fetchOwner,
    after,
  };
}
