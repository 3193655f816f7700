/**
 * Places where Node's HTTP server or fastify would answer an S3 request
 * before S3 code sees it, and Amazon S3 answers differently:
 *
 * - `Expect: 100-continue`: Node sends 100 Continue at once. S3 sends it only
 *   once the request is authenticated and routed, so a refused upload gets its
 *   final answer (403...) before the client sends the body.
 * - any other Expect value (`200`, empty): Node answers 417. S3 ignores it.
 * - a Content-Type fastify cannot parse (empty, `foo`, bad parameters):
 *   fastify answers 415. S3 takes any value and stores it as sent.
 * - a request that is not well-formed HTTP (Content-Length empty, negative or
 *   not a number; control bytes in a header value; headers too large): Node
 *   and fastify answer with a JSON body. S3 answers 400 with its XML error.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { S3Error, renderErrorXml } from '@vaultx/s3-protocol';
import { newRequestId } from '@vaultx/service-kit';

const CONTENT_TYPE = Symbol('vaultx.contentType');
type WithContentType = IncomingMessage & { [CONTENT_TYPE]?: string };

const CONTINUE = /(?:^|\W)100-continue(?:$|\W)/i;

export function installHttpQuirks(app: FastifyInstance): void {
  const server = app.server;
  // With a listener here Node neither answers 100 nor 417 by itself.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => server.emit('request', req, res));
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => server.emit('request', req, res));
  // replaces fastify's handler, which answers in JSON
  server.removeAllListeners('clientError');
  server.on('clientError', answerMalformedRequest);

  // Bodies are never parsed by fastify (operations stream them), so hide the
  // Content-Type from its parser and put it back before the handler runs.
  app.addHook('onRequest', (req, _reply, done) => {
    const raw = req.raw as WithContentType;
    const ct = raw.headers['content-type'];
    if (ct !== undefined) {
      raw[CONTENT_TYPE] = ct;
      delete raw.headers['content-type'];
    }
    done();
  });
  app.addHook('preValidation', (req, _reply, done) => {
    const raw = req.raw as WithContentType;
    const ct = raw[CONTENT_TYPE];
    if (ct !== undefined) raw.headers['content-type'] = ct;
    done();
  });
}

/** Sends 100 Continue when the client waits for it; call once the request is accepted. */
export function continueIfExpected(req: IncomingMessage, res: ServerResponse): void {
  const expect = req.headers.expect;
  if (expect === undefined || !CONTINUE.test(expect) || res.headersSent) return;
  if (req.httpVersionMajor !== 1 || req.httpVersionMinor !== 1) return;
  res.writeContinue();
}

function errorFor(code: string | undefined): S3Error {
  if (code === 'HPE_HEADER_OVERFLOW') return new S3Error('RequestHeaderSectionTooLarge');
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return new S3Error('RequestTimeout');
  return new S3Error('BadRequest');
}

/** Node's 'clientError': the request could not be parsed, so no route ever sees it. */
function answerMalformedRequest(err: NodeJS.ErrnoException, socket: Duplex): void {
  // a reset connection has nobody left to answer; a response already under way cannot be replaced
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || socket.destroyed || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const e = errorFor(err.code);
  const id = newRequestId();
  const body = renderErrorXml(e, { requestId: id, hostId: id });
  socket.end(
    `HTTP/1.1 ${e.status} Bad Request\r\n` +
      'Content-Type: application/xml\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      `x-amz-request-id: ${id}\r\n` +
      `x-amz-id-2: ${id}\r\n` +
      'Server: VaultX\r\n' +
      'Connection: close\r\n\r\n' +
      body,
  );
  // end() lets the answer arrive (an abrupt close could reset it away); a client that never closes is cut off
  setTimeout(() => socket.destroy(), 5000).unref();
}
