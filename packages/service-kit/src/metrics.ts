/**
 * Prometheus metrics, one registry per process (services in one process share
 * it and are told apart by the `service` label).
 */
import client from 'prom-client';

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: 'vaultx_' });

export const httpRequests = new client.Counter({
  name: 'vaultx_http_requests_total',
  help: 'HTTP requests served, by service, operation and status.',
  labelNames: ['service', 'operation', 'status'] as const,
  registers: [registry],
});

export const httpDuration = new client.Histogram({
  name: 'vaultx_http_request_duration_seconds',
  help: 'HTTP request latency (until the response is fully sent).',
  labelNames: ['service', 'operation'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

export const httpBytesIn = new client.Counter({
  name: 'vaultx_http_bytes_in_total',
  help: 'Request body bytes received.',
  labelNames: ['service', 'operation'] as const,
  registers: [registry],
});

export const httpBytesOut = new client.Counter({
  name: 'vaultx_http_bytes_out_total',
  help: 'Response body bytes sent.',
  labelNames: ['service', 'operation'] as const,
  registers: [registry],
});
