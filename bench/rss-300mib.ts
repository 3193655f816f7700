/**
 * Memory stays flat as objects grow: PUT a 300 MiB object through
 * @aws-sdk/client-s3 (default settings, a Readable body with ContentLength),
 * GET it back while hashing, compare SHA-256, and watch the server's RSS.
 *
 *   node --import tsx bench/rss-300mib.ts            (from the repo root)
 *   env: BENCH_SIZE_MIB (default 300), BENCH_RSS_LIMIT_MIB (default 200),
 *        BENCH_WIRING (single|split, default single)
 *
 * Prints a table and one JSON line; exits non-zero if the bytes differ or the
 * peak RSS of any server process reaches the limit.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { startVaultx, type Wiring } from '../test/e2e/harness.ts';

const MiB = 1024 * 1024;
const sizeMiB = Number(process.env.BENCH_SIZE_MIB ?? 300);
const limitMiB = Number(process.env.BENCH_RSS_LIMIT_MIB ?? 200);
const wiring = (process.env.BENCH_WIRING ?? 'single') as Wiring;
const total = sizeMiB * MiB;

/** Deterministic incompressible bytes: AES-256-CTR keystream, hashed as produced. */
function generated(totalBytes: number, hash: ReturnType<typeof createHash>): Readable {
  const cipher = createCipheriv('aes-256-ctr', Buffer.alloc(32, 7), Buffer.alloc(16, 0));
  const zeros = Buffer.alloc(256 * 1024);
  let produced = 0;
  return new Readable({
    highWaterMark: 1 * MiB,
    read() {
      if (produced >= totalBytes) {
        this.push(null);
        return;
      }
      const n = Math.min(zeros.length, totalBytes - produced);
      const chunk = cipher.update(zeros.subarray(0, n));
      produced += n;
      hash.update(chunk);
      this.push(chunk);
    },
  });
}

function status(pid: number): { rss: number; hwm: number } {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? 0);
    return { rss: kb('VmRSS') * 1024, hwm: kb('VmHWM') * 1024 };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

const v = await startVaultx({ wiring });
const pids = v.pids;
const peakSampled = new Map<number, number>(pids.map((p) => [p, 0]));
const baseline = new Map<number, number>(pids.map((p) => [p, status(p).rss]));
const sampler = setInterval(() => {
  for (const p of pids) peakSampled.set(p, Math.max(peakSampled.get(p) ?? 0, status(p).rss));
}, 100);

let exitCode = 0;
try {
  const s3 = new S3Client({
    endpoint: v.endpoint,
    region: v.region,
    credentials: { accessKeyId: v.accessKeyId, secretAccessKey: v.secretAccessKey },
    forcePathStyle: true,
  });
  const Bucket = 'bench-rss';
  await s3.send(new CreateBucketCommand({ Bucket }));

  const putHash = createHash('sha256');
  const t0 = performance.now();
  const put = await s3.send(new PutObjectCommand({ Bucket, Key: 'big.bin', Body: generated(total, putHash), ContentLength: total }));
  const putSecs = (performance.now() - t0) / 1000;
  const putSha = putHash.digest('hex');

  const getHash = createHash('sha256');
  const t1 = performance.now();
  const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'big.bin' }));
  let gotBytes = 0;
  for await (const chunk of got.Body as Readable) {
    gotBytes += (chunk as Buffer).length;
    getHash.update(chunk as Buffer);
  }
  const getSecs = (performance.now() - t1) / 1000;
  const getSha = getHash.digest('hex');
  s3.destroy();

  clearInterval(sampler);
  const perProc = pids.map((p) => {
    const st = status(p);
    const peak = Math.max(st.hwm, peakSampled.get(p) ?? 0);
    return { pid: p, baselineMiB: +((baseline.get(p) ?? 0) / MiB).toFixed(1), peakMiB: +(peak / MiB).toFixed(1), hwmMiB: +(st.hwm / MiB).toFixed(1), endMiB: +(st.rss / MiB).toFixed(1) };
  });
  const peakMiB = Math.max(...perProc.map((p) => p.peakMiB));
  const same = putSha === getSha && gotBytes === total;
  const result = {
    bench: 'rss-300mib',
    wiring,
    sizeMiB,
    putMBps: +(total / 1e6 / putSecs).toFixed(1),
    getMBps: +(total / 1e6 / getSecs).toFixed(1),
    putSeconds: +putSecs.toFixed(2),
    getSeconds: +getSecs.toFixed(2),
    etag: put.ETag,
    sha256: putSha,
    bytesEqual: same,
    peakRssMiB: peakMiB,
    rssLimitMiB: limitMiB,
    processes: perProc,
    pass: same && peakMiB < limitMiB,
  };
  const rows: Array<[string, string]> = [
    ['wiring', wiring],
    ['object size', `${sizeMiB} MiB`],
    ['PUT', `${result.putMBps} MB/s (${result.putSeconds} s)`],
    ['GET', `${result.getMBps} MB/s (${result.getSeconds} s)`],
    ['bytes identical (SHA-256)', same ? 'yes' : `NO (${putSha} vs ${getSha}, ${gotBytes} bytes)`],
    ...perProc.map((p) => [`server pid ${p.pid} RSS`, `baseline ${p.baselineMiB} MiB, peak ${p.peakMiB} MiB (VmHWM ${p.hwmMiB}), end ${p.endMiB} MiB`] as [string, string]),
    ['peak RSS', `${peakMiB} MiB (limit ${limitMiB} MiB) ${peakMiB < limitMiB ? 'OK' : 'OVER'}`],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log('');
  for (const [k, val] of rows) console.log(`${k.padEnd(w)}  ${val}`);
  console.log(JSON.stringify(result));
  if (!result.pass) exitCode = 1;
} catch (err) {
  console.error('bench failed:', err);
  console.error(v.logTail(40));
  exitCode = 1;
} finally {
  clearInterval(sampler);
  await v.dispose();
}
process.exit(exitCode);
