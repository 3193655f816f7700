/**
 * The MetaKV conformance suite: every metadata backend (embedded LMDB now,
 * Riak later) registers it from its own test file:
 *
 *   import { metaKvConformance } from '@vaultx/storage/conformance';
 *   metaKvConformance('riak', async () => ({ kv, reopen, cleanup }));
 *
 * Each test gets a fresh, empty store from `factory` and calls `cleanup` after.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { KvEntry, KvValue, MetaKV, ScanOptions } from '../types.ts';

export interface MetaKvHarness {
  kv: MetaKV;
  /**
   * Opens a new handle on the same storage (called after `kv.close()`), for
   * the persistence test. Every real backend must provide it; when absent the
   * persistence test is skipped.
   */
  reopen?: () => Promise<MetaKV>;
  /** Closes every handle the harness opened (kv and reopened ones; close is idempotent) and removes the data. */
  cleanup(): Promise<void>;
}

export type MetaKvFactory = () => Promise<MetaKvHarness>;

async function collect<T>(it: AsyncIterable<KvEntry<T>>): Promise<Array<KvEntry<T>>> {
  const out: Array<KvEntry<T>> = [];
  for await (const e of it) out.push(e);
  return out;
}

async function keysOf(kv: MetaKV, opts: ScanOptions): Promise<string[]> {
  return (await collect(kv.scan(opts))).map((e) => e.key);
}

const byUtf8 = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** Keys whose UTF-8 order differs from JS (UTF-16) order and from locale order. */
const UNICODE_KEYS = [
  't/a', 't/b', 't/Z', 't/~', 't/a/b', 't/a b', 't/ab', 't/a\u0000', 't/\u007f',
  't/é', 't/e\u0301', 't/中', 't/中文', 't/😀', 't/\uFFFF', 't/\u{10000}', 't/\uFF61', 't/\u{10FFFF}',
  't/\uE000', 't/\uD7FF',
];

export function metaKvConformance(name: string, factory: MetaKvFactory): void {
  describe(`MetaKV conformance: ${name}`, () => {
    let h: MetaKvHarness;
    let kv: MetaKV;

    beforeEach(async () => {
      h = await factory();
      kv = h.kv;
    });
    afterEach(async () => {
      await h.cleanup();
    });

    describe('get / put / del', () => {
      it('returns undefined for a missing key', async () => {
        assert.equal(await kv.get('missing'), undefined);
      });

      it('round-trips JSON values of every shape', async () => {
        const values: KvValue[] = [
          { a: 1, b: 'two', c: [1, 2, { d: null }], e: true, f: { g: { h: 'é中😀' } } },
          [1, 'x', false, null],
          'a string with \u0000 and "quotes"',
          42,
          -0.5,
          0,
          true,
          false,
          null,
          {},
          [],
          '',
        ];
        for (const [i, v] of values.entries()) await kv.put(`v/${i}`, v);
        for (const [i, v] of values.entries()) assert.deepEqual(await kv.get(`v/${i}`), v, `value ${i}`);
      });

      it('overwrites, deletes, and deleting a missing key is not an error', async () => {
        await kv.put('k', { n: 1 });
        await kv.put('k', { n: 2 });
        assert.deepEqual(await kv.get('k'), { n: 2 });
        await kv.del('k');
        assert.equal(await kv.get('k'), undefined);
        await kv.del('k');
        await kv.del('never-existed');
      });

      it('returns copies: mutating a read value does not change the stored one', async () => {
        await kv.put('obj', { list: [1] });
        const v = (await kv.get<{ list: number[] }>('obj'))!;
        v.list.push(2);
        assert.deepEqual(await kv.get('obj'), { list: [1] });
      });

      it('stores large values (200 KB)', async () => {
        const big = { s: 'x'.repeat(200_000), n: Array.from({ length: 1000 }, (_, i) => i) };
        await kv.put('big', big);
        assert.deepEqual(await kv.get('big'), big);
      });

      it('treats keys as exact strings (unicode, separators, NUL)', async () => {
        for (const k of UNICODE_KEYS) await kv.put(k, k);
        for (const k of UNICODE_KEYS) assert.equal(await kv.get(k), k);
        // é precomposed vs decomposed are different keys
        assert.notEqual(await kv.get('t/é'), await kv.get('t/e\u0301'));
      });
    });

    describe('scan', () => {
      it('orders keys by UTF-8 bytes (not UTF-16 code units)', async () => {
        const shuffled = [...UNICODE_KEYS].reverse();
        for (const k of shuffled) await kv.put(k, 1);
        const got = await keysOf(kv, { gte: 't/', lt: 't0' });
        const want = [...UNICODE_KEYS].sort(byUtf8);
        assert.deepEqual(got, want);
        // The classic trap: U+FFFF (EF BF BF) sorts before U+10000 (F0 90 80 80) in UTF-8,
        // though JS '<' says otherwise.
        assert.ok(got.indexOf('t/\uFFFF') < got.indexOf('t/\u{10000}'));
        assert.ok(got.indexOf('t/\uD7FF') < got.indexOf('t/\uE000'));
        assert.ok(got.indexOf('t/\uE000') < got.indexOf('t/\u{10000}'));
        assert.ok(got.indexOf('t/a') < got.indexOf('t/a\u0000'));
        assert.equal(got.at(-1), 't/\u{10FFFF}');
      });

      it('honours gte (inclusive), gt (exclusive, wins over gte), lt (exclusive) and limit', async () => {
        const keys = ['a', 'b', 'c', 'd', 'e'];
        for (const k of keys) await kv.put(`s/${k}`, k);
        assert.deepEqual(await keysOf(kv, { gte: 's/b', lt: 's/d' }), ['s/b', 's/c']);
        assert.deepEqual(await keysOf(kv, { gt: 's/b', lt: 's/e' }), ['s/c', 's/d']);
        assert.deepEqual(await keysOf(kv, { gte: 's/a', gt: 's/c', lt: 's0' }), ['s/d', 's/e']);
        assert.deepEqual(await keysOf(kv, { gte: 's/', lt: 's0', limit: 2 }), ['s/a', 's/b']);
        assert.deepEqual(await keysOf(kv, { gt: 's/bb', lt: 's0' }), ['s/c', 's/d', 's/e']);
        assert.deepEqual(await keysOf(kv, { gte: 's/bb', lt: 's/c' }), []);
        assert.deepEqual(await keysOf(kv, { gte: 's/d', lt: 's/b' }), []);
        assert.deepEqual(await keysOf(kv, { gte: 's/c', lt: 's/c' }), []);
        assert.deepEqual(await keysOf(kv, { gte: 's/', lt: 's0', limit: 0 }), []);
        // gt on an existing key with a NUL-extended sibling
        await kv.put('s/b\u0000', 'nul');
        assert.deepEqual(await keysOf(kv, { gt: 's/b', lt: 's/c' }), ['s/b\u0000']);
      });

      it('scans without bounds and with only an upper or lower bound', async () => {
        for (const k of ['m', 'n', 'o']) await kv.put(k, k);
        assert.deepEqual(await keysOf(kv, {}), ['m', 'n', 'o']);
        assert.deepEqual(await keysOf(kv, { lt: 'n' }), ['m']);
        assert.deepEqual(await keysOf(kv, { gt: 'm' }), ['n', 'o']);
        assert.deepEqual(await keysOf(kv, { gte: 'o' }), ['o']);
      });

      it('bounds work in UTF-8 order around U+FFFF / U+10000', async () => {
        for (const k of UNICODE_KEYS) await kv.put(k, 1);
        assert.deepEqual(await keysOf(kv, { gt: 't/\uFFFF', lt: 't/\u{10FFFF}' }), ['t/\u{10000}', 't/😀']);
        assert.deepEqual(await keysOf(kv, { gt: 't/\uFF61', lt: 't/😀' }), ['t/\uFFFF', 't/\u{10000}']);
        assert.deepEqual(await keysOf(kv, { gte: 't/\uE000', lt: 't/\uFF61' }), ['t/\uE000']);
        assert.deepEqual(await keysOf(kv, { gte: 't/中', lt: 't/中\u{10FFFF}' }), ['t/中', 't/中文']);
      });

      it('returns values with keys', async () => {
        await kv.put('x/1', { one: 1 });
        await kv.put('x/2', [2]);
        assert.deepEqual(await collect(kv.scan({ gte: 'x/', lt: 'x0' })), [
          { key: 'x/1', value: { one: 1 } },
          { key: 'x/2', value: [2] },
        ]);
      });

      it('streams: pages through 2,000 keys with gt + limit, and an early break releases the scan', async () => {
        const all: string[] = [];
        for (let i = 0; i < 2000; i++) all.push(`p/${String(i).padStart(5, '0')}`);
        await Promise.all(all.map((k) => kv.put(k, { k })));
        const seen: string[] = [];
        let after: string | undefined;
        for (;;) {
          const page = await keysOf(kv, { ...(after ? { gt: after } : { gte: 'p/' }), lt: 'p0', limit: 300 });
          if (page.length === 0) break;
          seen.push(...page);
          after = page.at(-1);
        }
        assert.deepEqual(seen, all);

        let n = 0;
        for await (const _ of kv.scan({ gte: 'p/' })) {
          if (++n === 5) break;
        }
        assert.equal(n, 5);
        // The store keeps working after an abandoned scan.
        await kv.put('p/after-break', 1);
        assert.equal(await kv.get('p/after-break'), 1);
        await kv.update(['p/after-break'], () => ({ writes: new Map([['p/after-break', 2]]), result: undefined }));
        assert.equal(await kv.get('p/after-break'), 2);
      });

      it('sees writes as soon as they resolve (read-after-write)', async () => {
        await kv.put('raw/1', 1);
        assert.deepEqual(await keysOf(kv, { gte: 'raw/', lt: 'raw0' }), ['raw/1']);
        await kv.del('raw/1');
        assert.deepEqual(await keysOf(kv, { gte: 'raw/', lt: 'raw0' }), []);
      });
    });

    describe('update', () => {
      it('reads current values (undefined when absent), applies puts and deletes, returns the result', async () => {
        await kv.put('u/a', 1);
        await kv.put('u/c', 'keep');
        const r = await kv.update(['u/a', 'u/b', 'u/c'], (cur) => {
          assert.equal(cur.get('u/a'), 1);
          assert.equal(cur.get('u/b'), undefined);
          assert.ok(cur.has('u/b'));
          assert.equal(cur.get('u/c'), 'keep');
          return {
            writes: new Map<string, KvValue | null>([
              ['u/a', null],
              ['u/b', { made: true }],
            ]),
            result: 'done',
          };
        });
        assert.equal(r, 'done');
        assert.equal(await kv.get('u/a'), undefined);
        assert.deepEqual(await kv.get('u/b'), { made: true });
        assert.equal(await kv.get('u/c'), 'keep', 'keys without a write stay as they are');
      });

      it('sees the writes of earlier updates', async () => {
        for (let i = 0; i < 5; i++) {
          await kv.update(['seq'], (cur) => ({
            writes: new Map([['seq', ((cur.get('seq') as number | undefined) ?? 0) + 1]]),
            result: null,
          }));
        }
        assert.equal(await kv.get('seq'), 5);
      });

      it('is atomic: 50 concurrent increments of one counter', async () => {
        const inc = () =>
          kv.update(['counter'], (cur) => {
            const n = ((cur.get('counter') as number | undefined) ?? 0) + 1;
            return { writes: new Map([['counter', n]]), result: n };
          });
        const results = await Promise.all(Array.from({ length: 50 }, inc));
        assert.equal(await kv.get('counter'), 50);
        assert.deepEqual([...results].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i + 1));
      });

      it('is atomic across keys: concurrent transfers keep the sum', async () => {
        await kv.put('acct/a', 1000);
        await kv.put('acct/b', 1000);
        const transfer = (from: string, to: string, amount: number) =>
          kv.update([from, to], (cur) => {
            const f = cur.get(from) as number;
            const t = cur.get(to) as number;
            if (f < amount) throw new Error('insufficient');
            return { writes: new Map([[from, f - amount], [to, t + amount]]), result: null };
          });
        await Promise.allSettled(
          Array.from({ length: 40 }, (_, i) => (i % 2 ? transfer('acct/a', 'acct/b', 37) : transfer('acct/b', 'acct/a', 11))),
        );
        const a = (await kv.get('acct/a')) as number;
        const b = (await kv.get('acct/b')) as number;
        assert.equal(a + b, 2000);
        assert.equal(a, 1000 - 20 * 37 + 20 * 11);
      });

      it('aborts on throw: rejects with that error and writes nothing', async () => {
        await kv.put('ab/x', 'old');
        const err = new Error('abort me');
        await assert.rejects(
          kv.update(['ab/x', 'ab/y'], () => {
            throw err;
          }),
          (e) => e === err,
        );
        assert.equal(await kv.get('ab/x'), 'old');
        assert.equal(await kv.get('ab/y'), undefined);
      });

      it('an aborted update does not disturb concurrent ones', async () => {
        const ops = Array.from({ length: 30 }, (_, i) =>
          kv.update(['mix/n', `mix/${i}`], (cur) => {
            if (i % 3 === 0) throw new Error(`abort ${i}`);
            return {
              writes: new Map<string, KvValue | null>([
                ['mix/n', ((cur.get('mix/n') as number | undefined) ?? 0) + 1],
                [`mix/${i}`, i],
              ]),
              result: i,
            };
          }),
        );
        const settled = await Promise.allSettled(ops);
        assert.equal(settled.filter((s) => s.status === 'rejected').length, 10);
        assert.equal(await kv.get('mix/n'), 20);
        for (let i = 0; i < 30; i++) assert.equal(await kv.get(`mix/${i}`), i % 3 === 0 ? undefined : i);
      });

      it('update and put/del interleave correctly', async () => {
        await Promise.all([
          kv.put('il/a', 1),
          kv.update(['il/b'], () => ({ writes: new Map([['il/b', 2]]), result: null })),
          kv.put('il/c', 3),
        ]);
        assert.deepEqual(await keysOf(kv, { gte: 'il/', lt: 'il0' }), ['il/a', 'il/b', 'il/c']);
      });
    });

    describe('persistence', () => {
      it('keeps everything across close and reopen', async (t) => {
        if (!h.reopen) {
          t.skip('backend harness has no reopen()');
          return;
        }
        await kv.put('keep/a', { a: 1 });
        await kv.put('keep/b', 'b');
        await kv.put('keep/gone', 'x');
        await kv.del('keep/gone');
        await kv.update(['keep/c'], () => ({ writes: new Map([['keep/c', [3]]]), result: null }));
        await kv.close();
        await kv.close(); // idempotent
        kv = await h.reopen();
        assert.deepEqual(await kv.get('keep/a'), { a: 1 });
        assert.equal(await kv.get('keep/b'), 'b');
        assert.equal(await kv.get('keep/gone'), undefined);
        assert.deepEqual(await kv.get('keep/c'), [3]);
        assert.deepEqual(await keysOf(kv, { gte: 'keep/', lt: 'keep0' }), ['keep/a', 'keep/b', 'keep/c']);
      });
    });
  });
}
