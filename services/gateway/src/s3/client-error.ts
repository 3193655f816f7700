/**
 * Requests node cannot parse at all (a negative or garbled Content-Length,
 * oversized headers, a timeout before the request was whole) never reach a
 * route. They are answered here, on the raw socket, still as an S3 error in
 * S3's XML (fastify's default answer is JSON), then the connection closes.
 */
import { randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { S3Error, renderErrorXml } from '@vaultx/s3-protocol';

export function clientErrorOf(code: string | undefined): S3Error {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return new S3Error('RequestTimeout');
    case 'HPE_HEADER_OVERFLOW':
      return new S3Error('InvalidRequest', 'Your request header section exceeds the maximum allowed size.');
    default:
      return new S3Error('InvalidRequest', 'The HTTP request could not be parsed.');
  }
}

export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  // A reset connection has nobody left to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const e = clientErrorOf(err.code);
    const id = randomBytes(8).toString('hex').toUpperCase();
    const body = renderErrorXml(e, { requestId: id, hostId: id });
    socket.write(
      `HTTP/1.1 ${e.status} ${STATUS_CODES[e.status] ?? ''}\r\n` +
        `content-type: application/xml\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
        `x-amz-request-id: ${id}\r\nx-amz-id-2: ${id}\r\nserver: VaultX\r\nconnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
