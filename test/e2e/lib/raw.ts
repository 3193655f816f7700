/**
 * Raw S3 requests over undici, signed by the tests' own SigV4 signer, so a
 * test can craft exactly the bytes it wants (bad signatures, skewed clocks,
 * aws-chunked bodies, odd headers).
 */
import { request, Agent } from 'undici';
import { XMLParser } from 'fast-xml-parser';
import {
  type Credentials,
  type QueryPairs,
  amzDate,
  sha256Hex,
  signHeaders,
  presignQuery,
  uriEncode,
  flipHex,
  encodeSignedChunked,
  encodeUnsignedChunked,
  STREAMING_SIGNED,
  STREAMING_SIGNED_TRAILER,
  STREAMING_UNSIGNED_TRAILER,
  type EncodeOptions,
} from './sigv4.ts';

export interface Target {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface RawOptions {
  method: string;
  bucket?: string;
  key?: string;
  /** query parameters (a value of '' is sent as a bare name, e.g. `?delete`) */
  query?: QueryPairs;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** header (default), presign (query auth) or none (anonymous) */
  auth?: 'header' | 'presign' | 'none';
  creds?: Credentials;
  /** signing time (default now) */
  date?: Date;
  /** x-amz-content-sha256 (default: sha256 of the body) */
  payloadHash?: string;
  /** for presign */
  expiresSeconds?: number;
  /** corrupt the signature after signing */
  tamperSignature?: boolean;
  /** header names (lower-case) to send but leave out of the signature */
  unsignedHeaders?: string[];
  /** a path already encoded, used instead of bucket/key */
  rawPath?: string;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  text: string;
  /** parsed S3 <Error> (Code, Message, ...), when the body is one */
  error?: Record<string, string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  xml?: any;
}

const agent = new Agent({ keepAliveTimeout: 1000, connections: 8 });
const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, processEntities: true });

export function parseXml(text: string): unknown {
  return parser.parse(text);
}

export function encodePath(bucket?: string, key?: string): string {
  let p = '/';
  if (bucket !== undefined) p += uriEncode(bucket);
  if (key !== undefined) p += '/' + key.split('/').map((s) => uriEncode(s)).join('/');
  return p;
}

function queryString(pairs: QueryPairs): string {
  if (pairs.length === 0) return '';
  return '?' + pairs.map(([k, v]) => (v === '' ? uriEncode(k) : `${uriEncode(k)}=${uriEncode(v)}`)).join('&');
}

/** Builds the signed URL + headers of a request without sending it. */
export function buildRequest(t: Target, o: RawOptions): { url: string; headers: Record<string, string> } {
  const url0 = new URL(t.endpoint);
  const host = url0.host;
  const encodedPath = o.rawPath ?? encodePath(o.bucket, o.key);
  const query: QueryPairs = [...(o.query ?? [])];
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.headers ?? {})) headers[k.toLowerCase()] = v;
  const creds = o.creds ?? { accessKeyId: t.accessKeyId, secretAccessKey: t.secretAccessKey };
  const date = o.date ?? new Date();
  const auth = o.auth ?? 'header';
  const body = o.body === undefined ? Buffer.alloc(0) : Buffer.from(o.body);

  if (auth === 'header') {
    headers['x-amz-date'] = amzDate(date);
    headers['x-amz-content-sha256'] = o.payloadHash ?? sha256Hex(body);
    const toSign: Record<string, string> = { host };
    const unsigned = new Set((o.unsignedHeaders ?? []).map((h) => h.toLowerCase()));
    for (const [k, v] of Object.entries(headers)) if (!unsigned.has(k) && k !== 'content-length') toSign[k] = v;
    const s = signHeaders(
      { creds, region: t.region, date },
      { method: o.method, encodedPath, query, headers: toSign, payloadHash: headers['x-amz-content-sha256'] },
    );
    headers.authorization = o.tamperSignature ? s.authorization.replace(/Signature=([0-9a-f]+)$/, (_m, sig: string) => `Signature=${flipHex(sig)}`) : s.authorization;
    return { url: `${t.endpoint}${encodedPath}${queryString(query)}`, headers };
  }
  if (auth === 'presign') {
    const signed = presignQuery(
      { creds, region: t.region, date },
      { method: o.method, encodedPath, query, host, expiresSeconds: o.expiresSeconds ?? 900 },
    );
    if (o.tamperSignature) {
      const last = signed[signed.length - 1];
      last[1] = flipHex(last[1]);
    }
    return { url: `${t.endpoint}${encodedPath}${queryString(signed)}`, headers };
  }
  return { url: `${t.endpoint}${encodedPath}${queryString(query)}`, headers };
}

export async function raw(t: Target, o: RawOptions): Promise<RawResponse> {
  const { url, headers } = buildRequest(t, o);
  const res = await request(url, {
    method: o.method as 'GET',
    headers,
    body: o.body === undefined ? undefined : Buffer.from(o.body),
    dispatcher: agent,
    headersTimeout: 20_000,
    bodyTimeout: 20_000,
  });
  const body = Buffer.from(await res.body.arrayBuffer());
  const h: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) h[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v ?? '');
  const text = body.toString('utf8');
  const out: RawResponse = { status: res.statusCode, headers: h, body, text };
  if (text.trimStart().startsWith('<')) {
    try {
      const xml = parseXml(text) as Record<string, unknown>;
      out.xml = xml;
      if (xml && typeof xml === 'object' && 'Error' in xml) out.error = xml.Error as Record<string, string>;
    } catch {
      /* not XML */
    }
  }
  return out;
}

export type ChunkedMode = typeof STREAMING_SIGNED | typeof STREAMING_SIGNED_TRAILER | typeof STREAMING_UNSIGNED_TRAILER;

/**
 * PUT an object with an aws-chunked body in one of the three streaming modes.
 * trailers: e.g. [['x-amz-checksum-crc32', value]] (trailer modes).
 */
export async function putChunked(
  t: Target,
  bucket: string,
  key: string,
  payload: Buffer,
  mode: ChunkedMode,
  opt: EncodeOptions & { headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const url0 = new URL(t.endpoint);
  const date = new Date();
  const encodedPath = encodePath(bucket, key);
  const headers: Record<string, string> = {
    'content-encoding': 'aws-chunked',
    'x-amz-content-sha256': mode,
    'x-amz-date': amzDate(date),
    'x-amz-decoded-content-length': String(payload.length),
    ...(opt.headers ?? {}),
  };
  if (opt.trailers && opt.trailers.length > 0) headers['x-amz-trailer'] = opt.trailers.map(([k]) => k).join(',');
  const s = signHeaders(
    { creds: t, region: t.region, date },
    { method: 'PUT', encodedPath, query: [], headers: { ...headers, host: url0.host }, payloadHash: mode },
  );
  headers.authorization = s.authorization;
  const body =
    mode === STREAMING_UNSIGNED_TRAILER
      ? encodeUnsignedChunked(payload, opt)
      : encodeSignedChunked(payload, { signingKey: s.signingKey, dateTime: s.dateTime, scope: s.scope, seedSignature: s.signature }, opt);
  const res = await request(`${t.endpoint}${encodedPath}`, { method: 'PUT', headers, body, dispatcher: agent, headersTimeout: 20_000, bodyTimeout: 20_000 });
  const resBody = Buffer.from(await res.body.arrayBuffer());
  const h: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) h[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v ?? '');
  const text = resBody.toString('utf8');
  const out: RawResponse = { status: res.statusCode, headers: h, body: resBody, text };
  if (text.trimStart().startsWith('<')) {
    try {
      const xml = parseXml(text) as Record<string, unknown>;
      out.xml = xml;
      if (xml && 'Error' in xml) out.error = xml.Error as Record<string, string>;
    } catch {
      /* ignore */
    }
  }
  return out;
}

export { STREAMING_SIGNED, STREAMING_SIGNED_TRAILER, STREAMING_UNSIGNED_TRAILER };
