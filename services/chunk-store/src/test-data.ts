/**
 * Deterministic test data: text that compresses like real logs/JSON/CSV
 * (with random ids and numbers, so not trivially), and incompressible bytes.
 */

/** xorshift32 PRNG. */
export function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

export function randomish(n: number, seed = 1): Buffer {
  const b = Buffer.allocUnsafe(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

const LEVELS = ['INFO', 'INFO', 'INFO', 'DEBUG', 'WARN', 'ERROR'];
const PATHS = ['/api/v1/items', '/api/v1/users', '/login', '/static/app.js', '/api/v2/search', '/health'];
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];

/** `n` bytes of mixed log lines, JSON records and CSV rows. */
export function textLike(n: number, seed = 1): Buffer {
  const r = prng(seed);
  const hex = (len: number) => {
    let s = '';
    for (let i = 0; i < len; i++) s += Math.floor(r() * 16).toString(16);
    return s;
  };
  const parts: string[] = [];
  let len = 0;
  let t = 1_700_000_000_000;
  for (let i = 0; len < n; i++) {
    t += Math.floor(r() * 1000);
    let line: string;
    switch (i % 3) {
      case 0:
        line = `${new Date(t).toISOString()} ${LEVELS[Math.floor(r() * LEVELS.length)]} [req-${hex(12)}] ${r() < 0.7 ? 'GET' : 'POST'} ${PATHS[Math.floor(r() * PATHS.length)]}/${Math.floor(r() * 100000)} status=${r() < 0.93 ? 200 : 500} ms=${(r() * 250).toFixed(1)} user=${Math.floor(r() * 5000)}`;
        break;
      case 1:
        line = JSON.stringify({
          id: Math.floor(r() * 1e9),
          ts: new Date(t).toISOString(),
          name: `${WORDS[Math.floor(r() * WORDS.length)]}-${Math.floor(r() * 1000)}`,
          email: `user${Math.floor(r() * 100000)}@example.com`,
          score: Math.round(r() * 10000) / 100,
          tags: WORDS.slice(0, 1 + Math.floor(r() * 3)),
          active: r() > 0.5,
        });
        break;
      default:
        line = `${i},${Math.floor(r() * 1e6)},${(r() * 1000).toFixed(4)},product-${Math.floor(r() * 300)},${r() > 0.3 ? 'shipped' : 'pending'},${hex(8)}`;
    }
    parts.push(line);
    len += line.length + 1;
  }
  return Buffer.from(parts.join('\n') + '\n').subarray(0, n);
}
