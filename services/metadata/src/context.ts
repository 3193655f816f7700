/** What every part of the metadata logic shares. */
import { S3Error } from '@vaultx/s3-protocol';
import type { KvEntry, MetaKV } from '@vaultx/storage';
import { prefixRange } from '@vaultx/storage';

export interface Ctx {
  kv: MetaKV;
  now: () => Date;
  /**
   * Object writes in flight in this process: KV object key → chunk id → how
   * many writers are about to reference it. A writer includes these chunks'
   * r/ keys in its update so that replacing a record written concurrently by
   * another writer of this process needs no retry (see objects.ts).
   */
  intents: Map<string, Map<string, number>>;
}

/**
 * Thrown inside a kv.update fn when the keys it was given no longer cover what
 * it found (an optimistic read went stale); the caller retries, starting from
 * what the failed attempt saw (`seen`).
 */
export class Retry<S = unknown> extends Error {
  constructor(readonly seen?: S) {
    super('retry');
  }
}

export const MAX_ATTEMPTS = 50;

/** Runs `attempt` until it stops throwing Retry (bounded; SlowDown after that). */
export async function withRetry<T, S = unknown>(attempt: (last?: Retry<S>) => Promise<T>): Promise<T> {
  let last: Retry<S> | undefined;
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    try {
      return await attempt(last);
    } catch (e) {
      if (!(e instanceof Retry)) throw e;
      last = e as Retry<S>;
    }
  }
  throw new S3Error('SlowDown', 'Too much contention on this resource; please retry.');
}

/** Every entry whose key starts with `prefix`, in UTF-8 order. */
export async function* scanPrefix<T>(kv: MetaKV, prefix: string, limit?: number): AsyncIterable<KvEntry<T>> {
  yield* kv.scan<T>({ ...prefixRange(prefix), ...(limit !== undefined ? { limit } : {}) });
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
