import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { crc32c as refCrc32c } from '@aws-crypto/crc32c';
import { Crc64Nvme as RefCrc64Nvme } from '@aws-sdk/crc64-nvme';
import { checksumHeaderName, createChecksum, parseChecksumAlgorithm, type ChecksumAlgorithm } from './index.ts';
import { createTableCrc32 } from './checksum.ts';

const ALGS: ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'];

function hexOf(b64: string): string {
  return Buffer.from(b64, 'base64').toString('hex');
}

function oneShot(alg: ChecksumAlgorithm, data: Buffer): string {
  const c = createChecksum(alg);
  c.update(data);
  return c.digest();
}

function pieces(alg: ChecksumAlgorithm, data: Buffer, rnd: () => number): string {
  const c = createChecksum(alg);
  let i = 0;
  while (i < data.length) {
    const n = Math.min(data.length - i, 1 + Math.floor(rnd() * 97));
    c.update(data.subarray(i, i + n));
    i += n;
  }
  return c.digest();
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('known answers for "123456789"', () => {
  const d = Buffer.from('123456789');
  assert.equal(hexOf(oneShot('CRC32', d)), 'cbf43926');
  assert.equal(oneShot('CRC32', d), 'y/Q5Jg==');
  assert.equal(hexOf(oneShot('CRC32C', d)), 'e3069283');
  assert.equal(oneShot('CRC32C', d), '4waSgw==');
  assert.equal(hexOf(oneShot('CRC64NVME', d)), 'ae8b14860a799888');
  assert.equal(hexOf(oneShot('SHA1', d)), 'f7c3bc1d808e04732adf679965ccc34ca7ae3441');
  assert.equal(hexOf(oneShot('SHA256', d)), '15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225');
  const t = createTableCrc32();
  t.update(d);
  assert.equal(hexOf(t.digest()), 'cbf43926');
});

test('empty input', () => {
  assert.equal(oneShot('CRC32', Buffer.alloc(0)), 'AAAAAA==');
  assert.equal(oneShot('CRC32C', Buffer.alloc(0)), 'AAAAAA==');
  assert.equal(oneShot('CRC64NVME', Buffer.alloc(0)), 'AAAAAAAAAAA=');
  assert.equal(oneShot('SHA256', Buffer.alloc(0)), createHash('sha256').digest('base64'));
});

test('AWS documented value: CRC32C of 66560 "a" bytes is sOO8/Q== (streaming trailer example)', () => {
  assert.equal(oneShot('CRC32C', Buffer.alloc(66560, 'a')), 'sOO8/Q==');
});

test('1 MiB: one shot equals many small updates, for every algorithm', () => {
  const data = randomBytes(1 << 20);
  for (const alg of ALGS) {
    const rnd = lcg(alg.length * 7919);
    assert.equal(pieces(alg, data, rnd), oneShot(alg, data), alg);
  }
});

test('agrees with reference implementations', async () => {
  for (const len of [0, 1, 7, 8, 9, 15, 16, 17, 1000, 65536 + 3]) {
    const data = randomBytes(len);
    // CRC32: zlib vs table
    const t = createTableCrc32();
    t.update(data);
    assert.equal(t.digest(), oneShot('CRC32', data), `crc32 len ${len}`);
    // CRC32C: @aws-crypto/crc32c
    const ref = Buffer.alloc(4);
    ref.writeUInt32BE(refCrc32c(data) >>> 0);
    assert.equal(oneShot('CRC32C', data), ref.toString('base64'), `crc32c len ${len}`);
    // CRC64NVME: @aws-sdk/crc64-nvme
    const r64 = new RefCrc64Nvme();
    r64.update(data);
    assert.equal(oneShot('CRC64NVME', data), Buffer.from(await r64.digest()).toString('base64'), `crc64 len ${len}`);
    // SHA1
    assert.equal(oneShot('SHA1', data), createHash('sha1').update(data).digest('base64'));
  }
});

test('digest() is repeatable', () => {
  for (const alg of ALGS) {
    const c = createChecksum(alg);
    c.update(Buffer.from('abc'));
    assert.equal(c.digest(), c.digest(), alg);
  }
});

test('header names and parsing', () => {
  assert.equal(checksumHeaderName('CRC32'), 'x-amz-checksum-crc32');
  assert.equal(checksumHeaderName('CRC64NVME'), 'x-amz-checksum-crc64nvme');
  assert.equal(checksumHeaderName('SHA256'), 'x-amz-checksum-sha256');
  assert.equal(parseChecksumAlgorithm('crc32'), 'CRC32');
  assert.equal(parseChecksumAlgorithm('CRC32C'), 'CRC32C');
  assert.equal(parseChecksumAlgorithm('x-amz-checksum-crc64nvme'), 'CRC64NVME');
  assert.equal(parseChecksumAlgorithm('X-Amz-Checksum-Sha1'), 'SHA1');
  assert.equal(parseChecksumAlgorithm(' sha256 '), 'SHA256');
  assert.equal(parseChecksumAlgorithm('md5'), undefined);
  assert.equal(parseChecksumAlgorithm('x-amz-checksum-'), undefined);
  assert.equal(parseChecksumAlgorithm(''), undefined);
});
