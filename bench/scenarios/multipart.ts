/**
 * Multipart PUT of one large object (1 GiB; 128 MiB with --quick) in 16 MiB
 * parts, 4 parts in flight.
 *
 * Ceiling: the durable sink receiving the same parts as separate PUTs, 4 in
 * flight (each part hashed, written, fsynced), through the same client code.
 * VaultX: CreateMultipartUpload and CompleteMultipartUpload through
 * @aws-sdk/client-s3 (control calls), UploadPart through the benchmark's
 * undici client (the data path). The figure is the whole upload, create to
 * complete. Checks: each part's ETag equals the MD5 the sink computed for the
 * same bytes, the final ETag is md5(part MD5s)-N, and three ranges read back
 * (start, across a part boundary, end) match the keystream.
 *
 * If CreateMultipartUpload or UploadPart answer 501 NotImplemented the row
 * says "n/a (multipart not implemented)".
 */
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand } from '@aws-sdk/client-s3';
import { Target, expectOk, header } from '../lib/client.ts';
import { keystreamBody, KeystreamVerifier } from '../lib/data.ts';
import { CREDS, startCeiling } from '../lib/servers.ts';
import { WrongBytesError, mb, now, type Ctx, MiB } from '../lib/context.ts';

const BUCKET = 'bench-multipart';

class NotImplementedError extends Error {}

function isNotImplemented(e: unknown): boolean {
  const x = e as { name?: string; code?: string; status?: number; $metadata?: { httpStatusCode?: number } };
  return x?.name === 'NotImplemented' || x?.code === 'NotImplemented' || x?.status === 501 || x?.$metadata?.httpStatusCode === 501;
}

/** Runs `upload(partNumber)` for parts 1..n with `inFlight` at a time. */
async function parallelParts(n: number, inFlight: number, upload: (part: number) => Promise<void>): Promise<void> {
  let next = 1;
  let failed: unknown;
  const worker = async () => {
    while (next <= n && failed === undefined) {
      const p = next++;
      try {
        await upload(p);
      } catch (e) {
        failed ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  if (failed !== undefined) throw failed;
}

export async function runMultipart(ctx: Ctx): Promise<void> {
  const { multipart: size, partSize, partsInFlight } = ctx.sizes;
  const parts = Math.ceil(size / partSize);
  const partLen = (p: number) => Math.min(partSize, size - (p - 1) * partSize);
  const label = size >= 1024 * MiB ? `${size / (1024 * MiB)}gib` : `${size / MiB}mib`;
  const scenario = `multipart_put_${label}`;
  const stream = `mp:${Date.now()}`;
  await ctx.ensureBucket(BUCKET);

  // ---- ceiling: sink, parts as separate PUTs, 4 in flight
  const sink = await startCeiling('sink', { dir: ctx.sinkDir, logDir: ctx.logDir });
  const st = new Target({ name: 'sink', origin: sink.origin, ...CREDS, connections: partsInFlight });
  const sinkMd5 = new Map<number, string>();
  let sinkSecs = 0;
  try {
    await parallelParts(partsInFlight, partsInFlight, async (p) => {
      expectOk(await st.putStream(`/mpwarm/${p}`, keystreamBody(stream + ':warm', 4 * MiB), 4 * MiB), 'sink warm-up');
    });
    ctx.log(`  sink: ${parts} parts × ${partSize / MiB} MiB, ${partsInFlight} in flight …`);
    const t0 = now();
    await parallelParts(parts, partsInFlight, async (p) => {
      const r = await st.putStream(`/mp/part-${p}`, keystreamBody(stream, partLen(p), (p - 1) * partSize), partLen(p));
      expectOk(r, `sink part ${p}`);
      sinkMd5.set(p, header(r.headers, 'etag') ?? '');
    });
    sinkSecs = (now() - t0) / 1000;
  } finally {
    await st.close();
    await sink.stop();
    for (let p = 1; p <= parts; p++) rmSync(join(ctx.sinkDir, `mp_part-${p}`), { force: true });
    for (let p = 1; p <= partsInFlight; p++) rmSync(join(ctx.sinkDir, `mpwarm_${p}`), { force: true });
  }
  const ceiling = mb(size, sinkSecs);
  const singlePut = ctx.figures.find((f) => f.scenario.startsWith('put_'))?.value ?? null;
  const target = singlePut !== null
    ? { op: '>=' as const, value: singlePut, text: `≥ single PUT (${singlePut.toFixed(1)} MB/s)` }
    : undefined;

  // ---- VaultX
  const key = 'mp.bin';
  const vpath = ctx.vxt.path(BUCKET, key);
  let uploadId: string | undefined;
  try {
    ctx.log(`  VaultX: ${parts} parts × ${partSize / MiB} MiB, ${partsInFlight} in flight …`);
    ctx.rss.begin(scenario);
    const t0 = now();
    try {
      const c = await ctx.sdk.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
      uploadId = c.UploadId;
    } catch (e) {
      if (isNotImplemented(e)) throw new NotImplementedError();
      throw e;
    }
    if (!uploadId) throw new Error('CreateMultipartUpload returned no UploadId');
    const id = uploadId;
    const etags = new Map<number, string>();
    await parallelParts(parts, partsInFlight, async (p) => {
      const r = await ctx.vxt.putStream(vpath, keystreamBody(stream, partLen(p), (p - 1) * partSize), partLen(p), [
        ['partNumber', String(p)],
        ['uploadId', id],
      ]);
      if (r.status === 501) throw new NotImplementedError();
      expectOk(r, `UploadPart ${p}`);
      etags.set(p, header(r.headers, 'etag') ?? '');
    });
    const done = await ctx.sdk.send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key: key,
        UploadId: id,
        MultipartUpload: { Parts: Array.from({ length: parts }, (_, i) => ({ PartNumber: i + 1, ETag: etags.get(i + 1) })) },
      }),
    );
    const secs = (now() - t0) / 1000;
    ctx.rss.end();
    uploadId = undefined;

    // checks
    for (let p = 1; p <= parts; p++) {
      if (etags.get(p) !== sinkMd5.get(p)) throw new WrongBytesError(`${scenario}: part ${p} ETag ${etags.get(p)} ≠ MD5 of the bytes sent ${sinkMd5.get(p)}`);
    }
    const md5s = Buffer.concat(Array.from({ length: parts }, (_, i) => Buffer.from(etags.get(i + 1)!.replace(/"/g, ''), 'hex')));
    const want = `"${createHash('md5').update(md5s).digest('hex')}-${parts}"`;
    if (done.ETag !== want) throw new WrongBytesError(`${scenario}: final ETag ${done.ETag} ≠ ${want}`);
    const ranges: Array<[number, number]> = [
      [0, MiB],
      [partSize - MiB / 2 - 16, MiB], // across the first part boundary (offset a multiple of 16)
      [size - MiB, MiB],
    ];
    for (const [off, len] of ranges) {
      const v = new KeystreamVerifier(stream, off);
      const g = await ctx.vxt.getStream(vpath, (b) => v.update(b), { range: `bytes=${off}-${off + len - 1}` });
      if (g.status !== 206 || g.bytes !== len || !v.ok) {
        throw new WrongBytesError(`${scenario}: range ${off}+${len}: HTTP ${g.status}, ${g.bytes} bytes, first wrong byte at ${v.firstMismatch}`);
      }
    }
    ctx.figures.push({
      scenario,
      value: mb(size, secs),
      unit: 'MB/s',
      better: 'higher',
      ceiling,
      ceilingName: 'sink, 4 in flight',
      target,
      extra: { bytes: size, parts, part_size: partSize, in_flight: partsInFlight, seconds: +secs.toFixed(3), ceiling_seconds: +sinkSecs.toFixed(3), etag: done.ETag },
    });
  } catch (e) {
    ctx.rss.end();
    if (uploadId) await ctx.sdk.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId: uploadId })).catch(() => undefined);
    if (e instanceof NotImplementedError) {
      ctx.log('  VaultX: multipart answers 501 NotImplemented');
      ctx.figures.push({ scenario, value: null, note: 'n/a (multipart not implemented)', unit: 'MB/s', better: 'higher', ceiling, ceilingName: 'sink, 4 in flight', target });
      return;
    }
    throw e;
  }
}
