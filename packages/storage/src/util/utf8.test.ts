import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareUtf8, isWellFormed, prefixEnd, prefixRange, truncateUtf8 } from './utf8.ts';

const bytesCmp = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const SAMPLES = ['', 'a', 'b', 'ab', 'a\u0000', 'é', 'e\u0301', '中', '😀', '\uFFFF', '\u{10000}', '\uE000', '\uD7FF',
  '\u{10FFFF}', 'a\u{10FFFF}', 'a\u{10FFFF}\u{10FFFF}', 'b\u0000', '/', '0', 'a/', 'a0', '\uFF61', 'z😀', 'z\uFFFF'];

describe('utf8 helpers', () => {
  it('compareUtf8 agrees with byte comparison', () => {
    for (const a of SAMPLES) for (const b of SAMPLES) {
      assert.equal(Math.sign(compareUtf8(a, b)), bytesCmp(a, b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    }
  });

  it('prefixEnd bounds exactly the strings with the prefix', () => {
    for (const p of SAMPLES) {
      const end = prefixEnd(p);
      for (const x of [...SAMPLES, ...SAMPLES.map((s) => p + s)]) {
        const inRange = compareUtf8(p, x) <= 0 && (end === undefined || compareUtf8(x, end) < 0);
        assert.equal(inRange, x.startsWith(p), `prefix ${JSON.stringify(p)} x ${JSON.stringify(x)}`);
      }
    }
    assert.equal(prefixEnd('a/'), 'a0');
    assert.equal(prefixEnd('a\uD7FF'), 'a\uE000');
    assert.equal(prefixEnd('a\u{10FFFF}'), 'b');
    assert.equal(prefixEnd('\u{10FFFF}'), undefined);
    assert.equal(prefixEnd(''), undefined);
    assert.equal(prefixEnd('\uFFFF'), '\u{10000}');
    assert.deepEqual(prefixRange('x/'), { gte: 'x/', lt: 'x0' });
  });

  it('isWellFormed and truncateUtf8', () => {
    assert.equal(isWellFormed('ok😀'), true);
    assert.equal(isWellFormed('bad\uD800'), false);
    assert.equal(isWellFormed('bad\uDC00x'), false);
    assert.equal(truncateUtf8('aé', 2), 'a');
    assert.equal(truncateUtf8('a😀b', 4), 'a');
    assert.equal(truncateUtf8('a😀b', 5), 'a😀');
    assert.equal(truncateUtf8('abc', 10), 'abc');
  });
});
