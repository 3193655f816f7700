/**
 * What the chunk collector (services/lifecycle) asks of the metadata: GC
 * candidates (g/ entries), the reference state of chunks (r/ + g/), and
 * dropping a candidate once its chunk is gone. See keys.ts for r/ and g/ and
 * services/lifecycle/src/collector.ts for the protocol.
 */
import type { MetadataInput, MetadataOutput } from '@vaultx/metadata-client';
import type { KvValue } from '@vaultx/storage';
import type { Ctx } from './context.ts';
import { type GcDoc, type RefDoc, gcKey, refKey } from './keys.ts';

const GC_PREFIX = 'g/';
const GC_END = 'g0'; // '0' follows '/'

/** g/ entries in chunk-id order after `after`, keeping those unreferenced for at least minAgeMs. */
export async function listGcCandidates(
  ctx: Ctx,
  input: MetadataInput<'listGcCandidates'>,
): Promise<MetadataOutput<'listGcCandidates'>> {
  const limit = input.limit ?? 1000;
  const cutoff = ctx.now().getTime() - (input.minAgeMs ?? 0);
  const candidates: Array<{ id: string; since: string }> = [];
  let scanned = 0;
  let last: string | undefined;
  const range = input.after !== undefined ? { gt: gcKey(input.after), lt: GC_END } : { gte: GC_PREFIX, lt: GC_END };
  for await (const e of ctx.kv.scan<GcDoc>({ ...range, limit })) {
    scanned++;
    last = e.key.slice(GC_PREFIX.length);
    const since = Date.parse(e.value?.since ?? '');
    if (!Number.isFinite(since) || since <= cutoff) candidates.push({ id: last, since: e.value?.since ?? '' });
  }
  return scanned === limit && last !== undefined ? { candidates, next: last } : { candidates };
}

/** For each id: how many records reference it, and for how long it has been a GC candidate. */
export async function getChunkRefs(ctx: Ctx, input: MetadataInput<'getChunkRefs'>): Promise<MetadataOutput<'getChunkRefs'>> {
  const now = ctx.now().getTime();
  const chunks = await Promise.all(
    input.ids.map(async (id) => {
      const [ref, gc] = await Promise.all([ctx.kv.get<RefDoc>(refKey(id)), ctx.kv.get<GcDoc>(gcKey(id))]);
      const out: { id: string; refs: number; gcAgeMs?: number } = { id, refs: ref?.count ?? 0 };
      if (gc) {
        const since = Date.parse(gc.since);
        out.gcAgeMs = Number.isFinite(since) ? Math.max(0, now - since) : 0;
      }
      return out;
    }),
  );
  return { chunks };
}

/**
 * Removes g/<id> after its chunk was deleted (or found missing) — in one
 * update that re-reads r/<id>: if a reference appeared meanwhile the entry is
 * not the collector's to drop (an increment clears g/ anyway), and the caller
 * learns `referenced` (so it can check the chunk is really there).
 */
export async function dropGcCandidate(ctx: Ctx, input: MetadataInput<'dropGcCandidate'>): Promise<MetadataOutput<'dropGcCandidate'>> {
  const rk = refKey(input.id);
  const gk = gcKey(input.id);
  return ctx.kv.update([rk, gk], (cur) => {
    const writes = new Map<string, KvValue | null>();
    const referenced = ((cur.get(rk) as RefDoc | undefined)?.count ?? 0) > 0;
    const present = cur.get(gk) !== undefined;
    if (present && !referenced) writes.set(gk, null);
    return { writes, result: { dropped: present && !referenced, referenced } };
  });
}
