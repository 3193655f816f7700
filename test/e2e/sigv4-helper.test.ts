/**
 * Pins the tests' own SigV4 signer and checksum helpers to published values,
 * so that the e2e tests that use them check the server against AWS's
 * definition, not against themselves. Needs no server.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import {
  signHeaders,
  chunkSignature,
  encodeSignedChunked,
  encodeUnsignedChunked,
  presignQuery,
  STREAMING_SIGNED,
  EMPTY_SHA256,
} from './lib/sigv4.ts';
import { b64, crc32Num, crc32cNum, crc64nvmeNum } from './lib/checksums.ts';

const EXAMPLE = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const EXAMPLE_DATE = new Date(Date.UTC(2013, 4, 24, 0, 0, 0));

describe('test SigV4 signer', () => {
  it('matches the AWS example "GET Object" (header auth)', () => {
    // S3 API reference, "Signature Calculations for the Authorization Header", example GET Object.
    const s = signHeaders(
      { creds: EXAMPLE, region: 'us-east-1', date: EXAMPLE_DATE },
      {
        method: 'GET',
        encodedPath: '/test.txt',
        query: [],
        headers: {
          host: 'examplebucket.s3.amazonaws.com',
          range: 'bytes=0-9',
          'x-amz-content-sha256': EMPTY_SHA256,
          'x-amz-date': '20130524T000000Z',
        },
        payloadHash: EMPTY_SHA256,
      },
    );
    assert.equal(s.signature, 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');
  });

  it('matches the AWS aws-chunked example (seed and chunk signatures)', () => {
    // S3 API reference, "Signature Calculations for the Authorization Header:
    // Transferring Payload in Multiple Chunks", example: 66560 bytes of 'a' in 64 KiB chunks.
    const payload = Buffer.alloc(66560, 'a');
    const s = signHeaders(
      { creds: EXAMPLE, region: 'us-east-1', date: EXAMPLE_DATE },
      {
        method: 'PUT',
        encodedPath: '/examplebucket/chunkObject.txt',
        query: [],
        headers: {
          host: 's3.amazonaws.com',
          'content-encoding': 'aws-chunked',
          'content-length': '66824',
          'x-amz-content-sha256': STREAMING_SIGNED,
          'x-amz-date': '20130524T000000Z',
          'x-amz-decoded-content-length': '66560',
          'x-amz-storage-class': 'REDUCED_REDUNDANCY',
        },
        payloadHash: STREAMING_SIGNED,
      },
    );
    assert.equal(s.signature, '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9');
    const signer = { signingKey: s.signingKey, dateTime: s.dateTime, scope: s.scope, seedSignature: s.signature };
    const c1 = chunkSignature(signer, s.signature, payload.subarray(0, 65536));
    assert.equal(c1, 'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648');
    const c2 = chunkSignature(signer, c1, payload.subarray(65536));
    assert.equal(c2, '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497');
    const c3 = chunkSignature(signer, c2, new Uint8Array(0));
    assert.equal(c3, 'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9');
    const body = encodeSignedChunked(payload, signer);
    assert.equal(body.length, 66824);
    assert.ok(body.subarray(0, 86).toString().startsWith('10000;chunk-signature=ad80c730'));
    assert.ok(body.toString('latin1').endsWith(`0;chunk-signature=${c3}\r\n\r\n`));
  });

  it('agrees with @smithy/signature-v4 on header auth with a query string and odd key', async () => {
    const date = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
    const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret/with+chars' };
    const smithy = new SignatureV4({ credentials: creds, region: 'us-east-1', service: 's3', sha256: Sha256, uriEscapePath: false, applyChecksum: false });
    const path = '/bkt/' + encodeURIComponent('a b&c/ü').replace(/%2F/g, '/');
    const req = new HttpRequest({
      method: 'GET',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 9000,
      path,
      query: { 'list-type': '2', prefix: 'x y', 'encoding-type': 'url' },
      headers: { host: '127.0.0.1:9000', 'x-amz-content-sha256': EMPTY_SHA256, 'x-amz-meta-a': '  v  ' },
    });
    const signed = await smithy.sign(req, { signingDate: date });
    const sig = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))?.[1];
    const mine = signHeaders(
      { creds, region: 'us-east-1', date },
      {
        method: 'GET',
        encodedPath: path,
        query: [
          ['list-type', '2'],
          ['prefix', 'x y'],
          ['encoding-type', 'url'],
        ],
        headers: {
          host: '127.0.0.1:9000',
          'x-amz-content-sha256': EMPTY_SHA256,
          'x-amz-meta-a': '  v  ',
          'x-amz-date': '20240102T030405Z',
        },
        payloadHash: EMPTY_SHA256,
      },
    );
    assert.equal(mine.signature, sig);
  });

  it('agrees with @smithy/signature-v4 on presigned URLs', async () => {
    const date = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
    const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
    const smithy = new SignatureV4({ credentials: creds, region: 'us-east-1', service: 's3', sha256: Sha256, uriEscapePath: false, applyChecksum: false });
    const req = new HttpRequest({
      method: 'GET',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 9000,
      path: '/bkt/k',
      query: { 'x-id': 'GetObject' },
      headers: { host: '127.0.0.1:9000', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    });
    const signed = await smithy.presign(req, { signingDate: date, expiresIn: 60 });
    const standard = new Set(['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature']);
    const extra = Object.entries(signed.query ?? {})
      .filter(([k]) => !standard.has(k))
      .map(([k, v]) => [k, String(v)] as [string, string]);
    assert.ok(extra.some(([k]) => k.toLowerCase() === 'x-amz-content-sha256'));
    const q = presignQuery({ creds, region: 'us-east-1', date }, { method: 'GET', encodedPath: '/bkt/k', query: extra, host: '127.0.0.1:9000', expiresSeconds: 60 });
    assert.equal(q.find(([k]) => k === 'X-Amz-Signature')?.[1], signed.query?.["X-Amz-Signature"]);
  });

  it('frames unsigned aws-chunked bodies with trailers', () => {
    const body = encodeUnsignedChunked(Buffer.from('hello world'), { chunkSize: 5, trailers: [['x-amz-checksum-crc32', 'DUoRhQ==']] });
    assert.equal(body.toString(), '5\r\nhello\r\n5\r\n worl\r\n1\r\nd\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n');
  });
});

describe('test checksum helpers', () => {
  const check = Buffer.from('123456789');
  it('CRC32 / CRC32C / CRC64-NVME check values', () => {
    assert.equal(crc32Num(check), 0xcbf43926);
    assert.equal(crc32cNum(check), 0xe3069283);
    assert.equal(crc64nvmeNum(check), 0xae8b14860a799888n);
  });
  it('base64 big-endian forms', () => {
    assert.equal(b64.crc32(Buffer.from('hello world')), 'DUoRhQ==');
    assert.equal(b64.crc32(Buffer.alloc(0)), 'AAAAAA==');
    assert.equal(b64.sha256(Buffer.alloc(0)), '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
  });
});
