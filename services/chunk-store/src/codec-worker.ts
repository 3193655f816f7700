/**
 * A codec worker thread: runs EncoderCores (SHA-256 + trial + zstd) for the
 * chunk store's main thread (see codec-pool.ts). Messages for one job arrive
 * and are answered in order.
 */
import { parentPort } from 'node:worker_threads';
import { EncoderCore, type EncodeOptions } from './codec.ts';

export type ToWorker =
  | { t: 'begin'; job: number; opts: EncodeOptions }
  | { t: 'push'; job: number; buf: ArrayBuffer }
  | { t: 'finish'; job: number }
  | { t: 'abort'; job: number };

export type FromWorker =
  | { t: 'emit'; job: number; raw: number; drop: number; out: Uint8Array[] }
  | { t: 'done'; job: number; raw: number; drop: number; out: Uint8Array[]; id: string; size: number; crc32: number; encoding: number; storedSize: number }
  | { t: 'error'; job: number; message: string };

const port = parentPort!;
const jobs = new Map<number, EncoderCore>();

function send(m: FromWorker): void {
  // The encoded pieces are fresh buffers of their own: hand them over without a copy.
  const transfer: ArrayBuffer[] = [];
  if (m.t !== 'error') {
    for (const o of m.out) {
      if (o.byteOffset === 0 && o.byteLength === o.buffer.byteLength && o.buffer instanceof ArrayBuffer) transfer.push(o.buffer);
    }
  }
  port.postMessage(m, transfer);
}

port.on('message', (m: ToWorker) => {
  try {
    switch (m.t) {
      case 'begin':
        jobs.set(m.job, new EncoderCore(m.opts));
        return;
      case 'push': {
        const core = jobs.get(m.job);
        if (!core) throw new Error(`no job ${m.job}`);
        const e = core.push(Buffer.from(m.buf));
        send({ t: 'emit', job: m.job, raw: e.raw, drop: e.drop, out: e.out });
        return;
      }
      case 'finish': {
        const core = jobs.get(m.job);
        if (!core) throw new Error(`no job ${m.job}`);
        jobs.delete(m.job);
        const r = core.finish();
        send({ t: 'done', job: m.job, raw: r.raw, drop: r.drop, out: r.out, id: r.id, size: r.size, crc32: r.crc32, encoding: r.encoding, storedSize: r.storedSize });
        return;
      }
      case 'abort':
        jobs.get(m.job)?.release();
        jobs.delete(m.job);
        return;
    }
  } catch (e) {
    jobs.get(m.job)?.release();
    jobs.delete(m.job);
    port.postMessage({ t: 'error', job: m.job, message: e instanceof Error ? e.message : String(e) } satisfies FromWorker);
  }
});
