import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { S3Error } from '@vaultx/s3-protocol';
import { authenticate, createAwsChunkedDecoder, createChecksum, type PayloadMode } from './index.ts';
import { trailerSignature } from './chunked.ts';
import { lookup, rejects, SK } from './test-util.ts';

type Mode = Extract<PayloadMode, { kind: 'chunked' }>;

const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const DOC_NOW = new Date('2013-05-24T00:00:30Z');
const DOC_OPTS = { region: 'us-east-1' };

// ---------------------------------------------------------------------------
// helpers (an independent encoder, written from the AWS doc, not from chunked.ts)

const hmac = (key: Buffer | string, s: string): Buffer => createHmac('sha256', key).update(s).digest();
const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

function signingKey(secret: string, date: string, region: string): Buffer {
  return hmac(hmac(hmac(hmac('AWS4' + secret, date), region), 's3'), 'aws4_request');
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function split(buf: Buffer, rnd: () => number, max: number): Buffer[] {
  const out: Buffer[] = [];
  let i = 0;
  while (i < buf.length) {
    const r = rnd();
    const n = r < 0.2 ? 1 : Math.max(1, Math.floor(rnd() * max));
    out.push(Buffer.from(buf.subarray(i, i + n)));
    i += n;
  }
  return out;
}

interface Encoded {
  body: Buffer;
  mode: Mode;
}

/** Build a signed aws-chunked body (optionally with signed trailers). */
function encodeSigned(data: Buffer, chunkSize: number, trailers?: [string, string][]): Encoded {
  const amzDate = '20240301T120000Z';
  const scope = '20240301/us-east-1/s3/aws4_request';
  const key = signingKey(SK, '20240301', 'us-east-1');
  const seed = randomBytes(32).toString('hex');
  let prev = seed;
  const parts: Buffer[] = [];
  const chunk = (d: Buffer): void => {
    const sig = hmac(key, `AWS4-HMAC-SHA256-PAYLOAD\n${amzDate}\n${scope}\n${prev}\n${EMPTY}\n${sha(d)}`).toString('hex');
    prev = sig;
    parts.push(Buffer.from(`${d.length.toString(16)};chunk-signature=${sig}\r\n`), d);
    if (d.length > 0) parts.push(Buffer.from('\r\n'));
  };
  for (let i = 0; i < data.length; i += chunkSize) chunk(data.subarray(i, i + chunkSize));
  chunk(Buffer.alloc(0));
  if (trailers) {
    let canon = '';
    for (const [n, v] of [...trailers].sort((a, b) => (a[0] < b[0] ? -1 : 1))) canon += `${n}:${v}\n`;
    const tsig = hmac(key, `AWS4-HMAC-SHA256-TRAILER\n${amzDate}\n${scope}\n${prev}\n${sha(canon)}`).toString('hex');
    for (const [n, v] of trailers) parts.push(Buffer.from(`${n}:${v}\r\n`));
    parts.push(Buffer.from(`x-amz-trailer-signature:${tsig}\r\n`));
  }
  parts.push(Buffer.from('\r\n'));
  return {
    body: Buffer.concat(parts),
    mode: { kind: 'chunked', signed: true, trailer: !!trailers, seedSignature: seed, signingKey: key, scope, amzDate },
  };
}

/** The unsigned-trailer body as the JS SDK v3 writes it. */
function encodeUnsignedTrailer(data: Buffer, chunkSize: number, trailers: [string, string][], finalCrlf = true): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunkSize) {
    const d = data.subarray(i, i + chunkSize);
    parts.push(Buffer.from(`${d.length.toString(16)}\r\n`), d, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\n'));
  for (const [n, v] of trailers) parts.push(Buffer.from(`${n}:${v}\r\n`));
  if (finalCrlf) parts.push(Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

const UNSIGNED_TRAILER_MODE: Mode = {
  kind: 'chunked',
  signed: false,
  trailer: true,
  seedSignature: '',
  signingKey: Buffer.alloc(32),
  scope: '',
  amzDate: '',
};

async function decode(
  mode: Mode,
  pieces: Buffer[],
  opts?: { expectedDecodedLength?: number },
): Promise<{ out: Buffer; trailers: Record<string, string>; decodedLength: number }> {
  const dec = createAwsChunkedDecoder(mode, opts);
  const got: Buffer[] = [];
  await pipeline(
    Readable.from(pieces),
    dec,
    new Writable({
      write(c: Buffer, _e, cb) {
        got.push(c);
        cb();
      },
    }),
  );
  return { out: Buffer.concat(got), trailers: dec.trailers, decodedLength: dec.decodedLength };
}

function crc(alg: 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA256', data: Buffer): string {
  const c = createChecksum(alg);
  c.update(data);
  return c.digest();
}

// ---------------------------------------------------------------------------
// AWS documentation examples

const DOC_SIGS = [
  'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
  '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
  'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
];

function docBody(sigs: string[], tail: string): Buffer {
  return Buffer.concat([
    Buffer.from(`10000;chunk-signature=${sigs[0]}\r\n`),
    Buffer.alloc(65536, 'a'),
    Buffer.from(`\r\n400;chunk-signature=${sigs[1]}\r\n`),
    Buffer.alloc(1024, 'a'),
    Buffer.from(`\r\n0;chunk-signature=${sigs[2]}\r\n${tail}`),
  ]);
}

async function docSeed(): Promise<Mode> {
  const r = await authenticate(
    {
      method: 'PUT',
      rawUrl: '/examplebucket/chunkObject.txt',
      headers: {
        host: 's3.amazonaws.com',
        'x-amz-date': '20130524T000000Z',
        'x-amz-storage-class': 'REDUCED_REDUNDANCY',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,' +
          'SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,' +
          'Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
        'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': '66560',
        'content-length': '66824',
      },
      now: DOC_NOW,
    },
    lookup,
    DOC_OPTS,
  );
  assert.ok(r && r.payload.kind === 'chunked');
  return r.payload;
}

test('AWS doc chunked example: seed signature, 64 KiB chunks, random piece sizes', async () => {
  const mode = await docSeed();
  assert.equal(mode.seedSignature, '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9');
  assert.equal(mode.signed, true);
  assert.equal(mode.trailer, false);
  const body = docBody(DOC_SIGS, '\r\n');
  assert.equal(body.length, 66824);
  for (const [seed, max] of [[1, 2], [2, 17], [3, 1000], [4, 70000]] as const) {
    const { out, decodedLength, trailers } = await decode(mode, split(body, lcg(seed), max), { expectedDecodedLength: 66560 });
    assert.equal(decodedLength, 66560);
    assert.ok(out.equals(Buffer.alloc(66560, 'a')));
    assert.deepEqual(trailers, {});
  }
  // whole body in one piece, and without the final CRLF
  assert.equal((await decode(mode, [body])).out.length, 66560);
  assert.equal((await decode(mode, [body.subarray(0, body.length - 2)])).out.length, 66560);
});

test('AWS doc chunked example: any flipped payload byte or signature → SignatureDoesNotMatch', async () => {
  const mode = await docSeed();
  const body = docBody(DOC_SIGS, '\r\n');
  for (const pos of [88, 200, 88 + 65535, 65626 + 86, 65626 + 86 + 1023]) {
    const bad = Buffer.from(body);
    assert.equal(bad[pos], 0x61, `position ${pos} is payload`);
    bad[pos] = 0x62;
    await rejects(decode(mode, split(bad, lcg(pos), 4096)), 'SignatureDoesNotMatch', (e) => assert.equal(e.status, 403));
  }
  // each of the three signatures, including the final zero-length chunk's
  for (let i = 0; i < 3; i++) {
    const sigs = [...DOC_SIGS];
    sigs[i] = sigs[i].slice(0, -1) + (sigs[i].endsWith('0') ? '1' : '0');
    await rejects(decode(mode, [docBody(sigs, '\r\n')]), 'SignatureDoesNotMatch');
  }
  // a different seed (e.g. another request's) fails at the first chunk
  await rejects(decode({ ...mode, seedSignature: '0'.repeat(64) }, [body]), 'SignatureDoesNotMatch');
});

test('AWS doc chunked example: truncation and length mismatches', async () => {
  const mode = await docSeed();
  const body = docBody(DOC_SIGS, '\r\n');
  for (const cut of [10, 88, 50000, 65626, 66700, 66824 - 86]) {
    await rejects(decode(mode, [body.subarray(0, cut)]), 'IncompleteBody');
  }
  await rejects(decode(mode, [body], { expectedDecodedLength: 66561 }), 'IncompleteBody');
  await rejects(decode(mode, [body], { expectedDecodedLength: 1000 }), 'IncompleteBody');
  await rejects(decode(mode, [Buffer.concat([body, Buffer.from('junk')])]), 'InvalidRequest');
});

const TRAILER_SIGS = [
  'b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2',
  '1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7',
  '2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992',
];
const TRAILER_SIG = 'd81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435';

async function trailerDocSeed(): Promise<Mode> {
  const r = await authenticate(
    {
      method: 'PUT',
      rawUrl: '/examplebucket/chunkObject.txt',
      headers: {
        host: 's3.amazonaws.com',
        'x-amz-date': '20130524T000000Z',
        'x-amz-storage-class': 'REDUCED_REDUNDANCY',
        'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': '66560',
        'x-amz-trailer': 'x-amz-checksum-crc32c',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,' +
          'SignedHeaders=content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer,' +
          'Signature=106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e',
      },
      now: DOC_NOW,
    },
    lookup,
    DOC_OPTS,
  );
  assert.ok(r && r.payload.kind === 'chunked');
  assert.equal(r.payload.trailer, true);
  assert.equal(r.payload.signed, true);
  return r.payload;
}

test('AWS doc trailer example: signed chunks and a signed x-amz-checksum-crc32c trailer', async () => {
  const mode = await trailerDocSeed();
  const tail = `x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:${TRAILER_SIG}\r\n\r\n`;
  const body = docBody(TRAILER_SIGS, tail);
  for (const [seed, max] of [[5, 3], [6, 4096], [7, 100000]] as const) {
    const { out, trailers } = await decode(mode, split(body, lcg(seed), max), { expectedDecodedLength: 66560 });
    assert.ok(out.equals(Buffer.alloc(66560, 'a')));
    assert.deepEqual(trailers, { 'x-amz-checksum-crc32c': 'sOO8/Q==' });
    assert.equal(crc('CRC32C', out), trailers['x-amz-checksum-crc32c']);
  }
  // tolerated variations: a blank line before the trailers, no final CRLF
  const variant = docBody(TRAILER_SIGS, `\r\nx-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:${TRAILER_SIG}\r\n`);
  assert.deepEqual((await decode(mode, [variant])).trailers, { 'x-amz-checksum-crc32c': 'sOO8/Q==' });
  const noCrlf = docBody(TRAILER_SIGS, `x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:${TRAILER_SIG}`);
  assert.deepEqual((await decode(mode, [noCrlf])).trailers, { 'x-amz-checksum-crc32c': 'sOO8/Q==' });

  // a changed trailer value or signature, or a missing signature
  const changed = docBody(TRAILER_SIGS, `x-amz-checksum-crc32c:AAAAAA==\r\nx-amz-trailer-signature:${TRAILER_SIG}\r\n\r\n`);
  await rejects(decode(mode, [changed]), 'SignatureDoesNotMatch');
  const badSig = docBody(TRAILER_SIGS, `x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:${'0'.repeat(64)}\r\n\r\n`);
  await rejects(decode(mode, [badSig]), 'SignatureDoesNotMatch');
  const noSig = docBody(TRAILER_SIGS, 'x-amz-checksum-crc32c:sOO8/Q==\r\n\r\n');
  await rejects(decode(mode, [noSig]), 'IncompleteBody');
  // an extra unsigned trailer smuggled in changes the signed block
  const extra = docBody(TRAILER_SIGS, `x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-meta-evil:1\r\nx-amz-trailer-signature:${TRAILER_SIG}\r\n\r\n`);
  await rejects(decode(mode, [extra]), 'SignatureDoesNotMatch');
});

test('trailer signature known answer (AWS doc / minio-go vector)', () => {
  const mode = {
    amzDate: '20130524T000000Z',
    scope: '20130524/us-east-1/s3/aws4_request',
    signingKey: signingKey('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '20130524', 'us-east-1'),
  };
  assert.equal(
    trailerSignature(mode, 'e05ab64fe1dfdbf0b5870abbaabdb063c371d4e96f2767e6934d90529c5ae850', 'x-amz-checksum-crc32c:wdBDMA==\n'),
    '41e14ac611e27a8bb3d66c3bad6856f209297767d5dd4fc87d8fa9e422e03faf',
  );
});

// ---------------------------------------------------------------------------
// Own bodies, all modes

test('signed chunks without trailer: various chunk sizes and piece sizes', async () => {
  const data = randomBytes(300_000);
  for (const chunkSize of [1, 1000, 8192, 65536, 300_000, 1 << 20]) {
    const d = chunkSize === 1 ? data.subarray(0, 3000) : data;
    const { body, mode } = encodeSigned(d, chunkSize);
    const { out } = await decode(mode, split(body, lcg(chunkSize), 9000), { expectedDecodedLength: d.length });
    assert.ok(out.equals(d), `chunk size ${chunkSize}`);
  }
  // empty payload: just the zero chunk
  const empty = encodeSigned(Buffer.alloc(0), 8192);
  assert.equal((await decode(empty.mode, [empty.body], { expectedDecodedLength: 0 })).out.length, 0);
});

test('signed trailer with several trailers (canonical block sorted by name)', async () => {
  const data = randomBytes(100_000);
  const trailers: [string, string][] = [
    ['x-amz-checksum-crc64nvme', crc('CRC64NVME', data)],
    ['x-amz-checksum-crc32', crc('CRC32', data)],
  ];
  const { body, mode } = encodeSigned(data, 16384, trailers);
  const r = await decode(mode, split(body, lcg(9), 333));
  assert.ok(r.out.equals(data));
  assert.deepEqual(r.trailers, Object.fromEntries(trailers));
  // flip a data byte
  const bad = Buffer.from(body);
  bad[5000] ^= 1;
  await rejects(decode(mode, [bad]), 'SignatureDoesNotMatch');
});

test('unsigned trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER, JS SDK framing)', async () => {
  const data = randomBytes(200_000);
  const sum = crc('CRC32', data);
  for (const finalCrlf of [true, false]) {
    const body = encodeUnsignedTrailer(data, 65536, [['x-amz-checksum-crc32', sum]], finalCrlf);
    for (const max of [1, 50, 70000]) {
      const r = await decode(UNSIGNED_TRAILER_MODE, split(body, lcg(max), max + 1), { expectedDecodedLength: data.length });
      assert.ok(r.out.equals(data));
      assert.deepEqual(r.trailers, { 'x-amz-checksum-crc32': sum });
      assert.equal(crc('CRC32', r.out), r.trailers['x-amz-checksum-crc32']);
    }
  }
  // upper-case hex sizes and chunk extensions are tolerated in unsigned mode
  const odd = Buffer.concat([
    Buffer.from('A;foo=bar\r\n'),
    Buffer.from('0123456789'),
    Buffer.from('\r\n0;chunk-signature=whatever\r\nX-Amz-Checksum-CRC32C: '),
    Buffer.from(crc('CRC32C', Buffer.from('0123456789'))),
    Buffer.from(' \r\n\r\n'),
  ]);
  const r = await decode(UNSIGNED_TRAILER_MODE, [odd]);
  assert.equal(r.out.toString(), '0123456789');
  assert.deepEqual(r.trailers, { 'x-amz-checksum-crc32c': crc('CRC32C', Buffer.from('0123456789')) });
  // LF-only line endings
  const lf = Buffer.from('5\nhello\n0\nx-amz-checksum-crc32:abc=\n\n');
  assert.equal((await decode(UNSIGNED_TRAILER_MODE, [lf])).out.toString(), 'hello');
  // no trailers at all
  assert.equal((await decode(UNSIGNED_TRAILER_MODE, [Buffer.from('5\r\nhello\r\n0\r\n\r\n')])).out.toString(), 'hello');
});

test('malformed framing → 400-class S3Error, never a crash', async () => {
  const { mode } = encodeSigned(Buffer.from('x'), 10);
  const sig = 'a'.repeat(64);
  const cases: [Mode, string, string][] = [
    [UNSIGNED_TRAILER_MODE, 'zz\r\nhello\r\n0\r\n\r\n', 'InvalidRequest'],
    [UNSIGNED_TRAILER_MODE, '\r\n', 'InvalidRequest'],
    [UNSIGNED_TRAILER_MODE, '-5\r\nhello\r\n', 'InvalidRequest'],
    [UNSIGNED_TRAILER_MODE, '1000001\r\n', 'InvalidRequest'], // 16 MiB + 1
    [UNSIGNED_TRAILER_MODE, 'fffffffffffffffff\r\n', 'InvalidRequest'],
    [UNSIGNED_TRAILER_MODE, '5\r\nhelloXX0\r\n\r\n', 'InvalidRequest'],
    [UNSIGNED_TRAILER_MODE, '5\r\nhello\r\n0\r\nno-colon-here\r\n\r\n', 'InvalidRequest'],
    [UNSIGNED_TRAILER_MODE, '5\r\nhello\r\n0\r\na:1\r\na:2\r\n\r\n', 'InvalidRequest'],
    [UNSIGNED_TRAILER_MODE, `${'1'.repeat(5000)}\r\n`, 'InvalidRequest'],
    [UNSIGNED_TRAILER_MODE, '5\r\nhel', 'IncompleteBody'],
    [UNSIGNED_TRAILER_MODE, '5\r\nhello\r\n', 'IncompleteBody'],
    [UNSIGNED_TRAILER_MODE, '', 'IncompleteBody'],
    [mode, '1\r\nx\r\n0\r\n\r\n', 'InvalidRequest'], // signed mode needs chunk-signature
    [mode, '1;chunk-signature=abc\r\nx\r\n', 'InvalidRequest'],
    [mode, `1;chunk-signature=${sig}\r\nx\r\n`, 'SignatureDoesNotMatch'],
    [{ ...mode, trailer: false }, '', 'IncompleteBody'],
  ];
  for (const [m, body, code] of cases) {
    await rejects(decode(m, [Buffer.from(body)]), code, (e) => assert.ok(e.status >= 400 && e.status < 500, body));
  }
  // trailers in a signed stream that declared none
  const plain = encodeSigned(Buffer.from('hello'), 10);
  const withTrailer = Buffer.concat([plain.body.subarray(0, plain.body.length - 2), Buffer.from('x-amz-checksum-crc32:AAAAAA==\r\n\r\n')]);
  await rejects(decode(plain.mode, [withTrailer]), 'InvalidRequest');
  // bad expectedDecodedLength
  assert.throws(() => createAwsChunkedDecoder(UNSIGNED_TRAILER_MODE, { expectedDecodedLength: -1 }), S3Error);
});

test('fuzz: random corruption yields data or an S3Error, nothing else', async () => {
  const data = randomBytes(5000);
  const signed = encodeSigned(data, 1000, [['x-amz-checksum-crc32', crc('CRC32', data)]]);
  const unsigned = encodeUnsignedTrailer(data, 1000, [['x-amz-checksum-crc32', crc('CRC32', data)]]);
  const rnd = lcg(42);
  for (let i = 0; i < 400; i++) {
    const [mode, src] = i % 2 ? [signed.mode, signed.body] : [UNSIGNED_TRAILER_MODE, unsigned];
    const bad = Buffer.from(src);
    const flips = 1 + Math.floor(rnd() * 4);
    for (let f = 0; f < flips; f++) {
      const pos = Math.floor(rnd() * bad.length);
      bad[pos] = [0x0d, 0x0a, 0x3b, 0x3a, 0x30, 0x66, 0x20, Math.floor(rnd() * 256)][Math.floor(rnd() * 8)];
    }
    const cut = rnd() < 0.2 ? Math.floor(rnd() * bad.length) : bad.length;
    try {
      await decode(mode, split(bad.subarray(0, cut), rnd, 700));
    } catch (e) {
      assert.ok(e instanceof S3Error, `non-S3Error: ${String(e)}`);
      assert.ok(e.status === 400 || e.status === 403, `${e.code} ${e.status}`);
    }
  }
});

test('large body streams through in bounded pieces (64 MiB, 4 MiB chunks, signed)', async () => {
  const total = 64 * 1024 * 1024;
  const chunkSize = 4 * 1024 * 1024;
  const block = randomBytes(chunkSize);
  const amzDate = '20240301T120000Z';
  const scope = '20240301/us-east-1/s3/aws4_request';
  const key = signingKey(SK, '20240301', 'us-east-1');
  const seed = 'f'.repeat(64);
  const blockHash = sha(block);
  async function* frames(): AsyncGenerator<Buffer> {
    let prev = seed;
    for (let sent = 0; sent < total; sent += chunkSize) {
      const sig = hmac(key, `AWS4-HMAC-SHA256-PAYLOAD\n${amzDate}\n${scope}\n${prev}\n${EMPTY}\n${blockHash}`).toString('hex');
      prev = sig;
      yield Buffer.from(`${chunkSize.toString(16)};chunk-signature=${sig}\r\n`);
      for (let i = 0; i < chunkSize; i += 65536) yield block.subarray(i, i + 65536);
      yield Buffer.from('\r\n');
    }
    const last = hmac(key, `AWS4-HMAC-SHA256-PAYLOAD\n${amzDate}\n${scope}\n${prev}\n${EMPTY}\n${EMPTY}`).toString('hex');
    yield Buffer.from(`0;chunk-signature=${last}\r\n\r\n`);
  }
  const dec = createAwsChunkedDecoder(
    { kind: 'chunked', signed: true, trailer: false, seedSignature: seed, signingKey: key, scope, amzDate },
    { expectedDecodedLength: total },
  );
  let seen = 0;
  let maxPiece = 0;
  const before = process.memoryUsage().arrayBuffers;
  let peak = before;
  await pipeline(
    Readable.from(frames()),
    dec,
    new Writable({
      write(c: Buffer, _e, cb) {
        seen += c.length;
        maxPiece = Math.max(maxPiece, c.length);
        peak = Math.max(peak, process.memoryUsage().arrayBuffers);
        setImmediate(cb); // a slow consumer, so backpressure matters
      },
    }),
  );
  assert.equal(seen, total);
  assert.equal(dec.decodedLength, total);
  assert.ok(maxPiece <= 65536, `pieces are passed through, not accumulated (max ${maxPiece})`);
  assert.ok(peak - before < 32 * 1024 * 1024, `memory stayed bounded (+${peak - before} bytes)`);
});
