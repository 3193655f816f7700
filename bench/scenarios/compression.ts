/**
 * Compression: text-like data — log lines, JSON lines, CSV (a third each,
 * 100 MiB in all; 12 MiB with --quick), generated from a seeded PRNG so every
 * run's bytes are new — PUT with text content types. Disk bytes are measured
 * under <dataDir>/chunks before and after each object.
 *
 *   ratio = disk bytes / logical bytes      (lower is better)
 *
 * The "ceiling" is a reference, not a bound: gzip -6 (node:zlib) of each
 * whole object; fraction = gzip ratio / VaultX ratio. The target reads the
 * issue's "markedly less disk than its size" as ratio ≤ 0.5.
 * Checks: ETag = MD5 of the bytes sent, and each object reads back with the
 * same MD5.
 */
import { createGzip } from 'node:zlib';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { expectOk, header } from '../lib/client.ts';
import { textBody, type TextKind } from '../lib/data.ts';
import { diskUsage } from '../lib/disk.ts';
import { WrongBytesError, type Ctx, MiB } from '../lib/context.ts';

const BUCKET = 'bench-compression';
const KINDS: Array<{ kind: TextKind; contentType: string }> = [
  { kind: 'log', contentType: 'text/plain' },
  { kind: 'json', contentType: 'application/x-ndjson' },
  { kind: 'csv', contentType: 'text/csv' },
];

async function gzipSize(kind: TextKind, len: number, seed: Buffer): Promise<number> {
  let n = 0;
  await pipeline(
    Readable.from(textBody(kind, len, seed)),
    createGzip({ level: 6 }),
    new Writable({
      write(c: Buffer, _e, cb) {
        n += c.length;
        cb();
      },
    }),
  );
  return n;
}

export async function runCompression(ctx: Ctx): Promise<void> {
  const total = ctx.sizes.textSize;
  const each = Math.floor(total / KINDS.length / 16) * 16;
  const chunksDir = join(ctx.vx.dataDir, 'chunks');
  await ctx.ensureBucket(BUCKET);
  const per: Record<string, { logical: number; disk: number; ratio: number; gzip_ratio: number }> = {};
  let logical = 0;
  let disk = 0;
  let gz = 0;
  ctx.rss.begin('compression');
  for (const { kind, contentType } of KINDS) {
    const seed = randomBytes(16);
    const md5 = createHash('md5');
    const key = `text.${kind}`;
    ctx.log(`  VaultX: PUT ${(each / MiB).toFixed(1)} MiB of ${kind} (${contentType}) …`);
    const before = await diskUsage(chunksDir);
    const body = (async function* () {
      for await (const b of textBody(kind, each, seed)) {
        md5.update(b);
        yield b;
      }
    })();
    const r = await ctx.vxt.putStream(ctx.vxt.path(BUCKET, key), body, each, [], { 'content-type': contentType });
    expectOk(r, `PUT ${key}`);
    const after = await diskUsage(chunksDir);
    const want = `"${md5.digest('hex')}"`;
    if (header(r.headers, 'etag') !== want) throw new WrongBytesError(`${key}: ETag ${header(r.headers, 'etag')} ≠ MD5 of the bytes ${want}`);
    const back = createHash('md5');
    const g = await ctx.vxt.getStream(ctx.vxt.path(BUCKET, key), (b) => back.update(b));
    const got = `"${back.digest('hex')}"`;
    if (g.status !== 200 || g.bytes !== each || got !== want) throw new WrongBytesError(`${key}: read back HTTP ${g.status}, ${g.bytes} bytes, MD5 ${got} ≠ ${want}`);
    const d = after.bytes - before.bytes;
    const gzBytes = await gzipSize(kind, each, seed);
    per[kind] = { logical: each, disk: d, ratio: +(d / each).toFixed(4), gzip_ratio: +(gzBytes / each).toFixed(4) };
    logical += each;
    disk += d;
    gz += gzBytes;
  }
  ctx.rss.end();
  ctx.figures.push({
    scenario: 'compression_ratio',
    value: disk / logical,
    unit: '× logical',
    better: 'lower',
    digits: 3,
    ceiling: gz / logical,
    ceilingName: 'gzip -6',
    target: { op: '<=', value: 0.5, text: '≤ 0.5 ("markedly less")' },
    extra: { logical_bytes: logical, disk_bytes: disk, per_kind: per },
  });
}
