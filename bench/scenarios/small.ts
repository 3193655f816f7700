/**
 * 4 KiB objects at concurrency 32: PUT ops/s, then GET ops/s, with p50/p99
 * latency — against the trivial server (answers from memory) and VaultX, the
 * same client code. Each phase runs until `smallMaxOps` operations or
 * `smallMaxSecs` seconds, whichever comes first, after a warm-up.
 *
 * Bodies are random and unique per key (neither dedup nor compression help);
 * VaultX's GET bodies are checked against what was PUT.
 */
import { Target } from '../lib/client.ts';
import { smallBody } from '../lib/data.ts';
import { percentile } from '../lib/report.ts';
import { CREDS, startCeiling } from '../lib/servers.ts';
import { WrongBytesError, now, type Ctx } from '../lib/context.ts';

export const SMALL_BUCKET = 'bench-small';
const WARM_MAX = 200_000;
export const smallKey = (i: number) => `obj/${String(i).padStart(7, '0')}`;

export interface PhaseResult {
  ops: number;
  secs: number;
  opsPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  firstError?: string;
  wrongBodies: number;
}

/** Runs `op(i)` from `concurrency` workers until maxOps or maxSecs. */
async function phase(
  concurrency: number,
  maxOps: number,
  maxSecs: number,
  op: (i: number) => Promise<{ ok: boolean; error?: string; wrong?: boolean }>,
): Promise<PhaseResult> {
  const lat = new Float64Array(maxOps);
  let next = 0;
  let done = 0;
  let errors = 0;
  let wrongBodies = 0;
  let firstError: string | undefined;
  const t0 = now();
  const deadline = t0 + maxSecs * 1000;
  const worker = async () => {
    for (;;) {
      if (next >= maxOps || now() >= deadline) return;
      const i = next++;
      const s = now();
      let r: { ok: boolean; error?: string; wrong?: boolean };
      try {
        r = await op(i);
      } catch (e) {
        r = { ok: false, error: e instanceof Error ? e.message : String(e) };
      }
      lat[done++] = now() - s;
      if (!r.ok) {
        errors++;
        firstError ??= r.error;
      }
      if (r.wrong) wrongBodies++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const secs = (now() - t0) / 1000;
  const sorted = lat.subarray(0, done).sort();
  return { ops: done, secs, opsPerSec: done / secs, p50: percentile(sorted, 50), p99: percentile(sorted, 99), errors, firstError, wrongBodies };
}

export function putOp(t: Target, bucket: string, size: number, keyOf: (i: number) => string) {
  return async (i: number) => {
    const key = keyOf(i);
    const r = await t.send('PUT', t.path(bucket, key), { body: smallBody(key, size) });
    return r.status === 200 ? { ok: true } : { ok: false, error: `PUT ${key}: HTTP ${r.status} ${r.body.toString().slice(0, 200)}` };
  };
}

function getOp(t: Target, bucket: string, size: number, nKeys: number, checkBody: boolean) {
  return async () => {
    const key = smallKey(Math.floor(Math.random() * nKeys));
    const r = await t.send('GET', t.path(bucket, key));
    if (r.status !== 200) return { ok: false, error: `GET ${key}: HTTP ${r.status} ${r.body.toString().slice(0, 200)}` };
    const same = r.body.equals(smallBody(key, size)); // the ceiling pays the same comparison
    return { ok: true, wrong: checkBody && !same };
  };
}

/** Fills keys obj/<from> … obj/<to-1> in VaultX (untimed). */
export async function fillSmall(ctx: Ctx, from: number, to: number): Promise<void> {
  if (to <= from) return;
  ctx.log(`  filling ${to - from} keys of ${ctx.sizes.smallSize} B …`);
  const put = putOp(ctx.vxt, SMALL_BUCKET, ctx.sizes.smallSize, (i) => smallKey(from + i));
  const r = await phase(ctx.sizes.smallConcurrency, to - from, 3600, put);
  if (r.errors) throw new Error(`fill: ${r.errors} errors, first: ${r.firstError}`);
}

function figures(ctx: Ctx, what: 'put' | 'get', vx: PhaseResult, ceil: PhaseResult, minOps: number) {
  const s = ctx.sizes;
  const kib = `${s.smallSize / 1024}kib`;
  const extra = { ops: vx.ops, seconds: +vx.secs.toFixed(3), concurrency: s.smallConcurrency, errors: vx.errors, ceiling_ops: ceil.ops };
  const ceilingName = 'trivial';
  ctx.figures.push(
    {
      scenario: `${what}_${kib}_ops`,
      value: vx.errors === vx.ops ? null : vx.opsPerSec,
      note: vx.errors ? `errors: ${vx.errors}` : undefined,
      unit: 'ops/s',
      better: 'higher',
      digits: 0,
      ceiling: ceil.opsPerSec,
      ceilingName,
      target: { op: '>=', value: minOps, text: `≥ ${minOps.toLocaleString('en-US')}/s` },
      extra: vx.errors ? { ...extra, first_error: vx.firstError } : extra,
    },
    {
      scenario: `${what}_${kib}_p50`,
      value: vx.p50,
      unit: 'ms',
      better: 'lower',
      digits: 2,
      ceiling: ceil.p50,
      ceilingName,
    },
    {
      scenario: `${what}_${kib}_p99`,
      value: vx.p99,
      unit: 'ms',
      better: 'lower',
      digits: 2,
      ceiling: ceil.p99,
      ceilingName,
      target: { op: '<', value: 20, text: '< 20 ms' },
    },
  );
}

export async function runSmall(ctx: Ctx, want: { put: boolean; get: boolean }): Promise<void> {
  const s = ctx.sizes;
  const size = s.smallSize;
  await ctx.ensureBucket(SMALL_BUCKET);
  const trivial = await startCeiling('trivial', { logDir: ctx.logDir });
  const tt = new Target({ name: 'trivial', origin: trivial.origin, ...CREDS, connections: s.smallConcurrency });
  try {
    let vxPut: PhaseResult | undefined;
    let ceilPut: PhaseResult | undefined;
    // ---- PUT
    if (want.put) {
      await phase(s.smallConcurrency, WARM_MAX, s.smallWarmupSecs, putOp(tt, SMALL_BUCKET, size, (i) => `warm/${i}`));
      ctx.log(`  trivial: PUT ${size} B × ≤${s.smallMaxOps} or ${s.smallMaxSecs} s at concurrency ${s.smallConcurrency} …`);
      ceilPut = await phase(s.smallConcurrency, s.smallMaxOps, s.smallMaxSecs, putOp(tt, SMALL_BUCKET, size, smallKey));
      if (ceilPut.errors) throw new Error(`trivial server PUT: ${ceilPut.errors} errors; first: ${ceilPut.firstError}`);

      await phase(s.smallConcurrency, WARM_MAX, s.smallWarmupSecs, putOp(ctx.vxt, SMALL_BUCKET, size, (i) => `warm/${String(i).padStart(7, '0')}`));
      ctx.log(`  VaultX: PUT ${size} B …`);
      ctx.rss.begin(`put_${size / 1024}kib`);
      vxPut = await phase(s.smallConcurrency, s.smallMaxOps, s.smallMaxSecs, putOp(ctx.vxt, SMALL_BUCKET, size, smallKey));
      ctx.rss.end();
      // keys 0..ops-1 were attempted; only count them as present if all succeeded
      ctx.state.smallKeys = vxPut.errors ? 0 : vxPut.ops;
      figures(ctx, 'put', vxPut, ceilPut, 3000);
      if (vxPut.errors) throw new Error(`PUT 4 KiB: ${vxPut.errors} of ${vxPut.ops} requests failed; first: ${vxPut.firstError}`);
      ctx.log(`    VaultX ${vxPut.opsPerSec.toFixed(0)}/s (p99 ${vxPut.p99.toFixed(1)} ms) vs trivial ${ceilPut.opsPerSec.toFixed(0)}/s`);
    }
    // ---- GET
    if (want.get) {
      const have = ctx.state.smallKeys ?? 0;
      const nKeys = Math.max(have, Math.min(s.smallMaxOps, 2000));
      await fillSmall(ctx, have, nKeys);
      ctx.state.smallKeys = nKeys;
      await phase(s.smallConcurrency, WARM_MAX, s.smallWarmupSecs, getOp(tt, SMALL_BUCKET, size, nKeys, false));
      ctx.log(`  trivial: GET ${size} B over ${nKeys} keys …`);
      const ceilGet = await phase(s.smallConcurrency, s.smallMaxOps, s.smallMaxSecs, getOp(tt, SMALL_BUCKET, size, nKeys, false));
      if (ceilGet.errors) throw new Error(`trivial server GET: ${ceilGet.errors} errors; first: ${ceilGet.firstError}`);
      await phase(s.smallConcurrency, WARM_MAX, s.smallWarmupSecs, getOp(ctx.vxt, SMALL_BUCKET, size, nKeys, true));
      ctx.log(`  VaultX: GET ${size} B …`);
      ctx.rss.begin(`get_${size / 1024}kib`);
      const vxGet = await phase(s.smallConcurrency, s.smallMaxOps, s.smallMaxSecs, getOp(ctx.vxt, SMALL_BUCKET, size, nKeys, true));
      ctx.rss.end();
      if (vxGet.wrongBodies) throw new WrongBytesError(`GET 4 KiB: ${vxGet.wrongBodies} bodies differ from what was PUT`);
      figures(ctx, 'get', vxGet, ceilGet, 8000);
      if (vxGet.errors) throw new Error(`GET 4 KiB: ${vxGet.errors} of ${vxGet.ops} requests failed; first: ${vxGet.firstError}`);
      ctx.log(`    VaultX ${vxGet.opsPerSec.toFixed(0)}/s (p99 ${vxGet.p99.toFixed(1)} ms) vs trivial ${ceilGet.opsPerSec.toFixed(0)}/s`);
    }
  } finally {
    await tt.close();
    await trivial.stop();
  }
}
