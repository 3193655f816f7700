/**
 * Helpers for UTF-8 binary key order. S3 lists keys in UTF-8 byte order, which
 * equals Unicode code point order — but NOT JavaScript's `<` on strings (that
 * is UTF-16 code unit order: '\u{10000}' < '\uFFFF' in JS, yet F0 90 80 80 >
 * EF BF BF in UTF-8). Every backend and every caller that compares or bounds
 * keys must use these helpers instead of `<`.
 */

/** Maps a UTF-16 code unit so that comparing mapped units gives code point order. */
function fixUnit(c: number): number {
  // Surrogates (D800–DFFF) encode code points ≥ U+10000: move them above the
  // rest of the BMP; E000–FFFF moves down into the hole they leave.
  return c >= 0xd800 ? (c >= 0xe000 ? c - 0x800 : c + 0x2000) : c;
}

/** Compares two well-formed strings by their UTF-8 bytes (negative, 0, positive). */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) return fixUnit(ca) - fixUnit(cb);
  }
  return a.length - b.length;
}

/** True when `s` has no lone surrogate (so it has an exact UTF-8 encoding). */
export function isWellFormed(s: string): boolean {
  return !/\p{Surrogate}/u.test(s);
}

/**
 * The exclusive upper bound of the range of strings that start with `prefix`,
 * in UTF-8 byte order: for every well-formed x,
 *   x.startsWith(prefix)  ⇔  compareUtf8(prefix, x) ≤ 0 && compareUtf8(x, end) < 0.
 * It is `prefix` with its last code point incremented (skipping the surrogate
 * block; trailing U+10FFFF are dropped and the carry moves left). Returns
 * undefined when no such bound exists (prefix empty or all U+10FFFF): the
 * range is then unbounded above.
 */
export function prefixEnd(prefix: string): string | undefined {
  const cps = Array.from(prefix, (ch) => ch.codePointAt(0)!);
  while (cps.length > 0) {
    const last = cps.pop()!;
    if (last < 0x10ffff) {
      cps.push(last === 0xd7ff ? 0xe000 : last + 1);
      return String.fromCodePoint(...cps);
    }
  }
  return undefined;
}

/** The scan bounds of every key starting with `prefix`. */
export function prefixRange(prefix: string): { gte: string; lt?: string } {
  const lt = prefixEnd(prefix);
  return lt === undefined ? { gte: prefix } : { gte: prefix, lt };
}

/** The longest prefix of `s` whose UTF-8 encoding fits in `maxBytes` (never splits a code point). */
export function truncateUtf8(s: string, maxBytes: number): string {
  const buf = Buffer.from(s, 'utf8');
  if (buf.length <= maxBytes) return s;
  let n = maxBytes;
  while (n > 0 && (buf[n]! & 0xc0) === 0x80) n--; // back off continuation bytes
  return buf.subarray(0, n).toString('utf8');
}
