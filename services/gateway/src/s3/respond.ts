/**
 * The one place S3 errors become HTTP responses (XML body, status, request
 * id headers), plus the headers every S3 response carries.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { clientFacingError, renderErrorXml, toS3Error as asS3Error, type S3Error } from '@vaultx/s3-protocol';

export function setCommonHeaders(req: FastifyRequest, reply: FastifyReply): void {
  reply.header('x-amz-request-id', req.id);
  reply.header('x-amz-id-2', req.id);
  reply.header('server', 'VaultX');
}

/** Any failure as the S3 error a client may see (internal-only codes become InternalError). */
export function toS3Error(e: unknown): S3Error {
  return clientFacingError(asS3Error(e));
}

export function sendError(req: FastifyRequest, reply: FastifyReply, e: unknown, resource: string): FastifyReply {
  const err = toS3Error(e);
  // Only failures of ours deserve an error line; a client's mistake is in the access log already.
  if (err.code === 'InternalError') req.log.error({ err: e }, 'request failed');
  else if (err.code === 'ServiceUnavailable') req.log.warn({ err: e }, 'dependency unavailable');
  req.audit.error = err.code;
  // An operation may have started describing an object (length, ETag...) before failing.
  for (const name of Object.keys(reply.getHeaders())) reply.removeHeader(name);
  setCommonHeaders(req, reply);
  // An error before the body was read whole: the rest of it is still on the wire,
  // so the connection cannot carry another request. Close it (as S3 does).
  if (!req.raw.complete) reply.header('connection', 'close');
  reply.code(err.status);
  if (req.method === 'HEAD' || err.status === 304) {
    // HEAD responses carry no body; the status is all the client gets (as S3).
    return reply.send();
  }
  reply.header('content-type', 'application/xml');
  return reply.send(renderErrorXml(err, { resource, requestId: req.id, hostId: req.id }));
}

export function sendXml(req: FastifyRequest, reply: FastifyReply, xml: string, status = 200): FastifyReply {
  setCommonHeaders(req, reply);
  reply.code(status).header('content-type', 'application/xml');
  return reply.send(xml);
}
