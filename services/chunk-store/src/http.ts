/**
 * The chunk store's internal HTTP API (see @vaultx/chunk-store-client/api.ts).
 */
import type { FastifyInstance } from 'fastify';
import { S3Error } from '@vaultx/s3-protocol';
import { CONTENT_TYPE_HINT_HEADER, EXPECTED_ID_HEADER } from '@vaultx/chunk-store-client';
import type { ChunkStoreService } from './chunk-store-service.ts';

function parseRange(h: string | undefined): { start: number; end: number } | undefined {
  if (h === undefined) return undefined;
  const m = /^bytes=(\d+)-(\d+)$/.exec(h);
  if (!m) throw new S3Error('InvalidArgument', 'chunk range must be bytes=a-b');
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (end < start) throw new S3Error('InvalidArgument', 'chunk range end before start');
  return { start, end };
}

function sendError(reply: import('fastify').FastifyReply, e: unknown): { error: unknown } {
  if (e instanceof S3Error) {
    reply.code(e.status);
    return { error: e.toJSON() };
  }
  reply.log.error({ err: e }, 'chunk-store request failed');
  reply.code(500);
  return { error: new S3Error('InternalError').toJSON() };
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

export function registerChunkRoutes(app: FastifyInstance, svc: ChunkStoreService): void {
  // Chunk bodies stream straight to the backend; nothing parses them.
  app.addContentTypeParser('*', (_req, _payload, done) => done(null));

  app.put('/v1/chunks', async (req, reply) => {
    req.operation = 'PutChunk';
    try {
      const r = await svc.putChunk(req.raw, {
        requestId: req.id,
        contentType: header(req.headers[CONTENT_TYPE_HINT_HEADER]),
        expectedId: header(req.headers[EXPECTED_ID_HEADER]),
      });
      req.audit.chunk = r.id;
      return r;
    } catch (e) {
      return sendError(reply, e);
    }
  });

  app.get<{ Querystring: { after?: string; limit?: string } }>('/v1/chunks', async (req, reply) => {
    req.operation = 'ListChunks';
    try {
      const limit = req.query.limit !== undefined ? Number(req.query.limit) : undefined;
      if (limit !== undefined && !Number.isInteger(limit)) throw new S3Error('InvalidArgument', 'limit must be an integer');
      return await svc.listChunks({ after: req.query.after, limit });
    } catch (e) {
      return sendError(reply, e);
    }
  });

  app.get<{ Params: { id: string } }>('/v1/chunks/:id', { exposeHeadRoute: false }, async (req, reply) => {
    req.operation = 'GetChunk';
    try {
      const range = parseRange(req.headers.range);
      const stream = await svc.getChunk(req.params.id, range);
      // A corrupt chunk found mid-stream errors the stream: fastify then cuts
      // the connection, so the client sees an incomplete chunked response.
      stream.on('error', (err) => req.log.warn({ err, chunkId: req.params.id }, 'chunk stream failed'));
      reply.code(range ? 206 : 200).header('content-type', 'application/octet-stream');
      return reply.send(stream);
    } catch (e) {
      return sendError(reply, e);
    }
  });

  app.head<{ Params: { id: string } }>('/v1/chunks/:id', async (req, reply) => {
    req.operation = 'StatChunk';
    try {
      const st = await svc.statChunk(req.params.id);
      if (!st) return reply.code(404).send();
      return reply.code(200).header('x-chunk-size', String(st.size)).send();
    } catch (e) {
      const code = e instanceof S3Error ? e.status : 500;
      return reply.code(code).send();
    }
  });

  app.delete<{ Params: { id: string } }>('/v1/chunks/:id', async (req, reply) => {
    req.operation = 'DeleteChunk';
    try {
      await svc.deleteChunk(req.params.id);
      return reply.code(204).send();
    } catch (e) {
      return sendError(reply, e);
    }
  });

  app.post<{ Params: { id: string } }>('/v1/chunks/:id/verify', async (req, reply) => {
    req.operation = 'VerifyChunk';
    try {
      return await svc.verifyChunk(req.params.id);
    } catch (e) {
      return sendError(reply, e);
    }
  });

  app.post<{ Params: { id: string }; Querystring: { olderThanMs?: string } }>('/v1/chunks/:id/delete-if-idle', async (req, reply) => {
    req.operation = 'DeleteChunkIfIdle';
    try {
      const ms = Number(req.query.olderThanMs);
      if (req.query.olderThanMs === undefined || !Number.isFinite(ms)) throw new S3Error('InvalidArgument', 'olderThanMs is required');
      const r = await svc.deleteChunkIfIdle(req.params.id, ms);
      if (r.deleted) req.audit.chunk = req.params.id;
      return r;
    } catch (e) {
      return sendError(reply, e);
    }
  });
}
