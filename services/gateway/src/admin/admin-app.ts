/**
 * The admin API (its own port, JSON, bearer-token protected): users and their
 * access keys. Also serves the process's /health endpoints.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { S3Error } from '@vaultx/s3-protocol';
import { createServiceApp, type ReadinessCheck } from '@vaultx/service-kit';
import type { GatewayDeps } from '../deps.ts';

const CreateUser = z.object({ name: z.string().min(1).max(128).regex(/^[A-Za-z0-9._@+=,-]+$/) }).strict();
const CreateKey = z
  .object({
    accessKeyId: z.string().regex(/^[A-Za-z0-9]{3,128}$/).optional(),
    secretAccessKey: z.string().min(8).max(128).optional(),
  })
  .strict();
const IdParam = z.object({ id: z.string().min(1).max(128) });
const KeyParam = z.object({ accessKeyId: z.string().min(1).max(128) });

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function fail(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).send({ error: { code, message } });
}

function sendS3Error(reply: FastifyReply, e: unknown) {
  if (e instanceof S3Error) return fail(reply, e.status >= 500 ? 500 : e.status, e.code, e.message);
  reply.log.error({ err: e }, 'admin request failed');
  return fail(reply, 500, 'InternalError', 'internal error');
}

export function createAdminApp(deps: GatewayDeps, adminToken: string): FastifyInstance {
  const checks: ReadinessCheck[] = [
    { name: 'metadata', check: async () => void (await deps.metadata.getAccessKey({ accessKeyId: 'readiness-probe' })) },
    { name: 'chunk-store', check: async () => void (await deps.chunks.statChunk('0'.repeat(64))) },
  ];
  const app = createServiceApp({
    service: 'admin',
    logger: deps.logger.child({ service: 'admin' }),
    health: { checks, info: () => ({ region: deps.config.region }) },
  });
  const expected = digest(adminToken);

  app.register(
    async (admin) => {
      admin.addHook('onRequest', async (req, reply) => {
        req.operation = 'Admin';
        const h = req.headers.authorization ?? '';
        const token = h.startsWith('Bearer ') ? h.slice(7) : '';
        // Compare digests so the comparison is constant-time whatever the lengths.
        if (!timingSafeEqual(digest(token), expected)) return fail(reply, 401, 'Unauthorized', 'missing or invalid admin token');
      });
      admin.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) => {
        const status = err.statusCode !== undefined && err.statusCode < 500 ? err.statusCode : 500;
        return fail(reply, status, status === 500 ? 'InternalError' : 'BadRequest', status === 500 ? 'internal error' : err.message);
      });

      admin.post('/users', async (req, reply) => {
        req.operation = 'AdminCreateUser';
        const body = CreateUser.safeParse(req.body ?? {});
        if (!body.success) return fail(reply, 400, 'InvalidArgument', body.error.message);
        try {
          return reply.code(201).send(await deps.metadata.createUser(body.data, { requestId: req.id }));
        } catch (e) {
          return sendS3Error(reply, e);
        }
      });
      admin.get('/users', async (req, reply) => {
        req.operation = 'AdminListUsers';
        try {
          return await deps.metadata.listUsers({}, { requestId: req.id });
        } catch (e) {
          return sendS3Error(reply, e);
        }
      });
      admin.delete('/users/:id', async (req, reply) => {
        req.operation = 'AdminDeleteUser';
        const p = IdParam.parse(req.params);
        try {
          await deps.metadata.deleteUser({ id: p.id }, { requestId: req.id });
          return reply.code(204).send();
        } catch (e) {
          return sendS3Error(reply, e);
        }
      });
      admin.post('/users/:id/keys', async (req, reply) => {
        req.operation = 'AdminCreateKey';
        const p = IdParam.parse(req.params);
        const body = CreateKey.safeParse(req.body ?? {});
        if (!body.success) return fail(reply, 400, 'InvalidArgument', body.error.message);
        try {
          await deps.metadata.getUser({ id: p.id }, { requestId: req.id });
          return reply.code(201).send(await deps.metadata.createAccessKey({ userId: p.id, ...body.data }, { requestId: req.id }));
        } catch (e) {
          return sendS3Error(reply, e);
        }
      });
      admin.get('/users/:id/keys', async (req, reply) => {
        req.operation = 'AdminListKeys';
        const p = IdParam.parse(req.params);
        try {
          return await deps.metadata.listAccessKeys({ userId: p.id }, { requestId: req.id });
        } catch (e) {
          return sendS3Error(reply, e);
        }
      });
      admin.delete('/keys/:accessKeyId', async (req, reply) => {
        req.operation = 'AdminDeleteKey';
        const p = KeyParam.parse(req.params);
        try {
          await deps.metadata.deleteAccessKey({ accessKeyId: p.accessKeyId }, { requestId: req.id });
          return reply.code(204).send();
        } catch (e) {
          return sendS3Error(reply, e);
        }
      });

      // Runs the chunk collector now (after any run in progress) and returns its summary.
      admin.post('/gc/run', async (req, reply) => {
        req.operation = 'AdminRunGc';
        if (!deps.lifecycle) return fail(reply, 503, 'ServiceUnavailable', 'no lifecycle service here (set VAULTX_LIFECYCLE_URL)');
        try {
          return await deps.lifecycle.runGc({}, { requestId: req.id });
        } catch (e) {
          return sendS3Error(reply, e);
        }
      });
    },
    { prefix: '/admin/v1' },
  );
  return app;
}
