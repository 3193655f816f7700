/**
 * A fastify instance with what every VaultX HTTP listener shares: request ids
 * that cross service hops, one pino log line per request (the access/audit
 * record), Prometheus metrics, and optionally the /health endpoints.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';
import type { Logger } from './logger.ts';
import { httpBytesIn, httpBytesOut, httpDuration, httpRequests } from './metrics.ts';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id.ts';
import { registerHealthRoutes, type ReadinessCheck } from './health.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Operation name for logs and metrics; handlers set it. */
    operation: string;
    /** Extra fields for the request's log line (bucket, key, user...). */
    audit: Record<string, unknown>;
  }
}

export interface ServiceAppOptions {
  service: string;
  logger: Logger;
  health?: { checks: ReadinessCheck[]; info?: () => Record<string, unknown> };
}

/**
 * Bytes on the wire per request: the socket's counters since the previous
 * response on the same keep-alive connection ended (by onRequest the first
 * read, headers and the start of the body, has already happened).
 */
interface SocketMarks {
  read: number;
  written: number;
}
const socketMarks = new WeakMap<Socket, SocketMarks>();

export function createServiceApp(opts: ServiceAppOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger,
    // One log line per request, written by our onResponse hook.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: (req) => requestIdFrom(req.headers[REQUEST_ID_HEADER]),
    requestIdHeader: false,
    // Object keys may contain anything; routing is ours, never the framework's.
    routerOptions: { ignoreDuplicateSlashes: false, maxParamLength: 4096 },
    bodyLimit: 16 * 1024 * 1024,
    keepAliveTimeout: 65_000,
    forceCloseConnections: true,
    return503OnClosing: true,
  });
  app.decorateRequest('operation', 'unknown');
  app.decorateRequest('audit', null as unknown as Record<string, unknown>);

  app.addHook('onRequest', async (req) => {
    req.audit = {};
  });

  app.addHook('onResponse', async (req, reply) => {
    const s = req.raw.socket as Socket | null;
    let bytesIn = 0;
    let bytesOut = 0;
    if (s) {
      const m = socketMarks.get(s) ?? { read: 0, written: 0 };
      bytesIn = Math.max(0, s.bytesRead - m.read);
      bytesOut = Math.max(0, s.bytesWritten - m.written);
      socketMarks.set(s, { read: s.bytesRead, written: s.bytesWritten });
    }
    const seconds = reply.elapsedTime / 1000;
    const labels = { service: opts.service, operation: req.operation };
    httpRequests.inc({ ...labels, status: String(reply.statusCode) });
    httpDuration.observe(labels, seconds);
    httpBytesIn.inc(labels, bytesIn);
    httpBytesOut.inc(labels, bytesOut);
    req.log.info(
      {
        service: opts.service,
        op: req.operation,
        method: req.method,
        url: req.url.length > 512 ? req.url.slice(0, 512) + '…' : req.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        bytesIn,
        bytesOut,
        remote: req.ip,
        ...req.audit,
      },
      'request',
    );
  });

  if (opts.health) registerHealthRoutes(app, opts.service, opts.health.checks, opts.health.info);
  return app;
}
