/**
 * The lifecycle service: scheduled background jobs. Its first job is the
 * chunk collector (collector.ts), run every VAULTX_GC_INTERVAL_SECONDS and on
 * demand (runGc; the admin API's POST /admin/v1/gc/run).
 */
import type { ChunkStoreFullApi } from '@vaultx/chunk-store-client';
import type { MetadataApi } from '@vaultx/metadata-client';
import type { GcSummary, LifecycleApi } from '@vaultx/lifecycle-client';
import type { Logger } from '@vaultx/service-kit';
import { ChunkCollector, type CollectorOptions } from './collector.ts';

export interface LifecycleServiceOptions {
  metadata: MetadataApi;
  chunks: ChunkStoreFullApi;
  logger: Logger;
  gcGraceSeconds: number;
  /** 0 = no periodic runs (on demand only). */
  gcIntervalSeconds: number;
  collector?: Partial<Omit<CollectorOptions, 'metadata' | 'chunks' | 'logger' | 'graceMs'>>;
}

export class LifecycleService implements LifecycleApi {
  readonly collector: ChunkCollector;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: LifecycleServiceOptions) {
    this.collector = new ChunkCollector({
      ...opts.collector,
      metadata: opts.metadata,
      chunks: opts.chunks,
      logger: opts.logger,
      graceMs: opts.gcGraceSeconds * 1000,
    });
  }

  runGc(_input: Record<string, never> = {}): Promise<GcSummary> {
    return this.collector.runNow();
  }

  /** Starts the periodic collector (first run after one interval). */
  start(): void {
    if (this.opts.gcIntervalSeconds <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      this.collector.trigger().catch((e: unknown) => this.opts.logger.warn({ err: e }, 'chunk GC run failed'));
    }, this.opts.gcIntervalSeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
