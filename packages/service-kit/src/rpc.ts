/**
 * Typed JSON RPC between services: a table of methods, each with a zod input
 * and output schema. The service registers the table on its fastify app
 * (POST /v1/rpc/<method>); the client POSTs to it. Errors cross the hop as
 * S3Error JSON and are rebuilt on the other side.
 */
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { S3Error } from '@vaultx/s3-protocol';
import { InternalHttp } from './internal-http.ts';
import { REQUEST_ID_HEADER } from './request-id.ts';

export interface RpcMethod {
  input: z.ZodTypeAny;
  output: z.ZodTypeAny;
}
export type RpcTable = Record<string, RpcMethod>;

export type RpcImpl<T extends RpcTable> = {
  [M in keyof T]: (input: z.output<T[M]['input']>, ctx?: { requestId?: string }) => Promise<z.input<T[M]['output']>>;
};

export type RpcClient<T extends RpcTable> = {
  [M in keyof T]: (input: z.input<T[M]['input']>, ctx?: { requestId?: string }) => Promise<z.output<T[M]['output']>>;
};

export function registerRpcRoutes<T extends RpcTable>(app: FastifyInstance, table: T, impl: RpcImpl<T>): void {
  for (const name of Object.keys(table) as (keyof T & string)[]) {
    const method = table[name]!;
    app.post(`/v1/rpc/${name}`, async (req, reply) => {
      req.operation = name;
      const parsed = method.input.safeParse(req.body ?? {});
      if (!parsed.success) {
        reply.code(400);
        return { error: new S3Error('InvalidArgument', `invalid ${name} input: ${parsed.error.message}`).toJSON() };
      }
      try {
        return await impl[name](parsed.data, { requestId: req.id });
      } catch (e) {
        if (e instanceof S3Error) {
          reply.code(e.status);
          return { error: e.toJSON() };
        }
        req.log.error({ err: e, method: name }, 'rpc method failed');
        reply.code(500);
        return { error: new S3Error('InternalError').toJSON() };
      }
    });
  }
}

export function createRpcClient<T extends RpcTable>(table: T, baseUrl: string, service: string): RpcClient<T> {
  const http = new InternalHttp(baseUrl, service);
  const client = {} as Record<string, unknown>;
  for (const name of Object.keys(table)) {
    const method = table[name]!;
    client[name] = async (input: unknown, ctx?: { requestId?: string }) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (ctx?.requestId) headers[REQUEST_ID_HEADER] = ctx.requestId;
      const res = await http.request({ method: 'POST', path: `/v1/rpc/${name}`, headers, body: JSON.stringify(input) });
      const body = (await res.body.json()) as { error?: { code: string; message?: string; status?: number; details?: Record<string, string> } };
      if (res.statusCode >= 400 || body.error) {
        throw body.error ? S3Error.fromJSON(body.error) : new S3Error('InternalError', `${service} answered ${res.statusCode}`);
      }
      return method.output.parse(body);
    };
  }
  return client as RpcClient<T>;
}

/** In-process wiring: the same table and implementation, called directly. */
export function createLocalRpcClient<T extends RpcTable>(table: T, impl: RpcImpl<T>): RpcClient<T> {
  const client = {} as Record<string, unknown>;
  for (const name of Object.keys(table)) {
    const method = table[name]!;
    // Parse the input so defaults apply exactly as over HTTP; outputs are trusted (same process).
    client[name] = async (input: unknown, ctx?: { requestId?: string }) => impl[name as keyof T]!.call(impl, method.input.parse(input), ctx);
  }
  return client as RpcClient<T>;
}
