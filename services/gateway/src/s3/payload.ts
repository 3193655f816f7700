/**
 * Turns a request body into verified payload bytes: undoes aws-chunked
 * framing (verifying chunk signatures), and after the last byte checks the
 * signed SHA-256, Content-MD5 and x-amz-checksum-* (header or trailer).
 * Nothing is acknowledged before verify() has passed.
 */
import { pipeline } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { S3Error } from '@vaultx/s3-protocol';
import {
  checksumHeaderName,
  createAwsChunkedDecoder,
  parseChecksumAlgorithm,
  type AuthResult,
  type AwsChunkedDecoder,
  type ChecksumAlgorithm,
} from '@vaultx/sigv4';
import type { DigestResult } from '../data/digests.ts';
import { withIdleTimeout } from './idle-timeout.ts';

const ALGORITHMS: ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME'];

export interface StoredChecksum {
  algorithm: ChecksumAlgorithm;
  value: string;
  type: 'FULL_OBJECT' | 'COMPOSITE';
}

export interface Payload {
  stream: AsyncIterable<Buffer>;
  /** Payload length the client declared (decoded length for aws-chunked). */
  declaredLength?: number;
  needSha256: boolean;
  checksumAlgorithm?: ChecksumAlgorithm;
  /** Throws the S3 error a mismatch deserves; returns the checksum to store. */
  verify(d: DigestResult): StoredChecksum | undefined;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function parseLength(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{1,16}$/.test(v.trim())) throw new S3Error('InvalidArgument', `invalid ${name}`);
  return Number(v.trim());
}

function parseContentMd5(v: string | undefined): Buffer | undefined {
  if (v === undefined) return undefined;
  const b = Buffer.from(v, 'base64');
  if (b.length !== 16 || b.toString('base64') !== v.trim()) throw new S3Error('InvalidDigest');
  return b;
}

export function openPayload(
  req: IncomingMessage,
  auth: AuthResult,
  opts: {
    maxSize: number;
    requireLength: boolean;
    /** Take a body framed by Transfer-Encoding: chunked (its length known only at its end) although requireLength is set. */
    chunkedTransferOk?: boolean;
    /** A body with no byte for this long fails with RequestTimeout (VAULTX_BODY_IDLE_TIMEOUT_MS). */
    idleTimeoutMs: number;
  },
): Payload {
  const contentLength = parseLength(header(req, 'content-length'), 'Content-Length');
  const contentMd5 = parseContentMd5(header(req, 'content-md5'));

  // Which checksum: a value in a header, a promised trailer, or just an algorithm.
  let checksumAlgorithm: ChecksumAlgorithm | undefined;
  let expectedChecksum: string | undefined;
  for (const alg of ALGORITHMS) {
    const v = header(req, checksumHeaderName(alg));
    if (v !== undefined) {
      if (checksumAlgorithm) throw new S3Error('InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
      checksumAlgorithm = alg;
      expectedChecksum = v.trim();
    }
  }
  const trailerHeader = header(req, 'x-amz-trailer');
  let trailerName: string | undefined;
  if (trailerHeader !== undefined) {
    const alg = parseChecksumAlgorithm(trailerHeader.trim());
    if (!alg) throw new S3Error('InvalidRequest', `The value specified in the x-amz-trailer header is not supported`);
    if (checksumAlgorithm && checksumAlgorithm !== alg) throw new S3Error('InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
    checksumAlgorithm = alg;
    trailerName = checksumHeaderName(alg);
  }
  const sdkAlg = header(req, 'x-amz-sdk-checksum-algorithm');
  if (sdkAlg !== undefined) {
    const alg = parseChecksumAlgorithm(sdkAlg.trim());
    if (!alg) throw new S3Error('InvalidRequest', 'Value for x-amz-sdk-checksum-algorithm header is invalid.');
    if (checksumAlgorithm && checksumAlgorithm !== alg) throw new S3Error('InvalidRequest', 'Value for x-amz-sdk-checksum-algorithm header is invalid.');
    checksumAlgorithm = alg;
  }

  let stream: AsyncIterable<Buffer>;
  let declaredLength: number | undefined;
  let decoder: AwsChunkedDecoder | undefined;
  if (auth.payload.kind === 'chunked') {
    declaredLength = parseLength(header(req, 'x-amz-decoded-content-length'), 'x-amz-decoded-content-length');
    if (declaredLength === undefined && opts.requireLength) throw new S3Error('MissingContentLength');
    decoder = createAwsChunkedDecoder(auth.payload, { expectedDecodedLength: declaredLength });
    if (trailerName && !auth.payload.trailer) throw new S3Error('InvalidRequest', 'x-amz-trailer requires a STREAMING-*-TRAILER payload');
    // Errors on either side surface when the decoder is read.
    stream = pipeline(req, decoder, () => undefined);
  } else {
    if (trailerName) throw new S3Error('InvalidRequest', 'x-amz-trailer requires a STREAMING-*-TRAILER payload');
    declaredLength = contentLength;
    if (declaredLength === undefined && opts.requireLength && !opts.chunkedTransferOk && header(req, 'transfer-encoding') !== undefined) {
      throw new S3Error('MissingContentLength');
    }
    stream = req;
  }
  if (declaredLength !== undefined && declaredLength > opts.maxSize) throw new S3Error('EntityTooLarge', undefined, { ProposedSize: declaredLength, MaxSizeAllowed: opts.maxSize });
  // a body that stops arriving is a 400 RequestTimeout, never a request left waiting
  stream = withIdleTimeout(stream, opts.idleTimeoutMs, () => new S3Error('RequestTimeout'));

  const payloadMode = auth.payload;
  return {
    stream,
    declaredLength,
    needSha256: payloadMode.kind === 'sha256',
    checksumAlgorithm,
    verify(d: DigestResult): StoredChecksum | undefined {
      if (declaredLength !== undefined && d.length !== declaredLength) throw new S3Error('IncompleteBody');
      if (payloadMode.kind === 'sha256' && d.sha256 && d.sha256.toString('hex') !== payloadMode.expectedSha256.toLowerCase()) {
        throw new S3Error('XAmzContentSHA256Mismatch', undefined, {
          ClientComputedContentSHA256: payloadMode.expectedSha256,
          S3ComputedContentSHA256: d.sha256.toString('hex'),
        });
      }
      if (contentMd5 && !contentMd5.equals(d.md5)) {
        throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.', {
          ExpectedDigest: contentMd5.toString('base64'),
          CalculatedDigest: d.md5.toString('base64'),
        });
      }
      if (!checksumAlgorithm || d.checksum === undefined) return undefined;
      const expected = trailerName ? decoder?.trailers[trailerName] : expectedChecksum;
      if (trailerName && expected === undefined) {
        throw new S3Error('InvalidRequest', `The x-amz-trailer ${trailerName} was declared but not sent.`);
      }
      if (expected !== undefined && expected !== d.checksum) {
        throw new S3Error('BadDigest', `The ${checksumAlgorithm} you specified did not match the calculated checksum.`);
      }
      return { algorithm: checksumAlgorithm, value: d.checksum, type: 'FULL_OBJECT' };
    },
  };
}
