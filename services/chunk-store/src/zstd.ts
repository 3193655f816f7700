/**
 * zstd through the `zstd-napi` binding (its low-level streaming API), with
 * small pools of compression/decompression contexts so that concurrent
 * uploads reuse native state instead of allocating ~1 MiB each time. When the
 * native module cannot be loaded (it builds from source at install), zstd is
 * reported unavailable and the chunk store falls back to DEFLATE for new
 * chunks; reading a zstd chunk then fails loudly (never silently).
 */
import { createRequire } from 'node:module';

type Binding = typeof import('zstd-napi/binding.js');
type CCtx = InstanceType<Binding['CCtx']>;
type DCtx = InstanceType<Binding['DCtx']>;

let binding: Binding | undefined;
let loadError: unknown;
try {
  binding = createRequire(import.meta.url)('zstd-napi/binding.js') as Binding;
} catch (e) {
  loadError = e;
}

export function zstdAvailable(): boolean {
  return binding !== undefined;
}

export function zstdLoadError(): unknown {
  return loadError;
}

function need(): Binding {
  if (!binding) throw new Error(`zstd is not available: ${loadError instanceof Error ? loadError.message : String(loadError)}`);
  return binding;
}

const MAX_IDLE = 16;
const idleC = new Map<number, CCtx[]>();
const idleD: DCtx[] = [];

/** Streaming compressor over one pooled context; release() returns it. */
export class ZstdCompressor {
  private cctx: CCtx | undefined;
  private readonly out: Buffer;
  private readonly b: Binding;

  constructor(private readonly level: number) {
    this.b = need();
    const pool = idleC.get(level);
    this.cctx = pool?.pop();
    if (!this.cctx) {
      this.cctx = new this.b.CCtx();
      this.cctx.setParameter(this.b.CParameter.compressionLevel, level);
    }
    this.out = Buffer.allocUnsafe(this.b.cStreamOutSize());
  }

  /** Feeds `src`; mode 'continue' | 'flush' | 'end'. Returns the compressed bytes produced (copies). */
  push(src: Buffer, mode: 'continue' | 'flush' | 'end'): Buffer[] {
    const cctx = this.cctx;
    if (!cctx) throw new Error('compressor released');
    const directive =
      mode === 'continue' ? this.b.EndDirective.continue : mode === 'flush' ? this.b.EndDirective.flush : this.b.EndDirective.end;
    const outs: Buffer[] = [];
    let input = src;
    for (;;) {
      const [remaining, produced, consumed] = cctx.compressStream2(this.out, input, directive);
      if (produced > 0) outs.push(Buffer.from(this.out.subarray(0, produced)));
      input = input.subarray(consumed);
      // continue: done once all input is consumed; flush/end: once nothing remains to flush.
      if (mode === 'continue' ? input.length === 0 : remaining === 0 && input.length === 0) break;
    }
    return outs;
  }

  release(): void {
    const cctx = this.cctx;
    if (!cctx) return;
    this.cctx = undefined;
    try {
      cctx.reset(this.b.ResetDirective.sessionOnly);
    } catch {
      return;
    }
    let pool = idleC.get(this.level);
    if (!pool) idleC.set(this.level, (pool = []));
    if (pool.length < MAX_IDLE) pool.push(cctx);
  }
}

/** Streaming decompressor of one zstd frame; throws on malformed input. */
export class ZstdDecompressor {
  private dctx: DCtx | undefined;
  private readonly out: Buffer;
  private readonly b: Binding;
  /** True once the frame's end was decoded. */
  frameDone = false;

  constructor() {
    this.b = need();
    this.dctx = idleD.pop() ?? new this.b.DCtx();
    this.out = Buffer.allocUnsafe(this.b.dStreamOutSize());
  }

  /** Feeds compressed bytes; returns plaintext produced (copies). */
  push(src: Buffer): Buffer[] {
    const dctx = this.dctx;
    if (!dctx) throw new Error('decompressor released');
    const outs: Buffer[] = [];
    let input = src;
    for (;;) {
      if (this.frameDone && input.length > 0) throw new Error('trailing bytes after the zstd frame');
      const [ret, produced, consumed] = dctx.decompressStream(this.out, input);
      if (produced > 0) outs.push(Buffer.from(this.out.subarray(0, produced)));
      input = input.subarray(consumed);
      if (ret === 0) this.frameDone = true;
      // More output may be pending when the output buffer was filled.
      if (input.length === 0 && produced < this.out.length) break;
    }
    return outs;
  }

  release(): void {
    const dctx = this.dctx;
    if (!dctx) return;
    this.dctx = undefined;
    try {
      dctx.reset(this.b.ResetDirective.sessionOnly);
    } catch {
      return;
    }
    if (idleD.length < MAX_IDLE) idleD.push(dctx);
  }
}
