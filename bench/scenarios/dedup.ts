/**
 * Dedup: ten copies of the same 100 MiB (16 MiB with --quick) of random bytes
 * under different keys, alternating between two buckets. Bytes on disk are
 * the sum of file sizes under <dataDir>/chunks (each inode once), measured
 * before, after the first copy, and after the tenth.
 *
 *   growth = (after ten − after one) / (after one − before)     target ≤ 5 %
 *
 * Also reported: the first copy's disk bytes over its logical size (random
 * data is incompressible, so ≈ 1.0: stored as is plus chunk headers).
 * Checks: every copy's ETag is the MD5 of the bytes (computed while sending
 * the first copy, untimed), and the last copy reads back byte-identical.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { expectOk, header } from '../lib/client.ts';
import { keystreamBody, KeystreamVerifier } from '../lib/data.ts';
import { diskUsage } from '../lib/disk.ts';
import { WrongBytesError, type Ctx, MiB } from '../lib/context.ts';

const BUCKETS = ['bench-dedup-a', 'bench-dedup-b'];

async function* tee(src: AsyncIterable<Buffer>, h: ReturnType<typeof createHash>): AsyncGenerator<Buffer> {
  for await (const b of src) {
    h.update(b);
    yield b;
  }
}

export async function runDedup(ctx: Ctx): Promise<void> {
  const { dedupSize: size, dedupCopies: copies } = ctx.sizes;
  const stream = `dedup:${Date.now()}`;
  const chunksDir = join(ctx.vx.dataDir, 'chunks');
  for (const b of BUCKETS) await ctx.ensureBucket(b);
  ctx.log(`  VaultX: ${copies} copies of ${size / MiB} MiB …`);
  ctx.rss.begin('dedup');
  const before = await diskUsage(chunksDir);
  const md5 = createHash('md5');
  const etags: string[] = [];
  let afterOne = before;
  for (let c = 0; c < copies; c++) {
    const body = c === 0 ? tee(keystreamBody(stream, size), md5) : keystreamBody(stream, size);
    const r = await ctx.vxt.putStream(ctx.vxt.path(BUCKETS[c % 2], `copy-${c}.bin`), body, size);
    expectOk(r, `dedup PUT copy ${c}`);
    etags.push(header(r.headers, 'etag') ?? '');
    if (c === 0) afterOne = await diskUsage(chunksDir);
  }
  const afterAll = await diskUsage(chunksDir);
  ctx.rss.end();
  const want = `"${md5.digest('hex')}"`;
  etags.forEach((e, i) => {
    if (e !== want) throw new WrongBytesError(`dedup copy ${i}: ETag ${e} ≠ MD5 of the bytes ${want}`);
  });
  const last = copies - 1;
  const v = new KeystreamVerifier(stream);
  const g = await ctx.vxt.getStream(ctx.vxt.path(BUCKETS[last % 2], `copy-${last}.bin`), (b) => v.update(b));
  if (g.status !== 200 || g.bytes !== size || !v.ok) throw new WrongBytesError(`dedup copy ${last}: HTTP ${g.status}, ${g.bytes} bytes, first wrong byte at ${v.firstMismatch}`);

  const one = afterOne.bytes - before.bytes;
  const ten = afterAll.bytes - before.bytes;
  const growth = one > 0 ? ((ten - one) / one) * 100 : NaN;
  const mib = (b: number) => +(b / MiB).toFixed(2);
  ctx.figures.push(
    {
      scenario: 'dedup_growth',
      value: growth,
      unit: '%',
      better: 'lower',
      digits: 2,
      target: { op: '<=', value: 5, text: '≤ 5 %' },
      extra: { object_bytes: size, copies, one_copy_disk_bytes: one, all_copies_disk_bytes: ten, one_copy_disk_mib: mib(one), all_copies_disk_mib: mib(ten), allocated_one: afterOne.allocated - before.allocated, allocated_all: afterAll.allocated - before.allocated },
    },
    {
      scenario: 'random_disk_ratio',
      value: one / size,
      unit: '× logical',
      better: 'lower',
      digits: 3,
      extra: { logical_bytes: size, disk_bytes: one, note: 'incompressible data: ≈1.0 means stored as is' },
    },
  );
}
