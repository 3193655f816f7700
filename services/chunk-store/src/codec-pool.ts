/**
 * Where chunk encoding runs: on the main thread (InlineCodec), or in a pool
 * of worker threads (WorkerCodec) so that SHA-256 and zstd of uploads do not
 * compete with HTTP, MD5 and the rest of the request path for the main
 * thread. The chunk store hands plaintext over in batches (≥ 256 KiB, one
 * copy into a transferable buffer, one message) to keep the per-message cost
 * small next to the hashing it moves away; chunks smaller than one batch are
 * encoded inline (a round trip would cost more than it saves).
 *
 * Emits are counted in the caller's pieces (see codec.ts), whatever the
 * batching, so the caller's pass-through bookkeeping is the same for both.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { EncoderCore, type EncodeOptions, type EncodeResult, type Emit } from './codec.ts';
import type { FromWorker, ToWorker } from './codec-worker.ts';

export interface EncodeJob {
  /** Feeds plaintext pieces (in order). */
  push(pieces: Buffer[]): Promise<Emit>;
  finish(): Promise<EncodeResult>;
  abort(): void;
}

export interface Codec {
  /** `big`: the chunk is known to be at least one batch (use the pool). */
  encoder(opts: EncodeOptions, big: boolean): EncodeJob;
  close(): Promise<void>;
}

/** Pieces are handed to workers in batches of at least this many bytes. */
export const BATCH_BYTES = 256 * 1024;

function sumEmits(a: Emit, b: Emit): Emit {
  return { raw: a.raw + b.raw, drop: a.drop + b.drop, out: a.out.length ? [...a.out, ...b.out] : b.out };
}

class InlineJob implements EncodeJob {
  private readonly core: EncoderCore;
  constructor(opts: EncodeOptions) {
    this.core = new EncoderCore(opts);
  }
  async push(pieces: Buffer[]): Promise<Emit> {
    let e: Emit = { raw: 0, drop: 0, out: [] };
    for (const p of pieces) e = sumEmits(e, this.core.push(p));
    return e;
  }
  async finish(): Promise<EncodeResult> {
    return this.core.finish();
  }
  abort(): void {
    this.core.release();
  }
}

export class InlineCodec implements Codec {
  encoder(opts: EncodeOptions): EncodeJob {
    return new InlineJob(opts);
  }
  async close(): Promise<void> {}
}

interface Pending {
  resolve(m: FromWorker): void;
  reject(e: Error): void;
}

class PoolWorker {
  readonly worker: Worker;
  readonly jobs = new Map<number, Pending[]>();
  load = 0;
  failed: Error | undefined;

  constructor() {
    // A codec worker only hashes and (de)compresses buffers it is handed: a small
    // heap is plenty, and V8's defaults would let each worker grow by tens of MiB.
    this.worker = new Worker(new URL('./codec-worker-boot.mjs', import.meta.url), {
      resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64 },
    });
    this.worker.unref();
    this.worker.on('message', (m: FromWorker) => {
      const q = this.jobs.get(m.job);
      const p = q?.shift();
      if (!p) return;
      if (m.t === 'error') p.reject(new Error(`codec worker: ${m.message}`));
      else p.resolve(m);
    });
    const fail = (e: Error) => {
      this.failed = e;
      for (const q of this.jobs.values()) for (const p of q.splice(0)) p.reject(e);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`codec worker exited (${code})`)));
  }

  request(job: number, m: ToWorker, transfer: ArrayBuffer[] = []): Promise<FromWorker> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise<FromWorker>((resolve, reject) => {
      let q = this.jobs.get(job);
      if (!q) this.jobs.set(job, (q = []));
      q.push({ resolve, reject });
      this.worker.postMessage(m, transfer);
    });
  }

  post(m: ToWorker): void {
    if (!this.failed) this.worker.postMessage(m);
  }
}

let nextJob = 1;

class WorkerJob implements EncodeJob {
  private readonly job = nextJob++;
  /** Piece counts of the batches sent, in order (the worker counts in batches). */
  private readonly batches: number[] = [];
  private ended = false;

  constructor(
    private readonly w: PoolWorker,
    opts: EncodeOptions,
  ) {
    w.load++;
    w.post({ t: 'begin', job: this.job, opts });
  }

  /** Worker batch counts → caller piece counts. */
  private toPieces(m: { raw: number; drop: number; out: Uint8Array[] }): Emit {
    let raw = 0;
    let drop = 0;
    for (let i = 0; i < m.raw; i++) raw += this.batches.shift()!;
    for (let i = 0; i < m.drop; i++) drop += this.batches.shift()!;
    return { raw, drop, out: m.out.map((o) => Buffer.from(o.buffer, o.byteOffset, o.byteLength)) };
  }

  async push(pieces: Buffer[]): Promise<Emit> {
    let n = 0;
    for (const p of pieces) n += p.length;
    if (n === 0) return { raw: 0, drop: 0, out: [] };
    const ab = new ArrayBuffer(n);
    const view = new Uint8Array(ab);
    let off = 0;
    for (const p of pieces) {
      view.set(p, off);
      off += p.length;
    }
    this.batches.push(pieces.length);
    const m = await this.w.request(this.job, { t: 'push', job: this.job, buf: ab }, [ab]);
    if (m.t !== 'emit') throw new Error('codec worker: unexpected reply');
    return this.toPieces(m);
  }

  async finish(): Promise<EncodeResult> {
    this.end();
    const m = await this.w.request(this.job, { t: 'finish', job: this.job });
    if (m.t !== 'done') throw new Error('codec worker: unexpected reply');
    const e = this.toPieces(m);
    this.w.jobs.delete(this.job);
    return { ...e, id: m.id, size: m.size, crc32: m.crc32, encoding: m.encoding, storedSize: m.storedSize };
  }

  abort(): void {
    if (this.ended) return;
    this.end();
    this.w.post({ t: 'abort', job: this.job });
    // Settle what is still waiting for this job (its late replies are then ignored).
    const q = this.w.jobs.get(this.job) ?? [];
    this.w.jobs.delete(this.job);
    for (const p of q) p.reject(new Error('chunk encoding aborted'));
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.w.load--;
  }
}

export class WorkerCodec implements Codec {
  private readonly workers: PoolWorker[];
  private readonly inline = new InlineCodec();

  constructor(size: number) {
    this.workers = Array.from({ length: Math.max(1, size) }, () => new PoolWorker());
  }

  encoder(opts: EncodeOptions, big: boolean): EncodeJob {
    if (!big) return this.inline.encoder(opts);
    const healthy = this.workers.filter((w) => !w.failed);
    if (healthy.length === 0) return this.inline.encoder(opts);
    let best = healthy[0]!;
    for (const w of healthy) if (w.load < best.load) best = w;
    return new WorkerJob(best, opts);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}

/**
 * Default pool size: none on two cores or fewer, else one worker per core
 * beyond the first two (at most 4). Measured with `pnpm bench` on 2 cores:
 * with one worker, PUT 1 GiB was no faster (231 vs 230 MB/s: the disk is the
 * limit), GET 1 GiB slower (473 vs 635 MB/s: client, socket, file reads and
 * the worker compete for the same two cores and messaging adds work), and
 * peak RSS 55 MiB higher (225 vs 171 MiB). Set VAULTX_CHUNK_WORKERS to override.
 */
export function defaultCodecWorkers(): number {
  const cores = availableParallelism();
  return cores <= 2 ? 0 : Math.min(4, cores - 2);
}
