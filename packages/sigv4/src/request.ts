/** Request plumbing shared by SigV4 and SigV2: raw URL splitting, query parameters, header access. */
import { percentDecode } from './encoding.ts';

export type HeaderBag = Record<string, string | string[] | undefined>;

export interface RawParam {
  /** name exactly as on the wire (still percent-encoded) */
  rawName: string;
  /** value exactly as on the wire, undefined when the parameter had no '=' */
  rawValue: string | undefined;
  /** percent-decoded name ('+' kept literal) */
  name: string;
  /** percent-decoded value ('+' kept literal); '' when no '=' */
  value: string;
}

export interface ParsedUrl {
  /** the path exactly as received (percent-encoded), '/' if empty */
  rawPath: string;
  /** the query exactly as received, without the '?' ('' if none) */
  rawQuery: string;
  params: RawParam[];
}

export function parseRawUrl(rawUrl: string): ParsedUrl {
  let url = rawUrl;
  // absolute-form request targets (proxies): drop scheme and authority
  const abs = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/.exec(url);
  if (abs) url = url.slice(abs[0].length);
  const hash = url.indexOf('#');
  if (hash >= 0) url = url.slice(0, hash);
  const q = url.indexOf('?');
  let rawPath = q >= 0 ? url.slice(0, q) : url;
  const rawQuery = q >= 0 ? url.slice(q + 1) : '';
  if (rawPath === '') rawPath = '/';
  const params: RawParam[] = [];
  if (rawQuery !== '') {
    for (const part of rawQuery.split('&')) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      const rawName = eq >= 0 ? part.slice(0, eq) : part;
      const rawValue = eq >= 0 ? part.slice(eq + 1) : undefined;
      params.push({
        rawName,
        rawValue,
        name: percentDecode(rawName, false),
        value: rawValue === undefined ? '' : percentDecode(rawValue, false),
      });
    }
  }
  return { rawPath, rawQuery, params };
}

/** All values of a parameter by exact (decoded) name. */
export function paramValues(params: RawParam[], name: string): string[] {
  const out: string[] = [];
  for (const p of params) if (p.name === name) out.push(p.value);
  return out;
}

export function hasParam(params: RawParam[], name: string): boolean {
  return params.some((p) => p.name === name);
}

/** Header values as a list (undefined when absent). Accepts IncomingHttpHeaders or headersDistinct. */
export function headerValues(headers: HeaderBag, name: string): string[] | undefined {
  const v = headers[name];
  if (v === undefined) {
    // Be robust to callers that did not lowercase names.
    for (const k of Object.keys(headers)) {
      if (k.toLowerCase() === name) {
        const w = headers[k];
        if (w === undefined) continue;
        return Array.isArray(w) ? w : [w];
      }
    }
    return undefined;
  }
  return Array.isArray(v) ? v : [v];
}

/** First value of a header (undefined when absent). */
export function headerFirst(headers: HeaderBag, name: string): string | undefined {
  const v = headerValues(headers, name);
  return v && v.length > 0 ? v[0] : undefined;
}

/** Lower-cased names of all present headers. */
export function headerNames(headers: HeaderBag): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out.push(k.toLowerCase());
  return out;
}

/** Trim and collapse inner whitespace runs, as SigV4 canonical headers require. */
export function canonicalHeaderValue(v: string): string {
  return v.trim().replace(/\s+/g, ' ');
}

export function dedupe<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

/**
 * The byte forms under which a string that holds header values may have been
 * signed. node gives header values as latin1 (one char per byte on the wire),
 * so a non-ASCII value is tried both as those wire bytes and as UTF-8.
 */
export function byteForms(s: string): Buffer[] {
  const utf8 = Buffer.from(s, 'utf8');
  if (utf8.length === s.length) return [utf8]; // pure ASCII
  // eslint-disable-next-line no-control-regex
  if (/[^\u0000-\u00ff]/.test(s)) return [utf8];
  return [Buffer.from(s, 'latin1'), utf8];
}
