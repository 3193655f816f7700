/**
 * Single-stream PUT and GET of one large object (1 GiB; 128 MiB with --quick).
 *
 * PUT: the durable sink first, then VaultX, the same client code and the same
 * bytes (an AES-CTR keystream unique to this run). The sink answers with the
 * MD5 it computed; VaultX's ETag must equal it (wrong bytes otherwise).
 * GET: the file server streams the sink's file (read once before, so it is in
 * the page cache), then VaultX streams the object, twice each (the best run
 * of each side counts); both are checked byte for byte against the
 * regenerated keystream while they arrive.
 */
import { closeSync, createReadStream, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { Target, expectOk, header } from '../lib/client.ts';
import { keystreamBody, KeystreamVerifier } from '../lib/data.ts';
import { startCeiling } from '../lib/servers.ts';
import { CREDS } from '../lib/servers.ts';
import { WrongBytesError, mb, now, type Ctx, MiB } from '../lib/context.ts';

const BUCKET = 'bench-big';
/** GETs are cheap to repeat (PUTs are not: a second PUT of the same bytes would dedup); the best of each side counts */
const GET_RUNS = 2;

function ceilingTarget(name: string, origin: string, connections = 4): Target {
  return new Target({ name, origin, ...CREDS, connections });
}

async function warmFile(file: string): Promise<void> {
  await pipeline(createReadStream(file, { highWaterMark: 1024 * 1024 }), new Writable({ write: (_c, _e, cb) => cb() }));
}

export async function runBig(ctx: Ctx, want: { put: boolean; get: boolean }): Promise<void> {
  const size = ctx.sizes.big;
  const label = size >= 1024 * MiB ? `${size / (1024 * MiB)}gib` : `${size / MiB}mib`;
  const stream = `big:${Date.now()}`;
  const key = 'big.bin';
  const sinkPath = '/bench/big.bin';
  const sinkFile = join(ctx.sinkDir, 'bench_big.bin');
  await ctx.ensureBucket(BUCKET);

  // ---- PUT: sink
  const sink = await startCeiling('sink', { dir: ctx.sinkDir, logDir: ctx.logDir });
  const st = ceilingTarget('sink', sink.origin);
  let sinkSecs = 0;
  let sinkEtag: string | undefined;
  try {
    // warm-up: one 8 MiB PUT (own bytes), so connection setup and JIT are out of the figure
    expectOk(await st.putStream('/bench/warm.bin', keystreamBody(stream + ':warm-sink', 8 * MiB), 8 * MiB), 'sink warm-up PUT');
    ctx.log(`  sink: PUT ${label} …`);
    const t0 = now();
    const r = await st.putStream(sinkPath, keystreamBody(stream, size), size);
    sinkSecs = (now() - t0) / 1000;
    expectOk(r, 'sink PUT');
    sinkEtag = header(r.headers, 'etag');
  } finally {
    await st.close();
    await sink.stop();
    rmSync(join(ctx.sinkDir, 'bench_warm.bin'), { force: true });
  }

  // ---- PUT: VaultX
  const vpath = ctx.vxt.path(BUCKET, key);
  expectOk(await ctx.vxt.putStream(ctx.vxt.path(BUCKET, 'warm.bin'), keystreamBody(stream + ':warm-vx', 8 * MiB), 8 * MiB), 'VaultX warm-up PUT');
  ctx.log(`  VaultX: PUT ${label} …`);
  ctx.rss.begin(`put_${label}`);
  const t0 = now();
  const r = await ctx.vxt.putStream(vpath, keystreamBody(stream, size), size);
  const vxSecs = (now() - t0) / 1000;
  ctx.rss.end();
  expectOk(r, 'VaultX PUT');
  const vxEtag = header(r.headers, 'etag');
  if (!sinkEtag || vxEtag !== sinkEtag) throw new WrongBytesError(`PUT ${label}: VaultX ETag ${vxEtag} ≠ MD5 of the bytes sent ${sinkEtag}`);
  if (want.put) {
    ctx.figures.push({
      scenario: `put_${label}`,
      value: mb(size, vxSecs),
      unit: 'MB/s',
      better: 'higher',
      ceiling: mb(size, sinkSecs),
      ceilingName: 'sink',
      target: { op: '>=', value: 0.85, text: '≥ 0.85 × sink', onFraction: true },
      extra: { bytes: size, seconds: +vxSecs.toFixed(3), ceiling_seconds: +sinkSecs.toFixed(3), etag: vxEtag },
    });
  }

  if (want.get) {
    // ---- GET: file server
    const fsrv = await startCeiling('file-server', { dir: ctx.sinkDir, logDir: ctx.logDir });
    const ft = ceilingTarget('file-server', fsrv.origin);
    const fileRuns: number[] = [];
    try {
      await warmFile(sinkFile); // into the page cache
      // warm-up GET of a small file, as VaultX gets one below
      const warm = Buffer.alloc(8 * MiB);
      const fd = openSync(sinkFile, 'r');
      readSync(fd, warm, 0, warm.length, 0);
      closeSync(fd);
      writeFileSync(join(ctx.sinkDir, 'bench_warm.bin'), warm);
      await ft.getStream('/bench/warm.bin', () => {});
      for (let run = 0; run < GET_RUNS; run++) {
        ctx.log(`  file server: GET ${label} (${run + 1}/${GET_RUNS}) …`);
        const v = new KeystreamVerifier(stream);
        const t1 = now();
        const g = await ft.getStream(sinkPath, (b) => v.update(b));
        fileRuns.push((now() - t1) / 1000);
        if (g.status !== 200 || g.bytes !== size || !v.ok) throw new Error(`file server GET: status ${g.status}, ${g.bytes} bytes, mismatch at ${v.firstMismatch}`);
      }
    } finally {
      await ft.close();
      await fsrv.stop();
      rmSync(join(ctx.sinkDir, 'bench_warm.bin'), { force: true });
    }

    // ---- GET: VaultX
    await ctx.vxt.getStream(ctx.vxt.path(BUCKET, 'warm.bin'), () => {});
    const vxRuns: number[] = [];
    ctx.rss.begin(`get_${label}`);
    for (let run = 0; run < GET_RUNS; run++) {
      ctx.log(`  VaultX: GET ${label} (${run + 1}/${GET_RUNS}) …`);
      const v = new KeystreamVerifier(stream);
      const t1 = now();
      const g = await ctx.vxt.getStream(vpath, (b) => v.update(b));
      vxRuns.push((now() - t1) / 1000);
      if (g.status !== 200) throw new Error(`VaultX GET: HTTP ${g.status} ${g.errorBody?.slice(0, 300)}`);
      if (g.bytes !== size || !v.ok) throw new WrongBytesError(`GET ${label}: ${g.bytes} of ${size} bytes, first wrong byte at ${v.firstMismatch}`);
    }
    ctx.rss.end();
    const getSecs = Math.min(...vxRuns);
    const fileSecs = Math.min(...fileRuns);
    ctx.figures.push({
      scenario: `get_${label}`,
      value: mb(size, getSecs),
      unit: 'MB/s',
      better: 'higher',
      ceiling: mb(size, fileSecs),
      ceilingName: 'file server',
      target: { op: '>=', value: 0.6, text: '≥ 0.60 × file server', onFraction: true },
      extra: {
        bytes: size,
        runs: GET_RUNS,
        seconds: +getSecs.toFixed(3),
        ceiling_seconds: +fileSecs.toFixed(3),
        runs_mbps: vxRuns.map((t) => +mb(size, t).toFixed(1)),
        ceiling_runs_mbps: fileRuns.map((t) => +mb(size, t).toFixed(1)),
      },
    });
  }
  rmSync(sinkFile, { force: true });
}
