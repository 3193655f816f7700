/**
 * Benchmark payloads.
 *
 * Incompressible bytes come from an AES-256-CTR keystream (~2 GB/s per core
 * with AES-NI): a random key per run makes every run's data unique, so
 * VaultX's dedup never helps across runs, and a different IV per stream makes
 * streams of one run distinct. CTR mode is seekable, so any range of a stream
 * can be regenerated to check bytes read back without hashing anything.
 *
 * Text-like bytes (logs, JSON, CSV) come from a seeded PRNG and realistic
 * templates, for the compression figure.
 */
import { createCipheriv, createHash, randomBytes, type Cipher } from 'node:crypto';

const RUN_KEY = randomBytes(32);
const ZEROS = Buffer.alloc(1024 * 1024);

/** 16-byte IV for a named stream: 8 bytes from the name, then a 64-bit block counter. */
function ivFor(name: string, offset: number): Buffer {
  if (offset % 16 !== 0) throw new Error('keystream offset must be a multiple of 16');
  const iv = Buffer.alloc(16);
  createHash('sha256').update(name).digest().copy(iv, 0, 0, 8);
  iv.writeBigUInt64BE(BigInt(offset / 16), 8);
  return iv;
}

/** The keystream of `name` starting at byte `offset` (a multiple of 16). */
export class Keystream {
  private readonly cipher: Cipher;
  constructor(name: string, offset = 0) {
    this.cipher = createCipheriv('aes-256-ctr', RUN_KEY, ivFor(name, offset));
  }
  /** The next n bytes (a fresh buffer). */
  next(n: number): Buffer {
    if (n <= ZEROS.length) return this.cipher.update(ZEROS.subarray(0, n));
    const out = Buffer.allocUnsafe(n);
    let off = 0;
    while (off < n) {
      const k = Math.min(ZEROS.length, n - off);
      this.cipher.update(ZEROS.subarray(0, k)).copy(out, off);
      off += k;
    }
    return out;
  }
}

/** `length` bytes of stream `name` from `offset`, in pieces of `piece` bytes. */
export async function* keystreamBody(name: string, length: number, offset = 0, piece = 256 * 1024): AsyncGenerator<Buffer> {
  const ks = new Keystream(name, offset);
  let left = length;
  while (left > 0) {
    const n = Math.min(piece, left);
    left -= n;
    yield ks.next(n);
  }
}

/** Compares incoming pieces with the keystream; remembers the first mismatch. */
export class KeystreamVerifier {
  private readonly ks: Keystream;
  bytes = 0;
  firstMismatch = -1;
  constructor(name: string, offset = 0) {
    this.ks = new Keystream(name, offset);
  }
  update(chunk: Buffer): void {
    const want = this.ks.next(chunk.length);
    if (this.firstMismatch < 0 && !want.equals(chunk)) {
      let i = 0;
      while (i < chunk.length && chunk[i] === want[i]) i++;
      this.firstMismatch = this.bytes + i;
    }
    this.bytes += chunk.length;
  }
  get ok(): boolean {
    return this.firstMismatch < 0;
  }
}

/** 4 KiB-ish object bodies: unique per key, random (so neither dedup nor compression help). */
export function smallBody(key: string, size: number): Buffer {
  return new Keystream('small:' + key).next(size);
}

/** sfc32 — a fast seeded 32-bit PRNG for text generation. */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: Buffer = randomBytes(16)) {
    this.a = seed.readUInt32LE(0);
    this.b = seed.readUInt32LE(4);
    this.c = seed.readUInt32LE(8);
    this.d = seed.readUInt32LE(12) | 1;
    for (let i = 0; i < 16; i++) this.u32();
  }
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  /** uniform-ish in [0, n) */
  int(n: number): number {
    return this.u32() % n;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)];
  }
}

const LEVELS = ['INFO', 'INFO', 'INFO', 'INFO', 'DEBUG', 'DEBUG', 'WARN', 'ERROR'] as const;
const METHODS = ['GET', 'GET', 'GET', 'PUT', 'POST', 'DELETE', 'HEAD'] as const;
const PATHS = ['/api/v1/users', '/api/v1/orders', '/api/v1/items', '/static/app.js', '/login', '/health', '/api/v2/search', '/metrics'] as const;
const AGENTS = ['Mozilla/5.0 (X11; Linux x86_64)', 'curl/8.5.0', 'aws-cli/2.15.0', 'python-requests/2.31', 'Go-http-client/1.1'] as const;
const MSGS = [
  'request completed',
  'cache miss, fetching from origin',
  'user authenticated',
  'slow query detected',
  'retrying upstream connection',
  'connection reset by peer',
  'rate limit exceeded for client',
] as const;
const CITIES = ['Berlin', 'Paris', 'Lisbon', 'Oslo', 'Madrid', 'Rome', 'Vienna', 'Prague', 'Dublin', 'Warsaw'] as const;
const PRODUCTS = ['widget', 'gadget', 'sprocket', 'gizmo', 'doohickey', 'thingamajig'] as const;

const pad = (n: number, w: number) => String(n).padStart(w, '0');
function hex(p: Prng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[p.int(16)];
  return s;
}

export type TextKind = 'log' | 'json' | 'csv';

function line(kind: TextKind, p: Prng, i: number, t0: number): string {
  const ts = new Date(t0 + i * 37 + p.int(40)).toISOString();
  switch (kind) {
    case 'log':
      return `${ts} ${p.pick(LEVELS).padEnd(5)} [worker-${p.int(16)}] ${p.pick(METHODS)} ${p.pick(PATHS)}/${p.int(100000)} status=${p.pick([200, 200, 200, 201, 204, 304, 404, 500])} dur=${p.int(2000)}ms ip=10.${p.int(256)}.${p.int(256)}.${p.int(256)} req=${hex(p, 16)} ua="${p.pick(AGENTS)}" msg="${p.pick(MSGS)}"\n`;
    case 'json':
      return (
        JSON.stringify({
          id: i,
          ts,
          user: { id: p.int(1_000_000), name: `user${p.int(50_000)}`, city: p.pick(CITIES) },
          order: { product: p.pick(PRODUCTS), qty: 1 + p.int(20), price: (p.int(100_000) / 100).toFixed(2), currency: 'EUR' },
          tags: [p.pick(PRODUCTS), p.pick(CITIES).toLowerCase()],
          trace: hex(p, 16),
        }) + '\n'
      );
    case 'csv':
      return `${i},${ts},${p.int(1_000_000)},${p.pick(CITIES)},${p.pick(PRODUCTS)},${1 + p.int(20)},${(p.int(100_000) / 100).toFixed(2)},${p.pick(['paid', 'pending', 'shipped', 'refunded'])},${hex(p, 8)}\n`;
  }
}

/** `length` bytes of text of one kind, in pieces of about `piece` bytes (exactly `length` in total). */
export async function* textBody(kind: TextKind, length: number, seed?: Buffer, piece = 256 * 1024): AsyncGenerator<Buffer> {
  const p = new Prng(seed);
  const t0 = Date.UTC(2024, 0, 1) + p.int(1e9);
  let i = 0;
  let left = length;
  if (kind === 'csv') {
    const head = Buffer.from('id,timestamp,customer,city,product,qty,price,status,ref\n');
    const h = head.subarray(0, Math.min(head.length, left));
    left -= h.length;
    yield h;
  }
  while (left > 0) {
    const parts: string[] = [];
    let n = 0;
    while (n < piece) {
      const l = line(kind, p, i++, t0);
      parts.push(l);
      n += l.length; // ASCII only
    }
    let buf = Buffer.from(parts.join(''), 'latin1');
    if (buf.length > left) buf = buf.subarray(0, left);
    left -= buf.length;
    yield buf;
  }
}

export { pad };
