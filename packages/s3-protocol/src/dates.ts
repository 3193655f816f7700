/**
 * Date formats on the S3 wire.
 *
 * - XML bodies: ISO 8601 with milliseconds and `Z` (2024-01-02T03:04:05.000Z).
 * - Headers (Last-Modified, Date, x-amz-restore …): RFC 7231 IMF-fixdate
 *   (Tue, 02 Jan 2024 03:04:05 GMT).
 * - Conditional request headers may arrive in any of the three HTTP date
 *   formats (IMF-fixdate, RFC 850, asctime) or as ISO 8601.
 */

export function toDate(d: Date | string | number): Date {
  const date = d instanceof Date ? d : new Date(d);
  if (Number.isNaN(date.getTime())) throw new RangeError(`invalid date: ${String(d)}`);
  return date;
}

/** 2024-01-02T03:04:05.000Z */
export function formatIsoDate(d: Date | string | number): string {
  return toDate(d).toISOString();
}

/** Tue, 02 Jan 2024 03:04:05 GMT */
export function formatHttpDate(d: Date | string | number): string {
  // Date.prototype.toUTCString is specified (ES2018+) to produce IMF-fixdate.
  return toDate(d).toUTCString();
}

/** Whole seconds since the epoch (floor); HTTP dates carry no sub-second part. */
export function epochSeconds(d: Date): number {
  return Math.floor(d.getTime() / 1000);
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const SHORT_DAYS = '(?:mon|tue|wed|thu|fri|sat|sun)';
const LONG_DAYS = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)';
const MON = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)';
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';

// Sun, 06 Nov 1994 08:49:37 GMT   (single-digit day tolerated)
const IMF_FIXDATE = new RegExp(`^${SHORT_DAYS},\\s+(\\d{1,2})\\s+${MON}\\s+(\\d{4})\\s+${TIME}\\s+(?:GMT|UTC|UT|Z|\\+0000)$`, 'i');
// Sunday, 06-Nov-94 08:49:37 GMT
const RFC850 = new RegExp(`^${LONG_DAYS},\\s+(\\d{1,2})-${MON}-(\\d{2}|\\d{4})\\s+${TIME}\\s+(?:GMT|UTC)$`, 'i');
// Sun Nov  6 08:49:37 1994
const ASCTIME = new RegExp(`^${SHORT_DAYS}\\s+${MON}\\s+(\\d{1,2})\\s+${TIME}\\s+(\\d{4})$`, 'i');
// 2024-01-02T03:04:05Z, 2024-01-02T03:04:05.123+01:00, 20240102T030405Z
const ISO8601 =
  /^(\d{4})-?(\d{2})-?(\d{2})[Tt ](\d{2}):?(\d{2}):?(\d{2})(?:[.,](\d+))?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

function build(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms = 0,
  offsetMinutes = 0,
): Date | undefined {
  if (month < 0 || month > 11 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  const t = Date.UTC(year, month, day, hour, minute, Math.min(second, 59), ms);
  const check = new Date(t);
  // Reject e.g. 31 Feb, which Date.UTC would roll over into March.
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month) return undefined;
  return new Date(t - offsetMinutes * 60_000);
}

function twoDigitYear(yy: number, now: Date): number {
  // RFC 7231 §7.1.1.1: a two-digit year more than 50 years in the future is in the past century.
  const current = now.getUTCFullYear();
  let year = Math.floor(current / 100) * 100 + yy;
  if (year > current + 50) year -= 100;
  return year;
}

/**
 * Parse an HTTP date (IMF-fixdate, RFC 850, asctime) or an ISO 8601 timestamp.
 * Returns undefined for anything else (callers ignore invalid dates, as S3 does).
 */
export function parseHttpDate(value: string | undefined, now: Date = new Date()): Date | undefined {
  if (value === undefined) return undefined;
  const s = value.trim();
  if (s === '') return undefined;
  let m = IMF_FIXDATE.exec(s);
  if (m) return build(+m[3]!, MONTHS.indexOf(m[2]!.toLowerCase()), +m[1]!, +m[4]!, +m[5]!, +m[6]!);
  m = RFC850.exec(s);
  if (m) {
    const y = m[3]!.length === 2 ? twoDigitYear(+m[3]!, now) : +m[3]!;
    return build(y, MONTHS.indexOf(m[2]!.toLowerCase()), +m[1]!, +m[4]!, +m[5]!, +m[6]!);
  }
  m = ASCTIME.exec(s);
  if (m) return build(+m[6]!, MONTHS.indexOf(m[1]!.toLowerCase()), +m[2]!, +m[3]!, +m[4]!, +m[5]!);
  m = ISO8601.exec(s);
  if (m) {
    const frac = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
    let offset = 0;
    const z = m[8];
    if (z && z !== 'Z' && z !== 'z') {
      const sign = z.startsWith('-') ? -1 : 1;
      const digits = z.slice(1).replace(':', '');
      const oh = Number(digits.slice(0, 2));
      const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
      if (oh > 23 || om > 59) return undefined;
      offset = sign * (oh * 60 + om);
    }
    return build(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, frac, offset);
  }
  return undefined;
}
