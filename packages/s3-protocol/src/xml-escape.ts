/**
 * XML text escaping for S3 response bodies.
 *
 * - The five markup characters become entity references (`"` as `&quot;`, as
 *   S3 renders ETags: `<ETag>&quot;abc&quot;</ETag>`).
 * - TAB, LF and CR become character references so that they survive parsers
 *   that normalise line ends or drop whitespace-only text (the AWS SDK for JS
 *   v3 rewrites `\r\n?` to `\n` before parsing).
 * - Characters XML 1.0 does not allow at all (other C0 controls, U+FFFE,
 *   U+FFFF, lone surrogates) become `&#x..;`, which is what Amazon S3 itself
 *   emits for such keys (e.g. `&#x1b;`). Strict XML 1.0 parsers reject those
 *   references; clients that may meet such keys should list with
 *   `encoding-type=url`, exactly as with S3.
 */

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

const NAMED: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

// Any char that needs escaping: markup, C0 controls, surrogates (checked
// pairwise below), U+FFFE and U+FFFF.
const NEEDS_ESCAPE = /[&<>"'\u0000-\u001f\ud800-\udfff\ufffe\uffff]/;
const ESCAPE_RE =
  /[&<>"'\u0000-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Escape a string for use as XML element text (or a double-quoted attribute). */
export function escapeXml(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(ESCAPE_RE, (ch) => NAMED[ch] ?? `&#x${ch.charCodeAt(0).toString(16)};`);
}

/** `<name>escaped value</name>`; nothing when value is undefined or null. */
export function xmlElement(name: string, value: string | number | boolean | undefined | null): string {
  if (value === undefined || value === null) return '';
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** XML 1.0 Name (ASCII subset: what S3 element names use). */
export function isXmlName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9._-]*$/.test(name) && !/^xml/i.test(name);
}

/** Quote an ETag for the wire: `abc` → `"abc"` (already-quoted input is kept). */
export function quoteEtag(etag: string): string {
  if (etag.length >= 2 && etag.startsWith('"') && etag.endsWith('"')) return etag;
  return `"${etag}"`;
}
