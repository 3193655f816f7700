/** The lifecycle service's internal HTTP API: the RPC table of @vaultx/lifecycle-client at POST /v1/rpc/<method>. */
import type { FastifyInstance } from 'fastify';
import { registerRpcRoutes, type RpcImpl } from '@vaultx/service-kit';
import { lifecycleMethods, type LifecycleApi } from '@vaultx/lifecycle-client';

export function registerLifecycleRoutes(app: FastifyInstance, impl: LifecycleApi): void {
  registerRpcRoutes(app, lifecycleMethods, impl as unknown as RpcImpl<typeof lifecycleMethods>);
}
