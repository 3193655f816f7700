/** The chunk store's Prometheus counters (in service-kit's registry). */
import client from 'prom-client';
import { registry } from '@vaultx/service-kit';

export const chunkCorruptions = new client.Counter({
  name: 'vaultx_chunk_corruptions_total',
  help: 'Stored chunks found corrupt (hash, length or decoding mismatch) and quarantined.',
  registers: [registry],
});

export const chunkBytesWritten = new client.Counter({
  name: 'vaultx_chunk_bytes_total',
  help: 'Chunk bytes written: plaintext received and encoded bytes stored, by encoding (new chunks only).',
  labelNames: ['kind', 'encoding'] as const,
  registers: [registry],
});
