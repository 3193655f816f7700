/**
 * The S3 endpoint: one catch-all route; addressing, routing, authentication
 * and error rendering are ours (object keys may contain anything, so the
 * framework's router and body parsers stay out of the way).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { S3Error } from '@vaultx/s3-protocol';
import { createServiceApp } from '@vaultx/service-kit';
import type { GatewayDeps } from '../deps.ts';
import { Authenticator } from './auth.ts';
import { makeContext } from './context.ts';
import { parseAddress } from './request.ts';
import { sendError } from './respond.ts';
import { continueIfExpected, installHttpQuirks } from './http-quirks.ts';
import { isPostObjectForm, postObject } from './ops/post-object.ts';
import { route } from './router.ts';
import { corsPreflight } from './cors/preflight.ts';
import { corsOnSend, noteCorsBucket } from './cors/actual.ts';

function resourceOf(rawUrl: string): string {
  const q = rawUrl.indexOf('?');
  return q === -1 ? rawUrl : rawUrl.slice(0, q);
}

/** Errors fastify raises itself (bad URL, aborted body...) as S3 errors. */
function frameworkError(err: FastifyError): S3Error {
  switch (err.code) {
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_INVALID_URL':
      return new S3Error('InvalidURI');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new S3Error('EntityTooLarge');
    default:
      if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) return new S3Error('InvalidRequest', err.message);
      return new S3Error('InternalError');
  }
}

export function createS3App(deps: GatewayDeps): FastifyInstance {
  const app = createServiceApp({ service: 'gateway', logger: deps.logger.child({ service: 'gateway' }) });
  // Bodies are streamed by the operations themselves; never parsed here.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, _payload, done) => done(null));
  installHttpQuirks(app);

  const auth = new Authenticator(deps.metadata, deps.config.region);

  const handle = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const rawUrl = req.raw.url ?? '/';
    const resource = resourceOf(rawUrl);
    try {
      const addr = parseAddress(rawUrl, req.headers.host, deps.config.domains);
      if (addr.bucket !== undefined) req.audit.bucket = addr.bucket;
      if (addr.key !== undefined) req.audit.key = addr.key;
      // CORS preflights are never signed (browsers send them bare), as on S3
      if (req.method === 'OPTIONS') {
        req.operation = 'CorsPreflight';
        return await corsPreflight(deps, req, reply, addr);
      }
      if (addr.bucket !== undefined) noteCorsBucket(req, addr.bucket);
      // A browser form upload authenticates with its signed policy, not with headers.
      if (isPostObjectForm(req.method, addr, req.headers['content-type'])) {
        req.operation = 'PostObject';
        continueIfExpected(req.raw, reply.raw);
        return await postObject(deps, auth, req, reply, addr);
      }
      const authResult = await auth.authenticate(req.method, rawUrl, req.headers, req.id, addr.virtualHosted ? addr.bucket : undefined);
      if (authResult === undefined) {
        const creating = req.method === 'PUT' && addr.bucket !== undefined && addr.key === undefined && addr.query.size === 0;
        return await auth.refuseAnonymous(addr.bucket, creating, req.id);
      }
      req.audit.user = authResult.credentials.userId;
      const r = route(req.method, addr, req.headers);
      req.operation = r.operation;
      // only now, authenticated and routed, may the client send its body
      continueIfExpected(req.raw, reply.raw);
      return await r.handler(makeContext(deps, req, reply, addr, authResult));
    } catch (e) {
      return sendError(req, reply, e, resource);
    }
  };

  // Every response, errors included, gets the bucket's CORS headers when the request's Origin matches a rule.
  const onSend = corsOnSend(deps);
  app.route({ method: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'PATCH'], url: '/', handler: handle, onSend });
  app.route({ method: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'PATCH'], url: '/*', handler: handle, onSend });
  // Only methods outside the routes above get here (every path is routed): S3 answers 405 in XML.
  app.setNotFoundHandler((req, reply) => sendError(req, reply, new S3Error('MethodNotAllowed'), resourceOf(req.raw.url ?? '/')));
  app.setErrorHandler((err: FastifyError, req, reply) => sendError(req, reply, frameworkError(err), resourceOf(req.raw.url ?? '/')));
  return app;
}
