/**
 * Read a small request body (an XML document) into memory, never holding more
 * than `limit` bytes: the moment the next chunk would pass the limit the read
 * stops and S3Error('MaxMessageLengthExceeded') (400 "Your request was too
 * big.") is thrown — or the code you pass.
 *
 * On overflow the stream is left where it is, NOT destroyed: destroying an
 * http.IncomingMessage destroys its socket, and then no error response could be
 * sent. The caller answers with `Connection: close` (or drains the rest).
 * A declared Content-Length above the limit can be refused before reading.
 */
import { S3Error, type S3ErrorCode } from './errors.ts';

export async function readBoundedBody(
  stream: AsyncIterable<Buffer | Uint8Array | string>,
  limit: number,
  code: S3ErrorCode = 'MaxMessageLengthExceeded',
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  const it = stream[Symbol.asyncIterator]();
  for (;;) {
    const r = await it.next();
    if (r.done) break;
    const v = r.value;
    const chunk = typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    if (total + chunk.length > limit) throw new S3Error(code);
    total += chunk.length;
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}
