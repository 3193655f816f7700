import type { FastifyInstance } from 'fastify';
import { registry } from './metrics.ts';

export interface ReadinessCheck {
  name: string;
  /** Resolves when healthy; throws (or rejects) with the reason otherwise. */
  check: () => Promise<void>;
}

const startedAt = Date.now();

async function runChecks(checks: ReadinessCheck[]): Promise<{ ok: boolean; checks: Record<string, string> }> {
  const results: Record<string, string> = {};
  let ok = true;
  await Promise.all(
    checks.map(async (c) => {
      try {
        await withTimeout(c.check(), 2000);
        results[c.name] = 'ok';
      } catch (e) {
        ok = false;
        results[c.name] = e instanceof Error ? e.message : String(e);
      }
    }),
  );
  return { ok, checks: results };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => { clearTimeout(t); resolve(v); },
      (e) => { clearTimeout(t); reject(e); },
    );
  });
}

export function registerHealthRoutes(
  app: FastifyInstance,
  service: string,
  checks: ReadinessCheck[],
  info?: () => Record<string, unknown>,
): void {
  app.get('/health', async (req, reply) => {
    req.operation = 'Health';
    const r = await runChecks(checks);
    reply.code(r.ok ? 200 : 503);
    return {
      status: r.ok ? 'ok' : 'unavailable',
      service,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      checks: r.checks,
      ...(info ? info() : {}),
    };
  });
  app.get('/health/liveness', async (req) => {
    req.operation = 'Liveness';
    return { status: 'ok' };
  });
  app.get('/health/readiness', async (req, reply) => {
    req.operation = 'Readiness';
    const r = await runChecks(checks);
    reply.code(r.ok ? 200 : 503);
    return { status: r.ok ? 'ok' : 'unavailable', checks: r.checks };
  });
  app.get('/health/metrics', async (req, reply) => {
    req.operation = 'Metrics';
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
}
