import { createLocalRpcClient, createRpcClient, type RpcImpl } from '@vaultx/service-kit';
import { metadataMethods, type MetadataApi } from './api.ts';

/** Talks to a metadata service over internal HTTP. */
export function createMetadataHttpClient(baseUrl: string): MetadataApi {
  return createRpcClient(metadataMethods, baseUrl, 'metadata') as unknown as MetadataApi;
}

/** Calls a metadata service in the same process. */
export function createMetadataLocalClient(impl: MetadataApi): MetadataApi {
  return createLocalRpcClient(metadataMethods, impl as unknown as RpcImpl<typeof metadataMethods>) as unknown as MetadataApi;
}
