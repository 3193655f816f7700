/** The lifecycle service's Prometheus counters (in service-kit's registry). */
import client from 'prom-client';
import { registry } from '@vaultx/service-kit';

export const gcChunksDeleted = new client.Counter({
  name: 'vaultx_gc_chunks_deleted_total',
  help: 'Chunks deleted by the collector (unreferenced for longer than the grace period).',
  registers: [registry],
});

export const gcBytesFreed = new client.Counter({
  name: 'vaultx_gc_bytes_freed_total',
  help: 'Bytes on disk freed by the collector.',
  registers: [registry],
});

export const gcRuns = new client.Counter({
  name: 'vaultx_gc_runs_total',
  help: 'Collector runs completed.',
  registers: [registry],
});
