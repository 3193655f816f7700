/**
 * The lifecycle service's API (its first job: the chunk collector). The
 * service implements it directly (in-process wiring); the HTTP client POSTs
 * the input to /v1/rpc/<method> (service-kit rpc).
 */
import { z } from 'zod';

export const GcSummary = z.object({
  startedAt: z.string(),
  durationMs: z.number(),
  /** g/ entries (unreferenced chunks) old enough to look at. */
  candidates: z.number().int(),
  /** Chunks listed from the chunk store by the orphan scan this run. */
  scanned: z.number().int(),
  /** True when the orphan scan reached the end of the chunk store (it resumes where it stopped otherwise). */
  scanComplete: z.boolean(),
  deleted: z.number().int(),
  /** Bytes freed on disk (encoded size, headers included). */
  bytesFreed: z.number().int(),
  /** Not deleted: referenced, or unreferenced for less than the grace period. */
  keptReferenced: z.number().int(),
  /** Not deleted: written or dedup-touched within the grace period. */
  keptRecent: z.number().int(),
  errors: z.number().int(),
});
export type GcSummary = z.infer<typeof GcSummary>;

export const lifecycleMethods = {
  /** Runs the chunk collector now (waits for a run in progress, then runs once more) and returns its summary. */
  runGc: { input: z.object({}), output: GcSummary },
} as const;

export type LifecycleMethods = typeof lifecycleMethods;
export type LifecycleMethod = keyof LifecycleMethods;
export type LifecycleInput<M extends LifecycleMethod> = z.input<LifecycleMethods[M]['input']>;
export type LifecycleOutput<M extends LifecycleMethod> = z.output<LifecycleMethods[M]['output']>;

export type LifecycleApi = {
  [M in LifecycleMethod]: (input: LifecycleInput<M>, ctx?: { requestId?: string }) => Promise<LifecycleOutput<M>>;
};
