/** Encoding helpers shared by SigV4, SigV2 and the gateway. */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const HEX = '0123456789ABCDEF';

/** RFC 3986 unreserved: A-Z a-z 0-9 - . _ ~ */
function isUnreserved(b: number): boolean {
  return (
    (b >= 0x41 && b <= 0x5a) || // A-Z
    (b >= 0x61 && b <= 0x7a) || // a-z
    (b >= 0x30 && b <= 0x39) || // 0-9
    b === 0x2d || b === 0x2e || b === 0x5f || b === 0x7e // - . _ ~
  );
}

/** AWS URI encoding of raw bytes: unreserved kept, '/' kept unless encodeSlash, all else %XX (upper-case hex). */
export function awsUriEncodeBytes(bytes: Uint8Array, encodeSlash: boolean): string {
  let out = '';
  let runStart = -1;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (isUnreserved(b) || (b === 0x2f && !encodeSlash)) {
      if (runStart < 0) runStart = i;
      continue;
    }
    if (runStart >= 0) {
      out += Buffer.from(bytes.buffer, bytes.byteOffset + runStart, i - runStart).toString('latin1');
      runStart = -1;
    }
    out += '%' + HEX[b >> 4] + HEX[b & 15];
  }
  if (runStart >= 0) out += Buffer.from(bytes.buffer, bytes.byteOffset + runStart, bytes.length - runStart).toString('latin1');
  return out;
}

/**
 * AWS URI encoding (the SigV4 "UriEncode"): the UTF-8 bytes of `s`, RFC 3986
 * unreserved characters kept, '/' kept when encodeSlash=false, everything else
 * percent-encoded with upper-case hex.
 */
export function awsUriEncode(s: string, encodeSlash: boolean): string {
  return awsUriEncodeBytes(Buffer.from(s, 'utf8'), encodeSlash);
}

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

/**
 * Percent-decode to raw bytes (never throws: a '%' not followed by two hex
 * digits stays literal). When plusAsSpace, '+' decodes to a space (form style).
 */
export function percentDecodeBytes(s: string, plusAsSpace: boolean): Buffer {
  const src = Buffer.from(s, 'utf8');
  if (!src.includes(0x25) && !(plusAsSpace && src.includes(0x2b))) return src;
  const out = Buffer.allocUnsafe(src.length);
  let o = 0;
  for (let i = 0; i < src.length; i++) {
    const b = src[i];
    if (b === 0x25 && i + 2 < src.length) {
      const h = hexVal(src[i + 1]);
      const l = hexVal(src[i + 2]);
      if (h >= 0 && l >= 0) {
        out[o++] = (h << 4) | l;
        i += 2;
        continue;
      }
    }
    out[o++] = plusAsSpace && b === 0x2b ? 0x20 : b;
  }
  return out.subarray(0, o);
}

/** Percent-decode to a string (UTF-8; invalid sequences become U+FFFD). */
export function percentDecode(s: string, plusAsSpace: boolean): string {
  return percentDecodeBytes(s, plusAsSpace).toString('utf8');
}

/** Constant-time comparison of two hex signatures (case-insensitive). */
export function timingSafeEqualHex(a: string, b: string): boolean {
  const ba = Buffer.from(a.toLowerCase(), 'latin1');
  const bb = Buffer.from(b.toLowerCase(), 'latin1');
  if (ba.length !== bb.length) {
    // Burn a comparison anyway so the timing does not reveal much about lengths.
    timingSafeEqual(ba, ba);
    return false;
  }
  return timingSafeEqual(ba, bb);
}

/** Constant-time comparison of two strings, byte for byte (used for base64 SigV2 signatures). */
export function timingSafeEqualString(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  if (ba.length !== bb.length) {
    timingSafeEqual(ba, ba);
    return false;
  }
  return timingSafeEqual(ba, bb);
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function hmacSha256(key: Uint8Array | string, data: string | Uint8Array): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

export function hmacSha256Hex(key: Uint8Array | string, data: string | Uint8Array): string {
  return createHmac('sha256', key).update(data).digest('hex');
}

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** A Date as SigV4 basic ISO 8601: 20130524T000000Z */
export function toAmzDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** A Date as ISO 8601 without milliseconds, the form S3 uses in error bodies: 2013-05-24T00:00:00Z */
export function toIsoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Parse 20130524T000000Z (strictly). */
export function parseAmzDate(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se] = m;
  const t = Date.UTC(+y, +mo - 1, +d, +h, +mi, +se);
  const date = new Date(t);
  // Reject out-of-range fields (e.g. month 13) that Date.UTC would roll over.
  if (date.getUTCMonth() !== +mo - 1 || date.getUTCDate() !== +d || date.getUTCHours() !== +h ||
      date.getUTCMinutes() !== +mi || date.getUTCSeconds() !== +se) return undefined;
  return date;
}
