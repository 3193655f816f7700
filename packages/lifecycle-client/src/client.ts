import { createLocalRpcClient, createRpcClient, type RpcImpl } from '@vaultx/service-kit';
import { lifecycleMethods, type LifecycleApi } from './api.ts';

/** Talks to a lifecycle service over internal HTTP. */
export function createLifecycleHttpClient(baseUrl: string): LifecycleApi {
  return createRpcClient(lifecycleMethods, baseUrl, 'lifecycle') as unknown as LifecycleApi;
}

/** Calls a lifecycle service in the same process. */
export function createLifecycleLocalClient(impl: LifecycleApi): LifecycleApi {
  return createLocalRpcClient(lifecycleMethods, impl as unknown as RpcImpl<typeof lifecycleMethods>) as unknown as LifecycleApi;
}
