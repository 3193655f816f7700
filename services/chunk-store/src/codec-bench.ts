/**
 * Measures what compression and verification cost on this machine, per core:
 *   node --import tsx services/chunk-store/src/codec-bench.ts
 * Prints MB/s (plaintext bytes per second) and ratios, as a table and as JSON lines.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openFileChunkBackend } from '@vaultx/storage';
import { DEFAULT_ENCODE_OPTIONS, DecoderCore, EncoderCore } from './codec.ts';
import { ChunkStoreService } from './chunk-store-service.ts';
import { randomish, textLike } from './test-data.ts';

const MiB = 1024 * 1024;
const CHUNK = 5 * MiB;
const PIECE = 64 * 1024;
const rows: Array<{ what: string; mbps: number; ratio?: number; mainMsPerMiB?: number }> = [];

function pieces(b: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let o = 0; o < b.length; o += PIECE) out.push(b.subarray(o, o + PIECE));
  return out;
}

function measure(what: string, bytes: number, reps: number, fn: () => number | void): void {
  fn(); // warm up
  const t0 = process.hrtime.bigint();
  let ratio: number | undefined;
  for (let i = 0; i < reps; i++) {
    const r = fn();
    if (typeof r === 'number') ratio = r;
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  rows.push({ what, mbps: Math.round((bytes * reps) / s / 1e6), ...(ratio !== undefined ? { ratio: Math.round(ratio * 1000) / 1000 } : {}) });
}

const text = textLike(CHUNK, 1);
const rnd = randomish(CHUNK, 2);

for (const level of [1, 3]) {
  measure(`encode text, zstd level ${level} (SHA-256 + trial + zstd)`, CHUNK, 10, () => {
    const e = new EncoderCore({ ...DEFAULT_ENCODE_OPTIONS, level });
    for (const p of pieces(text)) e.push(p);
    const r = e.finish();
    return r.storedSize / r.size;
  });
}
measure('encode random (SHA-256 + 64 KiB trial, rejected)', CHUNK, 20, () => {
  const e = new EncoderCore(DEFAULT_ENCODE_OPTIONS);
  for (const p of pieces(rnd)) e.push(p);
  const r = e.finish();
  return r.storedSize / r.size;
});
measure('encode with an incompressible hint (SHA-256 only)', CHUNK, 20, () => {
  const e = new EncoderCore({ ...DEFAULT_ENCODE_OPTIONS, tryCompress: false });
  for (const p of pieces(rnd)) e.push(p);
  e.finish();
});
measure('SHA-256 alone', CHUNK, 20, () => {
  createHash('sha256').update(rnd).digest();
});
measure('MD5 alone (the gateway ETag)', CHUNK, 20, () => {
  createHash('md5').update(rnd).digest();
});

// decode + verify
const enc = new EncoderCore(DEFAULT_ENCODE_OPTIONS);
const stored: Buffer[] = [];
for (const p of pieces(text)) stored.push(...enc.push(p).out);
const fin = enc.finish();
stored.push(...fin.out);
const storedAll = Buffer.concat(stored);
measure('decode text: zstd + SHA-256 verify', CHUNK, 10, () => {
  const d = new DecoderCore({ id: fin.id, encoding: fin.encoding, size: fin.size });
  for (let o = 0; o < storedAll.length; o += 256 * 1024) d.push(storedAll.subarray(o, o + 256 * 1024));
  d.finish();
});
const rid = createHash('sha256').update(rnd).digest('hex');
measure('read raw: SHA-256 verify', CHUNK, 20, () => {
  const d = new DecoderCore({ id: rid, encoding: 0, size: rnd.length });
  for (const p of pieces(rnd)) d.push(p);
  d.finish();
});

// The whole chunk store write path, with fsync, on this disk (one stream), encoding on the
// main thread or in a worker; "main ms/MiB" is the main thread's busy time (event-loop utilisation).
const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vaultx-codec-bench-'));
try {
  for (const workers of [0, 1]) {
    const svc = new ChunkStoreService(await openFileChunkBackend(path.join(dir, String(workers))), { workers });
    for (const [name, gen] of [
      ['text', (i: number) => textLike(CHUNK, 100 + i)],
      ['random', (i: number) => randomish(CHUNK, 200 + i)],
    ] as const) {
      const bufs = Array.from({ length: 12 }, (_, i) => gen(i));
      await svc.putChunk((async function* () { yield gen(99); })()); // warm up (worker start)
      const elu0 = performance.eventLoopUtilization();
      const t0 = process.hrtime.bigint();
      for (const b of bufs) {
        await svc.putChunk((async function* () {
          for (const p of pieces(b)) yield p;
        })());
      }
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      const elu = performance.eventLoopUtilization(elu0);
      const mib = (bufs.length * CHUNK) / MiB;
      rows.push({
        what: `putChunk ${name}, fsync, one stream, ${workers ? 'worker thread' : 'main thread'}`,
        mbps: Math.round((bufs.length * CHUNK) / s / 1e6),
        mainMsPerMiB: Math.round((elu.active / mib) * 100) / 100,
      });
    }
    await svc.close();
  }
} finally {
  await fs.rm(dir, { recursive: true, force: true });
}

console.log(`# ${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, node ${process.version}, zstd via zstd-napi`);
for (const r of rows) console.log(`${r.what.padEnd(58)} ${String(r.mbps).padStart(6)} MB/s${r.ratio !== undefined ? `   stored/plain ${r.ratio}` : ''}${r.mainMsPerMiB !== undefined ? `   main thread ${r.mainMsPerMiB} ms/MiB` : ''}`);
for (const r of rows) console.log(JSON.stringify(r));
