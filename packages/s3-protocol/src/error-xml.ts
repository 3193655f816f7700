/**
 * The S3 error body:
 *
 *   <?xml version="1.0" encoding="UTF-8"?>
 *   <Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>
 *   <Key>photos/a.jpg</Key><Resource>/bucket/photos/a.jpg</Resource>
 *   <RequestId>…</RequestId><HostId>…</HostId></Error>
 *
 * (one line on the wire). The root has no namespace, as S3 sends it. A 304 and
 * any response to HEAD carry no body at all: the caller sends only the status
 * and headers then.
 */
import { S3Error, type S3ErrorCode } from './errors.ts';
import { XML_DECLARATION, escapeXml, isXmlName, xmlElement } from './xml-escape.ts';

/** Codes that exist only between internal services; a client sees InternalError. */
const INTERNAL_ONLY: ReadonlySet<S3ErrorCode> = new Set<S3ErrorCode>(['NoSuchChunk', 'CorruptChunk']);

/** Elements the renderer writes itself; details may not override them. */
const RESERVED = new Set(['Code', 'Message', 'Resource', 'RequestId', 'HostId']);

/** The error as a client may see it: internal-only codes become InternalError. */
export function clientFacingError(err: S3Error): S3Error {
  return INTERNAL_ONLY.has(err.code) ? new S3Error('InternalError') : err;
}

/** Turn anything thrown into an S3Error (non-S3 errors become InternalError). */
export function toS3Error(e: unknown): S3Error {
  if (e instanceof S3Error) return e;
  return new S3Error('InternalError');
}

/** HTTP status to send for the error. */
export function errorStatus(err: S3Error): number {
  return clientFacingError(err).status;
}

export interface ErrorXmlContext {
  /** The bucket or object path the request addressed, e.g. `/bucket/key`. */
  resource?: string;
  requestId: string;
  /** x-amz-id-2; rendered only when given. */
  hostId?: string;
}

export function renderErrorXml(err: S3Error, ctx: ErrorXmlContext): string {
  const e = clientFacingError(err);
  let out = `${XML_DECLARATION}<Error><Code>${escapeXml(e.code)}</Code><Message>${escapeXml(e.message)}</Message>`;
  for (const [name, value] of Object.entries(e.details)) {
    if (value === undefined || value === null) continue;
    if (RESERVED.has(name) || !isXmlName(name)) continue;
    out += xmlElement(name, String(value));
  }
  out += xmlElement('Resource', ctx.resource);
  out += xmlElement('RequestId', ctx.requestId);
  out += xmlElement('HostId', ctx.hostId);
  return `${out}</Error>`;
}
