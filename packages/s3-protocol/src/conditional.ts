/**
 * Conditional requests (RFC 7232 §6 order, which is what Amazon S3 documents):
 *
 *  1. If-Match present: false → 412. (When true, If-Unmodified-Since is not
 *     evaluated: "If-Match true + If-Unmodified-Since false → 200".)
 *  2. else If-Unmodified-Since (valid date): modified after it → 412.
 *  3. If-None-Match present: matches → 304 for GET/HEAD (412 for other methods).
 *     (When it does not match, If-Modified-Since is not evaluated.)
 *  4. else, GET/HEAD, If-Modified-Since (valid, not in the future): not
 *     modified since → 304. ("If-None-Match false + If-Modified-Since true → 304"
 *     falls out of 3.)
 *
 * ETag lists: `"a", "b"`, `*`, quotes optional (`a` matches ETag "a"), weak
 * `W/"a"`. If-Match uses the strong comparison (a weak tag never matches),
 * If-None-Match the weak one (W/ ignored). Dates: IMF-fixdate, RFC 850,
 * asctime or ISO 8601; an unparsable date is ignored; comparisons are at whole
 * seconds (Last-Modified has no sub-second part).
 *
 * For CopyObject's x-amz-copy-source-if-* headers S3 answers 412
 * PreconditionFailed for every failed condition, 304 never.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { epochSeconds, parseHttpDate } from './dates.ts';

export interface ConditionalHeaders {
  ifMatch?: string;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
  ifUnmodifiedSince?: string;
}

export interface ConditionTarget {
  /** Unquoted ETag of the current object. */
  etag: string;
  lastModified: Date;
}

export type ConditionResult = 'ok' | 'not-modified' | 'precondition-failed';

interface EntityTag {
  weak: boolean;
  opaque: string;
}

/** Parse an If-Match / If-None-Match value: '*' or a list of (optionally quoted, optionally weak) tags. */
export function parseEtagList(value: string): '*' | EntityTag[] {
  const s = value.trim();
  if (s === '*') return '*';
  const tags: EntityTag[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && (s[i] === ',' || s[i] === ' ' || s[i] === '\t')) i++;
    if (i >= s.length) break;
    let weak = false;
    if ((s[i] === 'W' || s[i] === 'w') && s[i + 1] === '/') {
      weak = true;
      i += 2;
    }
    if (s[i] === '"') {
      const end = s.indexOf('"', i + 1);
      if (end < 0) {
        // Unterminated quote: take the rest up to a comma.
        const comma = s.indexOf(',', i + 1);
        const stop = comma < 0 ? s.length : comma;
        tags.push({ weak, opaque: s.slice(i + 1, stop).trim() });
        i = stop;
      } else {
        tags.push({ weak, opaque: s.slice(i + 1, end) });
        i = end + 1;
      }
    } else {
      const comma = s.indexOf(',', i);
      const stop = comma < 0 ? s.length : comma;
      const token = s.slice(i, stop).trim();
      if (token === '*') tags.push({ weak: false, opaque: '*' });
      else if (token !== '') tags.push({ weak, opaque: token });
      i = stop;
    }
  }
  return tags;
}

function stripQuotes(etag: string): string {
  return etag.length >= 2 && etag.startsWith('"') && etag.endsWith('"') ? etag.slice(1, -1) : etag;
}

function present(v: string | undefined): v is string {
  return v !== undefined && v.trim() !== '';
}

/** If-Match: true when it matches (strong comparison). */
function ifMatchHolds(value: string, etag: string): boolean {
  const list = parseEtagList(value);
  if (list === '*') return true;
  const current = stripQuotes(etag);
  return list.some((t) => t.opaque === '*' || (!t.weak && t.opaque === current));
}

/** If-None-Match: true when NONE matches (weak comparison). */
function ifNoneMatchHolds(value: string, etag: string): boolean {
  const list = parseEtagList(value);
  if (list === '*') return false;
  const current = stripQuotes(etag);
  return !list.some((t) => t.opaque === '*' || t.opaque === current);
}

/** Parsed date in whole seconds, or undefined when invalid. */
function dateSeconds(value: string | undefined, now: Date): number | undefined {
  if (!present(value)) return undefined;
  const d = parseHttpDate(value, now);
  return d === undefined ? undefined : epochSeconds(d);
}

export function evaluateConditions(
  h: ConditionalHeaders,
  obj: ConditionTarget,
  method: 'GET' | 'HEAD' | string,
  now: Date = new Date(),
): ConditionResult {
  const lm = epochSeconds(obj.lastModified);
  const nowSec = epochSeconds(now);
  const safe = method === 'GET' || method === 'HEAD';

  if (present(h.ifMatch)) {
    if (!ifMatchHolds(h.ifMatch, obj.etag)) return 'precondition-failed';
  } else {
    const ius = dateSeconds(h.ifUnmodifiedSince, now);
    if (ius !== undefined && lm > ius) return 'precondition-failed';
  }

  if (present(h.ifNoneMatch)) {
    if (!ifNoneMatchHolds(h.ifNoneMatch, obj.etag)) return safe ? 'not-modified' : 'precondition-failed';
  } else if (safe) {
    const ims = dateSeconds(h.ifModifiedSince, now);
    if (ims !== undefined && ims <= nowSec && lm <= ims) return 'not-modified';
  }
  return 'ok';
}

/**
 * CopyObject / UploadPartCopy source conditions. Same rules; every failure is
 * 'precondition-failed' (S3: 412 PreconditionFailed).
 */
export function evaluateCopySourceConditions(
  h: ConditionalHeaders,
  obj: ConditionTarget,
  now: Date = new Date(),
): 'ok' | 'precondition-failed' {
  return evaluateConditions(h, obj, 'GET', now) === 'ok' ? 'ok' : 'precondition-failed';
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since from request headers. */
export function conditionalHeadersFrom(headers: IncomingHttpHeaders): ConditionalHeaders {
  return {
    ifMatch: header(headers, 'if-match'),
    ifNoneMatch: header(headers, 'if-none-match'),
    ifModifiedSince: header(headers, 'if-modified-since'),
    ifUnmodifiedSince: header(headers, 'if-unmodified-since'),
  };
}

/** The x-amz-copy-source-if-* headers from request headers. */
export function copySourceConditionalHeadersFrom(headers: IncomingHttpHeaders): ConditionalHeaders {
  return {
    ifMatch: header(headers, 'x-amz-copy-source-if-match'),
    ifNoneMatch: header(headers, 'x-amz-copy-source-if-none-match'),
    ifModifiedSince: header(headers, 'x-amz-copy-source-if-modified-since'),
    ifUnmodifiedSince: header(headers, 'x-amz-copy-source-if-unmodified-since'),
  };
}
