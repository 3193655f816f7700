import { test } from 'node:test';
import assert from 'node:assert/strict';
import { epochSeconds, formatHttpDate, formatIsoDate, parseHttpDate } from './dates.ts';

const D = new Date(Date.UTC(1994, 10, 6, 8, 49, 37));

test('formatIsoDate: milliseconds and Z', () => {
  assert.equal(formatIsoDate(new Date(Date.UTC(2024, 0, 2, 3, 4, 5))), '2024-01-02T03:04:05.000Z');
  assert.equal(formatIsoDate('2024-01-02T03:04:05.123Z'), '2024-01-02T03:04:05.123Z');
  assert.equal(formatIsoDate(Date.UTC(2024, 0, 2)), '2024-01-02T00:00:00.000Z');
  assert.throws(() => formatIsoDate('nope'), RangeError);
});

test('formatHttpDate: IMF-fixdate', () => {
  assert.equal(formatHttpDate(D), 'Sun, 06 Nov 1994 08:49:37 GMT');
  assert.equal(formatHttpDate(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 999))), 'Tue, 02 Jan 2024 03:04:05 GMT');
});

test('parseHttpDate: the three HTTP formats', () => {
  assert.deepEqual(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT'), D);
  assert.deepEqual(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT'), D);
  assert.deepEqual(parseHttpDate('Sun Nov  6 08:49:37 1994'), D);
  assert.deepEqual(parseHttpDate('Sun Nov 6 08:49:37 1994'), D);
});

test('parseHttpDate: ISO 8601 variants', () => {
  assert.deepEqual(parseHttpDate('1994-11-06T08:49:37Z'), D);
  assert.deepEqual(parseHttpDate('1994-11-06T08:49:37.000Z'), D);
  assert.deepEqual(parseHttpDate('1994-11-06T09:49:37+01:00'), D);
  assert.deepEqual(parseHttpDate('1994-11-06T07:49:37-0100'), D);
  assert.deepEqual(parseHttpDate('19941106T084937Z'), D);
  assert.deepEqual(parseHttpDate('1994-11-06T08:49:37'), D);
  assert.equal(parseHttpDate('1994-11-06T08:49:37.250Z')?.getTime(), D.getTime() + 250);
});

test('parseHttpDate: case-insensitive names, surrounding whitespace', () => {
  assert.deepEqual(parseHttpDate('  sun, 06 nov 1994 08:49:37 gmt '), D);
});

test('parseHttpDate: RFC 850 two-digit years pick the right century', () => {
  const now = new Date(Date.UTC(2024, 0, 1));
  assert.equal(parseHttpDate('Monday, 01-Jan-30 00:00:00 GMT', now)?.getUTCFullYear(), 2030);
  assert.equal(parseHttpDate('Monday, 01-Jan-80 00:00:00 GMT', now)?.getUTCFullYear(), 1980);
});

test('parseHttpDate: invalid values are undefined', () => {
  for (const v of [
    undefined,
    '',
    'yesterday',
    'Sun, 31 Feb 2024 00:00:00 GMT',
    'Sun, 06 Nov 1994 25:00:00 GMT',
    'Sun, 06 Foo 1994 08:49:37 GMT',
    '06 Nov 1994 08:49:37 GMT',
    '1994-13-01T00:00:00Z',
    '1994-11-06',
    '1234567890',
  ]) {
    assert.equal(parseHttpDate(v), undefined, String(v));
  }
});

test('epochSeconds floors', () => {
  assert.equal(epochSeconds(new Date(1999)), 1);
  assert.equal(epochSeconds(new Date(2000)), 2);
});
