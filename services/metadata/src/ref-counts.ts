/**
 * Chunk reference counts (r/) and GC candidates (g/), see keys.ts. Objects
 * and uploads both change counts inside their own atomic kv.update; this is
 * the one place that turns a change into writes.
 */
import type { KvValue } from '@vaultx/storage';
import { type GcDoc, type RefDoc, gcKey, refKey } from './keys.ts';

/**
 * The writes that apply `delta` (chunk id → change in occurrences) to the
 * counts read in `cur`: a count reaching 0 deletes r/ and makes the chunk a
 * GC candidate (g/, stamped `now`); a count going up clears any g/ entry.
 * (A count below 0 would mean a lost increment; it is clamped to 0.)
 */
export function refDeltaWrites(
  cur: Map<string, KvValue | undefined>,
  delta: Map<string, number>,
  now: Date,
  writes: Map<string, KvValue | null>,
): void {
  for (const [id, d] of delta) {
    if (d === 0) continue;
    const before = (cur.get(refKey(id)) as RefDoc | undefined)?.count ?? 0;
    const after = before + d;
    if (after > 0) {
      writes.set(refKey(id), { count: after } satisfies RefDoc);
      if (d > 0 && cur.get(gcKey(id)) !== undefined) writes.set(gcKey(id), null);
    } else {
      writes.set(refKey(id), null);
      writes.set(gcKey(id), { since: now.toISOString() } satisfies GcDoc);
    }
  }
}
