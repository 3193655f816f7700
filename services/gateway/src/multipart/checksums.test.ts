import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createChecksum, type ChecksumAlgorithm } from '@vaultx/sigv4';
import { combineCrcs, compositeChecksum, defaultChecksumType, isValidChecksumType } from './checksums.ts';

function sum(alg: ChecksumAlgorithm, b: Buffer): string {
  const c = createChecksum(alg);
  c.update(b);
  return c.digest();
}

describe('multipart checksums', () => {
  for (const alg of ['CRC32', 'CRC32C', 'CRC64NVME'] as const) {
    it(`${alg}: combining part CRCs equals the CRC of the whole`, () => {
      for (const sizes of [[0], [1], [5, 0, 7], [1000, 1, 65536, 3], [0, 0], [123457, 99]]) {
        const parts = sizes.map((n) => randomBytes(n));
        const combined = combineCrcs(alg, parts.map((p) => ({ checksum: sum(alg, p), size: p.length })));
        assert.equal(combined, sum(alg, Buffer.concat(parts)), `${alg} ${sizes.join(',')}`);
      }
    });
  }

  it('combines large part lengths without reading them (5 GiB parts, 10,000 parts)', () => {
    const parts = Array.from({ length: 10000 }, () => ({ checksum: 'AAAAAAAAAAA=', size: 5 * 1024 ** 3 }));
    const t = Date.now();
    assert.match(combineCrcs('CRC64NVME', parts), /^[A-Za-z0-9+/]{11}=$/);
    assert.ok(Date.now() - t < 5000);
  });

  it('composite: checksum of the concatenated binary checksums, then -N', () => {
    const a = randomBytes(100);
    const b = randomBytes(7);
    for (const alg of ['CRC32', 'CRC32C', 'SHA1', 'SHA256'] as const) {
      const raw = Buffer.concat([Buffer.from(sum(alg, a), 'base64'), Buffer.from(sum(alg, b), 'base64')]);
      assert.equal(compositeChecksum(alg, [sum(alg, a), sum(alg, b)]), `${sum(alg, raw)}-2`);
    }
  });

  it('default and allowed types', () => {
    assert.equal(defaultChecksumType('CRC64NVME'), 'FULL_OBJECT');
    assert.equal(defaultChecksumType('CRC32'), 'COMPOSITE');
    assert.equal(isValidChecksumType('SHA256', 'FULL_OBJECT'), false);
    assert.equal(isValidChecksumType('CRC64NVME', 'COMPOSITE'), false);
    assert.equal(isValidChecksumType('CRC32C', 'FULL_OBJECT'), true);
  });
});
