/**
 * The metadata service's internal HTTP API: the RPC table of
 * @vaultx/metadata-client, served at POST /v1/rpc/<method>.
 */
import type { FastifyInstance } from 'fastify';
import { registerRpcRoutes, type RpcImpl } from '@vaultx/service-kit';
import { metadataMethods, type MetadataApi } from '@vaultx/metadata-client';

export function registerMetadataRoutes(app: FastifyInstance, impl: MetadataApi): void {
  registerRpcRoutes(app, metadataMethods, impl as unknown as RpcImpl<typeof metadataMethods>);
}
