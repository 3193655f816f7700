import type { Config, Logger } from '@vaultx/service-kit';
import type { MetadataApi } from '@vaultx/metadata-client';
import type { ChunkStoreApi } from '@vaultx/chunk-store-client';
import type { LifecycleApi } from '@vaultx/lifecycle-client';

/** What the gateway needs from the rest of VaultX; in-process or HTTP clients alike. */
export interface GatewayDeps {
  config: Config;
  logger: Logger;
  metadata: MetadataApi;
  chunks: ChunkStoreApi;
  /** The lifecycle service (chunk collector), when this gateway can reach one. */
  lifecycle?: LifecycleApi;
}
