/**
 * The aws-chunked decoder: framed bytes in, payload bytes out.
 *
 * Wire format (S3 "Signature Calculations for the Authorization Header:
 * Transferring Payload in Multiple Chunks", "... Including Trailing Headers"):
 *
 *   signed:           hex(size);chunk-signature=SIG\r\n DATA \r\n ... 0;chunk-signature=SIG\r\n \r\n
 *   signed trailer:   ... 0;chunk-signature=SIG\r\n name:value\r\n x-amz-trailer-signature:SIG\r\n \r\n
 *   unsigned trailer: hex(size)\r\n DATA \r\n ... 0\r\n name:value\r\n \r\n
 *
 * chunk SIG   = HMAC(key, "AWS4-HMAC-SHA256-PAYLOAD\n" date "\n" scope "\n" prevSig "\n" sha256("") "\n" sha256(DATA))
 * trailer SIG = HMAC(key, "AWS4-HMAC-SHA256-TRAILER\n" date "\n" scope "\n" prevSig "\n" sha256("name:value\n"...))
 *
 * Payload bytes stream through as they arrive (slices of the input, no copy);
 * a chunk's signature is checked when its last byte has passed, so a consumer
 * must treat the data as provisional until the stream ends without error (the
 * object store commits only on 'finish'). Memory stays bounded: only a chunk
 * header line (<= 4 KiB) and the trailer section (<= 16 KiB) are buffered.
 *
 * Tolerated client variations: LF without CR, a missing final CRLF, blank
 * lines between the last chunk and the trailers, chunk extensions in unsigned
 * mode, upper-case hex.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { S3Error } from '@vaultx/s3-protocol';
import { EMPTY_SHA256, hmacSha256Hex, sha256Hex, timingSafeEqualHex } from './encoding.ts';
import type { PayloadMode } from './types.ts';

export type ChunkedMode = Extract<PayloadMode, { kind: 'chunked' }>;

export interface AwsChunkedDecoder extends Transform {
  /** lowercase names; available after 'end' */
  readonly trailers: Record<string, string>;
  /** payload bytes emitted so far */
  readonly decodedLength: number;
}

export interface AwsChunkedDecoderOptions {
  /** from x-amz-decoded-content-length; a different total is IncompleteBody */
  expectedDecodedLength?: number;
}

export const MAX_CHUNK_SIZE = 16 * 1024 * 1024;
const MAX_LINE = 4096;
const MAX_TRAILER_BYTES = 16 * 1024;
const MAX_TRAILERS = 64;

export function chunkStringToSign(mode: Pick<ChunkedMode, 'amzDate' | 'scope'>, prevSignature: string, chunkSha256Hex: string): string {
  return `AWS4-HMAC-SHA256-PAYLOAD\n${mode.amzDate}\n${mode.scope}\n${prevSignature}\n${EMPTY_SHA256}\n${chunkSha256Hex}`;
}

export function chunkSignature(mode: Pick<ChunkedMode, 'amzDate' | 'scope' | 'signingKey'>, prevSignature: string, chunkSha256Hex: string): string {
  return hmacSha256Hex(mode.signingKey, chunkStringToSign(mode, prevSignature, chunkSha256Hex));
}

/** Canonical trailer block: "name:value\n" per trailer (names lower-cased, values trimmed), in the given order. */
export function canonicalTrailers(entries: [string, string][]): string {
  return entries.map(([n, v]) => `${n.toLowerCase()}:${v.trim().replace(/\s+/g, ' ')}\n`).join('');
}

export function trailerSignature(
  mode: Pick<ChunkedMode, 'amzDate' | 'scope' | 'signingKey'>,
  prevSignature: string,
  canonicalTrailerBlock: string,
): string {
  const sts = `AWS4-HMAC-SHA256-TRAILER\n${mode.amzDate}\n${mode.scope}\n${prevSignature}\n${sha256Hex(canonicalTrailerBlock)}`;
  return hmacSha256Hex(mode.signingKey, sts);
}

function malformed(msg: string): S3Error {
  return new S3Error('InvalidRequest', `Malformed aws-chunked body: ${msg}`);
}

type State = 'header' | 'data' | 'dataCR' | 'dataLF' | 'trailer' | 'done';

class Decoder extends Transform implements AwsChunkedDecoder {
  readonly #mode: ChunkedMode;
  readonly #expected: number | undefined;
  #state: State = 'header';
  #line: Buffer[] = [];
  #lineLen = 0;
  #remaining = 0;
  #chunkSig = '';
  #hash: Hash | undefined;
  #prevSig: string;
  #decoded = 0;
  #trailerBytes = 0;
  #trailerEntries: [string, string][] = [];
  #trailerSig: string | undefined;
  #trailers: Record<string, string> = {};

  constructor(mode: ChunkedMode, opts: AwsChunkedDecoderOptions) {
    super();
    this.#mode = mode;
    this.#expected = opts.expectedDecodedLength;
    this.#prevSig = mode.seedSignature.toLowerCase();
  }

  get trailers(): Record<string, string> {
    return { ...this.#trailers };
  }

  get decodedLength(): number {
    return this.#decoded;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      this.#consume(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      cb();
    } catch (e) {
      cb(e as Error);
    }
  }

  override _flush(cb: TransformCallback): void {
    try {
      this.#finish();
      cb();
    } catch (e) {
      cb(e as Error);
    }
  }

  #consume(buf: Buffer): void {
    let i = 0;
    const len = buf.length;
    while (i < len) {
      switch (this.#state) {
        case 'header':
        case 'trailer': {
          const nl = buf.indexOf(0x0a, i);
          const end = nl < 0 ? len : nl;
          this.#appendLine(buf.subarray(i, end));
          if (nl < 0) {
            i = len;
            break;
          }
          i = nl + 1;
          const line = this.#takeLine();
          if (this.#state === 'header') this.#onChunkHeader(line);
          else this.#onTrailerLine(line);
          break;
        }
        case 'data': {
          const n = Math.min(this.#remaining, len - i);
          const piece = buf.subarray(i, i + n);
          i += n;
          this.#remaining -= n;
          this.#decoded += n;
          if (this.#expected !== undefined && this.#decoded > this.#expected) {
            throw new S3Error('IncompleteBody', 'The aws-chunked body is longer than x-amz-decoded-content-length.');
          }
          this.#hash?.update(piece);
          if (this.#remaining === 0) {
            this.#verifyChunk(this.#hash ? this.#hash.digest('hex') : EMPTY_SHA256);
            this.#hash = undefined;
            this.#state = 'dataCR';
          }
          this.push(piece);
          break;
        }
        case 'dataCR': {
          const b = buf[i++];
          if (b === 0x0d) this.#state = 'dataLF';
          else if (b === 0x0a) this.#state = 'header';
          else throw malformed('chunk data is not followed by CRLF');
          break;
        }
        case 'dataLF': {
          if (buf[i++] !== 0x0a) throw malformed('chunk data is not followed by CRLF');
          this.#state = 'header';
          break;
        }
        case 'done': {
          const b = buf[i++];
          if (b !== 0x0d && b !== 0x0a) throw malformed('data after the end of the body');
          break;
        }
      }
    }
  }

  #appendLine(piece: Buffer): void {
    if (piece.length === 0) return;
    this.#lineLen += piece.length;
    const limit = this.#state === 'header' ? MAX_LINE : MAX_TRAILER_BYTES;
    if (this.#lineLen > limit) {
      throw malformed(this.#state === 'header' ? 'chunk header line too long' : 'trailer section too long');
    }
    // Copy: the caller may reuse its buffer; a line is small.
    this.#line.push(Buffer.from(piece));
  }

  #takeLine(): string {
    let s = this.#line.length === 1 ? this.#line[0].toString('latin1') : Buffer.concat(this.#line).toString('latin1');
    this.#line = [];
    this.#lineLen = 0;
    if (s.endsWith('\r')) s = s.slice(0, -1);
    return s;
  }

  #onChunkHeader(line: string): void {
    const semi = line.indexOf(';');
    const sizeStr = (semi < 0 ? line : line.slice(0, semi)).trim();
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeStr)) {
      throw malformed(line === '' ? 'empty chunk header' : 'invalid chunk size');
    }
    const size = parseInt(sizeStr, 16);
    if (size > MAX_CHUNK_SIZE) {
      throw new S3Error('InvalidRequest', `aws-chunked chunk too big: ${size} bytes (at most ${MAX_CHUNK_SIZE})`);
    }
    if (this.#mode.signed) {
      let sig: string | undefined;
      if (semi >= 0) {
        for (const ext of line.slice(semi + 1).split(';')) {
          const eq = ext.indexOf('=');
          if (eq >= 0 && ext.slice(0, eq).trim().toLowerCase() === 'chunk-signature') sig = ext.slice(eq + 1).trim();
        }
      }
      if (sig === undefined) throw malformed('missing chunk-signature');
      if (!/^[0-9a-fA-F]{64}$/.test(sig)) throw malformed('invalid chunk-signature');
      this.#chunkSig = sig;
    }
    if (size === 0) {
      this.#verifyChunk(EMPTY_SHA256);
      this.#state = 'trailer';
      return;
    }
    if (this.#expected !== undefined && this.#decoded + size > this.#expected) {
      throw new S3Error('IncompleteBody', 'The aws-chunked body is longer than x-amz-decoded-content-length.');
    }
    this.#remaining = size;
    this.#hash = this.#mode.signed ? createHash('sha256') : undefined;
    this.#state = 'data';
  }

  #verifyChunk(dataSha256: string): void {
    if (!this.#mode.signed) return;
    const expected = chunkSignature(this.#mode, this.#prevSig, dataSha256);
    if (!timingSafeEqualHex(expected, this.#chunkSig)) {
      throw new S3Error('SignatureDoesNotMatch', 'The chunk signature we calculated does not match the signature you provided.', {
        StringToSign: chunkStringToSign(this.#mode, this.#prevSig, dataSha256),
        SignatureProvided: this.#chunkSig,
      });
    }
    this.#prevSig = expected;
  }

  #onTrailerLine(line: string): void {
    if (line.trim() === '') {
      // A blank line ends the trailer section; blank lines before any trailer are tolerated.
      if (this.#trailerEntries.length > 0 || this.#trailerSig !== undefined) this.#state = 'done';
      return;
    }
    this.#trailerBytes += line.length + 1;
    if (this.#trailerBytes > MAX_TRAILER_BYTES) throw malformed('trailer section too long');
    const colon = line.indexOf(':');
    if (colon <= 0) throw malformed('invalid trailer line');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'x-amz-trailer-signature') {
      if (this.#trailerSig !== undefined) throw malformed('repeated x-amz-trailer-signature');
      this.#trailerSig = value;
      return;
    }
    if (!this.#mode.trailer) throw malformed(`unexpected trailer "${name}" (x-amz-content-sha256 declares no trailer)`);
    if (this.#trailerSig !== undefined) throw malformed('trailer after x-amz-trailer-signature');
    if (this.#trailerEntries.some(([n]) => n === name)) throw malformed(`repeated trailer "${name}"`);
    if (this.#trailerEntries.length >= MAX_TRAILERS) throw malformed('too many trailers');
    this.#trailerEntries.push([name, value]);
  }

  #finish(): void {
    if (this.#state === 'trailer' && this.#lineLen > 0) {
      // final line without CRLF
      this.#onTrailerLine(this.#takeLine());
    }
    if (this.#state !== 'trailer' && this.#state !== 'done') {
      throw new S3Error('IncompleteBody', 'The aws-chunked body ended before its final zero-length chunk.');
    }
    if (this.#mode.signed && this.#mode.trailer) {
      if (this.#trailerSig === undefined) {
        throw new S3Error('IncompleteBody', 'The aws-chunked body has no x-amz-trailer-signature.');
      }
      const sorted = [...this.#trailerEntries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      const blocks = [canonicalTrailers(sorted)];
      const asSent = canonicalTrailers(this.#trailerEntries);
      if (asSent !== blocks[0]) blocks.push(asSent);
      let ok = false;
      for (const block of blocks) {
        if (timingSafeEqualHex(trailerSignature(this.#mode, this.#prevSig, block), this.#trailerSig)) ok = true;
      }
      if (!ok) {
        throw new S3Error('SignatureDoesNotMatch', 'The trailer signature we calculated does not match the signature you provided.', {
          SignatureProvided: this.#trailerSig,
        });
      }
    } else if (this.#mode.signed && this.#trailerSig !== undefined) {
      throw malformed('x-amz-trailer-signature in a body without trailers');
    }
    if (this.#expected !== undefined && this.#decoded !== this.#expected) {
      throw new S3Error(
        'IncompleteBody',
        `The aws-chunked body carried ${this.#decoded} bytes; x-amz-decoded-content-length says ${this.#expected}.`,
      );
    }
    for (const [n, v] of this.#trailerEntries) this.#trailers[n] = v;
  }
}

/**
 * A Transform: aws-chunked framed bytes in, plain payload bytes out. Verifies
 * each chunk signature (signed modes), the final zero chunk, the trailer
 * signature (signed trailer mode); parses trailing headers.
 */
export function createAwsChunkedDecoder(mode: ChunkedMode, opts: AwsChunkedDecoderOptions = {}): AwsChunkedDecoder {
  if (mode.kind !== 'chunked') throw new TypeError('createAwsChunkedDecoder needs a chunked payload mode');
  const exp = opts.expectedDecodedLength;
  if (exp !== undefined && (!Number.isSafeInteger(exp) || exp < 0)) {
    throw new S3Error('InvalidArgument', 'x-amz-decoded-content-length must be a non-negative integer', {
      ArgumentName: 'x-amz-decoded-content-length',
      ArgumentValue: String(exp),
    });
  }
  return new Decoder(mode, opts);
}
