/**
 * LIST over 10,000 keys, 1,000 per page: ListObjectsV2 from the start of the
 * small-object bucket, following NextContinuationToken for 10 pages. The keys
 * are those the 4 KiB PUT phase wrote (filled up to 10,000 if it wrote fewer).
 * One untimed listing first, then `listRuns` timed ones; the figure is the
 * median. Checks: exactly 10,000 distinct keys, in ascending order.
 * No ceiling: the target is absolute (≤ 150 ms).
 */
import { expectOk } from '../lib/client.ts';
import { median } from '../lib/report.ts';
import { now, type Ctx } from '../lib/context.ts';
import { SMALL_BUCKET, fillSmall } from './small.ts';

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_m, e: string) => {
    switch (e) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'amp':
        return '&';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default:
        return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    }
  });
}

async function listOnce(ctx: Ctx, nKeys: number, page: number): Promise<{ ms: number; keys: string[]; pages: number }> {
  const keys: string[] = [];
  let token: string | undefined;
  let pages = 0;
  const t0 = now();
  while (keys.length < nKeys) {
    const q: Array<[string, string]> = [
      ['list-type', '2'],
      ['max-keys', String(Math.min(page, nKeys - keys.length))],
    ];
    if (token) q.push(['continuation-token', token]);
    const r = await ctx.vxt.send('GET', ctx.vxt.path(SMALL_BUCKET), { query: q });
    expectOk(r, 'ListObjectsV2');
    pages++;
    const xml = r.body.toString('utf8');
    for (const m of xml.matchAll(/<Key>([^<]*)<\/Key>/g)) keys.push(unescapeXml(m[1]));
    const truncated = /<IsTruncated>true<\/IsTruncated>/.test(xml);
    token = /<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(xml)?.[1];
    if (token) token = unescapeXml(token);
    if (!truncated || !token) break;
  }
  return { ms: now() - t0, keys, pages };
}

export async function runList(ctx: Ctx): Promise<void> {
  const { listKeys: n, listPage: page, listRuns } = ctx.sizes;
  await ctx.ensureBucket(SMALL_BUCKET);
  const have = ctx.state.smallKeys ?? 0;
  if (have < n) {
    await fillSmall(ctx, have, n);
    ctx.state.smallKeys = n;
  }
  ctx.log(`  VaultX: LIST ${n} keys, ${page} per page, ${listRuns} runs …`);
  ctx.rss.begin('list');
  const first = await listOnce(ctx, n, page);
  const times: number[] = [];
  for (let i = 0; i < listRuns; i++) {
    const r = await listOnce(ctx, n, page);
    if (r.keys.length !== n) throw new Error(`LIST returned ${r.keys.length} keys, expected ${n}`);
    for (let k = 1; k < r.keys.length; k++) {
      if (!(r.keys[k - 1] < r.keys[k])) throw new Error(`LIST keys out of order or repeated at ${k}: ${r.keys[k - 1]} ≥ ${r.keys[k]}`);
    }
    times.push(r.ms);
  }
  ctx.rss.end();
  ctx.figures.push({
    scenario: `list_${n / 1000}k_keys`,
    value: median(times),
    unit: 'ms',
    better: 'lower',
    digits: 1,
    target: { op: '<=', value: 150, text: '≤ 150 ms' },
    extra: { keys: n, page_size: page, pages: first.pages, runs_ms: times.map((t) => +t.toFixed(1)), first_ms: +first.ms.toFixed(1) },
  });
}
