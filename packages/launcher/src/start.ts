/**
 * Wires the requested services together: local clients for services in this
 * process, HTTP clients for the others; opens listeners where needed.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createServiceApp, type Config, type Logger, type ReadinessCheck } from '@vaultx/service-kit';
import { openFileChunkBackend, openLmdbKv } from '@vaultx/storage';
import { createMetadataHttpClient, createMetadataLocalClient, type MetadataApi } from '@vaultx/metadata-client';
import { ChunkStoreHttpClient, type ChunkStoreFullApi } from '@vaultx/chunk-store-client';
import { MetadataService, registerMetadataRoutes } from '@vaultx/metadata';
import { ChunkStoreService, defaultCodecWorkers, registerChunkRoutes } from '@vaultx/chunk-store';
import { startGateway } from '@vaultx/gateway';
import { createLifecycleHttpClient, createLifecycleLocalClient, type LifecycleApi } from '@vaultx/lifecycle-client';
import { LifecycleService, registerLifecycleRoutes } from '@vaultx/lifecycle';
import type { ServiceName } from './args.ts';
import type { ResolvedCredentials } from './credentials.ts';

export interface StartOptions {
  services: Set<ServiceName>;
  config: Config;
  logger: Logger;
  creds: ResolvedCredentials;
}

export interface Running {
  stop(): Promise<void>;
}

async function listen(app: FastifyInstance, config: Config, port: number, logger: Logger, what: string): Promise<void> {
  await app.listen({ host: config.bind, port });
  logger.info({ port, service: what }, `${what} listening on ${config.bind}:${port}`);
}

export async function startServices(opts: StartOptions): Promise<Running> {
  const { services, config, logger, creds } = opts;
  const closers: (() => Promise<void>)[] = [];
  let metadata: MetadataApi | undefined;
  let chunks: ChunkStoreFullApi | undefined;

  if (services.has('metadata')) {
    const kv = await openLmdbKv(join(config.dataDir, 'metadata'));
    closers.push(() => kv.close());
    const svc = new MetadataService({ kv });
    await svc.ensureRootUser({ accessKeyId: creds.rootAccessKey, secretAccessKey: creds.rootSecretKey });
    metadata = createMetadataLocalClient(svc);
    if (!services.has('gateway')) {
      const check: ReadinessCheck = { name: 'metadata-kv', check: async () => void (await kv.get('b/')) };
      const app = createServiceApp({ service: 'metadata', logger: logger.child({ service: 'metadata' }), health: { checks: [check] } });
      registerMetadataRoutes(app, svc);
      await listen(app, config, config.metadataPort, logger, 'metadata');
      closers.unshift(() => app.close());
    }
  }

  if (services.has('chunk-store')) {
    const backend = await openFileChunkBackend(join(config.dataDir, 'chunks'));
    closers.push(() => backend.close());
    const svc = new ChunkStoreService(backend, {
      logger: logger.child({ service: 'chunk-store' }),
      maxChunkSize: Math.max(config.chunkSize, 64 * 1024 * 1024),
      workers: config.chunkWorkers ?? defaultCodecWorkers(),
    });
    closers.push(() => svc.close());
    chunks = svc;
    if (!services.has('gateway')) {
      const check: ReadinessCheck = { name: 'chunk-backend', check: () => svc.check() };
      const app = createServiceApp({ service: 'chunk-store', logger: logger.child({ service: 'chunk-store' }), health: { checks: [check] } });
      registerChunkRoutes(app, svc);
      await listen(app, config, config.chunkStorePort, logger, 'chunk-store');
      closers.unshift(() => app.close());
    }
  }

  let lifecycle: LifecycleApi | undefined;
  if (services.has('lifecycle')) {
    // The chunk collector needs the metadata and the chunk store: in-process when
    // they run here, else over HTTP.
    let lcMetadata = metadata;
    if (!lcMetadata) {
      if (!config.metadataUrl) throw new Error('lifecycle without an in-process metadata service needs VAULTX_METADATA_URL');
      lcMetadata = createMetadataHttpClient(config.metadataUrl);
    }
    let lcChunks = chunks;
    if (!lcChunks) {
      if (!config.chunkStoreUrl) throw new Error('lifecycle without an in-process chunk store needs VAULTX_CHUNK_STORE_URL');
      const client = new ChunkStoreHttpClient(config.chunkStoreUrl);
      closers.push(() => client.close());
      lcChunks = client;
    }
    const svc = new LifecycleService({
      metadata: lcMetadata,
      chunks: lcChunks,
      logger: logger.child({ service: 'lifecycle' }),
      gcGraceSeconds: config.gcGraceSeconds,
      gcIntervalSeconds: config.gcIntervalSeconds,
    });
    svc.start();
    closers.unshift(async () => svc.stop());
    lifecycle = createLifecycleLocalClient(svc);
    if (!services.has('gateway')) {
      const app = createServiceApp({ service: 'lifecycle', logger: logger.child({ service: 'lifecycle' }), health: { checks: [] } });
      registerLifecycleRoutes(app, svc);
      await listen(app, config, config.lifecyclePort, logger, 'lifecycle');
      closers.unshift(() => app.close());
    }
  }

  if (services.has('gateway')) {
    // Optional: without a lifecycle service the admin API answers 503 to gc/run.
    if (!lifecycle && config.lifecycleUrl) lifecycle = createLifecycleHttpClient(config.lifecycleUrl);
    if (!metadata) {
      if (!config.metadataUrl) throw new Error('gateway without an in-process metadata service needs VAULTX_METADATA_URL');
      metadata = createMetadataHttpClient(config.metadataUrl);
    }
    if (!chunks) {
      if (!config.chunkStoreUrl) throw new Error('gateway without an in-process chunk store needs VAULTX_CHUNK_STORE_URL');
      const client = new ChunkStoreHttpClient(config.chunkStoreUrl);
      closers.push(() => client.close());
      chunks = client;
    }
    const gw = await startGateway({ config, logger, metadata, chunks, lifecycle, adminToken: creds.adminToken });
    closers.unshift(() => gw.close());
  }

  return {
    async stop() {
      for (const c of closers) {
        try {
          await c();
        } catch (e) {
          logger.warn({ err: e }, 'error while stopping');
        }
      }
    },
  };
}
