/**
 * The Range header, as Amazon S3 applies it (RFC 7233, one range only).
 *
 *   bytes=a-b   → [a, min(b, size-1)]
 *   bytes=a-    → [a, size-1]
 *   bytes=-n    → the last n bytes (the whole object when n >= size)
 *
 * - syntactically invalid, or a > b            → undefined: ignore the header, 200 with the whole object
 * - several ranges (`bytes=0-1,5-6`)           → undefined: S3 answers 200 with the whole object
 * - a >= size, `bytes=-0`, any range on size 0 → 'unsatisfiable': 416 InvalidRange
 *   with details { RangeRequested, ActualObjectSize } (see invalidRangeError)
 */
import { S3Error } from './errors.ts';

export type ParsedRange = { start: number; end: number };

const SINGLE = /^bytes\s*=\s*(\d*)\s*-\s*(\d*)$/i;

export function parseRange(header: string | undefined, size: number): ParsedRange | undefined | 'unsatisfiable' {
  if (header === undefined) return undefined;
  const h = header.trim();
  if (h.includes(',')) return undefined;
  const m = SINGLE.exec(h);
  if (!m) return undefined;
  const [, a, b] = m as unknown as [string, string, string];
  if (a === '' && b === '') return undefined;
  if (a === '') {
    const n = Number(b);
    if (!Number.isFinite(n)) return undefined;
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  if (!Number.isFinite(start)) return undefined;
  if (b === '') {
    if (start >= size) return 'unsatisfiable';
    return { start, end: size - 1 };
  }
  const end = Number(b);
  if (!Number.isFinite(end)) return undefined;
  if (start > end) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(end, size - 1) };
}

/** `bytes 0-99/1234` for a 206 response. */
export function contentRange(start: number, end: number, size: number): string {
  return `bytes ${start}-${end}/${size}`;
}

/** `bytes *\/1234` for a 416 response. */
export function unsatisfiedContentRange(size: number): string {
  return `bytes */${size}`;
}

/** The 416 InvalidRange error S3 answers for an unsatisfiable range. */
export function invalidRangeError(header: string, size: number): S3Error {
  return new S3Error('InvalidRange', undefined, { RangeRequested: header, ActualObjectSize: size });
}
