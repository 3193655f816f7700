/**
 * Test helpers: sign requests with the real AWS signer (@smithy/signature-v4,
 * configured the way the S3 client configures it) and turn the result into an
 * AuthInput as the gateway would build it from a node request.
 */
import assert from 'node:assert/strict';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { S3Error } from '@vaultx/s3-protocol';
import type { AuthInput, CredentialLookup, Credentials } from './types.ts';

export const AK = 'AKIAIOSFODNN7EXAMPLE';
export const SK = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
export const CREDS: Credentials = { accessKeyId: AK, secretAccessKey: SK, userId: 'user-1' };
export const lookup: CredentialLookup = async (id) => (id === AK ? CREDS : undefined);
export const HOST = '127.0.0.1:9000';

/** encodeURIComponent plus !'()* — what the SDK's escapeUri does. */
export function sdkEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** How the S3 client puts a key into the path: each segment escaped, '/' kept. */
export function sdkKeyPath(bucket: string, key: string): string {
  return `/${bucket}/${key.split('/').map(sdkEscape).join('/')}`;
}

export type Query = Record<string, string | string[] | null>;

export function wireQuery(query: Query): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === null) parts.push(sdkEscape(k));
    else for (const x of Array.isArray(v) ? v : [v]) parts.push(`${sdkEscape(k)}=${sdkEscape(x)}`);
  }
  return parts.join('&');
}

export interface SignSpec {
  method?: string;
  path: string;
  query?: Query;
  headers?: Record<string, string>;
  body?: string | Buffer;
  date: Date;
  region?: string;
  secret?: string;
  accessKeyId?: string;
}

function makeRequest(spec: SignSpec): HttpRequest {
  return new HttpRequest({
    method: spec.method ?? 'GET',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 9000,
    path: spec.path,
    query: (spec.query ?? {}) as Record<string, string | string[]>,
    headers: { host: HOST, ...(spec.headers ?? {}) },
    body: spec.body,
  });
}

function signer(spec: SignSpec): SignatureV4 {
  return new SignatureV4({
    credentials: { accessKeyId: spec.accessKeyId ?? AK, secretAccessKey: spec.secret ?? SK },
    region: spec.region ?? 'us-east-1',
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false, // as the S3 client: the path is already encoded once
    applyChecksum: true,
  });
}

export function toInput(
  req: { method: string; path: string; query?: unknown; headers: Record<string, string> },
  now: Date,
): AuthInput {
  const qs = wireQuery((req.query ?? {}) as Query);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = v;
  return { method: req.method, rawUrl: req.path + (qs ? `?${qs}` : ''), headers, now };
}

export async function signHeader(spec: SignSpec, now = spec.date): Promise<AuthInput> {
  const signed = await signer(spec).sign(makeRequest(spec), { signingDate: spec.date });
  return toInput(signed, now);
}

export async function presign(
  spec: SignSpec & { expiresIn?: number; s3Style?: boolean; unhoistable?: string[] },
  now = spec.date,
): Promise<AuthInput> {
  const req = makeRequest(spec);
  if (spec.s3Style) req.headers['X-Amz-Content-Sha256'] = 'UNSIGNED-PAYLOAD'; // what @aws-sdk/s3-request-presigner does
  const signed = await signer(spec).presign(req, {
    signingDate: spec.date,
    expiresIn: spec.expiresIn ?? 3600,
    unhoistableHeaders: new Set(spec.unhoistable ?? []),
  });
  return toInput(signed, now);
}

export async function rejects(p: Promise<unknown>, code: string, check?: (e: S3Error) => void): Promise<S3Error> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof S3Error, `expected S3Error, got ${String(e)}`);
    assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.message}`);
    check?.(e);
    return e;
  }
  assert.fail(`expected ${code}, but it resolved`);
}
