import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MetadataInput, MetadataOutput } from '@vaultx/metadata-client';
import { openTestEnv, rec, rejectsCode, type TestEnv } from './test-helpers.ts';

type ListIn = Omit<MetadataInput<'listObjects'>, 'bucket'>;
type ListOut = MetadataOutput<'listObjects'>;

const byUtf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** S3 semantics, computed naively over a full key list: the oracle for the paging tests. */
function oracle(keys: string[], prefix = '', delimiter?: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const k of [...keys].sort(byUtf8)) {
    if (!k.startsWith(prefix)) continue;
    const i = delimiter ? k.indexOf(delimiter, prefix.length) : -1;
    const item = i >= 0 ? `CP:${k.slice(0, i + delimiter!.length)}` : k;
    if (!seen.has(item)) {
      seen.add(item);
      out.push(item);
    }
  }
  return out;
}

describe('listObjects', () => {
  let env: TestEnv;
  let n = 0;

  before(async () => {
    env = await openTestEnv();
  });
  after(async () => {
    await env.cleanup();
  });

  /** A fresh bucket holding `keys`. */
  async function bucketWith(keys: string[]): Promise<string> {
    const name = `lst-${n++}`;
    await env.svc.createBucket({ name, owner: 'u', region: 'r' });
    // write in batches to keep the test quick
    for (let i = 0; i < keys.length; i += 500) {
      await Promise.all(keys.slice(i, i + 500).map((key) => env.svc.putObject({ record: rec(name, key, { chunks: [] }) })));
    }
    return name;
  }

  const list = (bucket: string, input: ListIn): Promise<ListOut> =>
    env.svc.listObjects({ bucket, ...input } as MetadataInput<'listObjects'>);

  /** Pages through with nextMarker; returns the items in order (common prefixes as 'CP:…') and page count. */
  async function listAll(bucket: string, input: ListIn): Promise<{ items: string[]; pages: ListOut[] }> {
    const items: string[] = [];
    const pages: ListOut[] = [];
    let startAfter: string | undefined;
    for (;;) {
      const page = await list(bucket, { ...input, ...(startAfter !== undefined ? { startAfter } : {}) });
      pages.push(page);
      // Merge the page's keys and prefixes in UTF-8 order, as S3 interleaves them.
      const merged = [...page.objects.map((o) => o.key), ...page.commonPrefixes.map((p) => `CP:${p}`)].sort((a, b) =>
        byUtf8(a.replace(/^CP:/, ''), b.replace(/^CP:/, '')),
      );
      items.push(...merged);
      assert.ok(page.objects.length + page.commonPrefixes.length <= input.maxKeys);
      if (!page.isTruncated) {
        assert.equal(page.nextMarker, undefined);
        break;
      }
      assert.ok(page.nextMarker !== undefined);
      assert.equal(page.nextMarker, merged.at(-1)!.replace(/^CP:/, ''), 'nextMarker is the last item returned');
      startAfter = page.nextMarker;
      assert.ok(pages.length < 10_000, 'pagination terminates');
    }
    return { items, pages };
  }

  it('NoSuchBucket for a missing bucket', async () => {
    await rejectsCode(list('no-such-bucket', { maxKeys: 10 }), 'NoSuchBucket');
  });

  it('an empty bucket lists nothing', async () => {
    const b = await bucketWith([]);
    assert.deepEqual(await list(b, { maxKeys: 1000 }), { objects: [], commonPrefixes: [], isTruncated: false });
    assert.deepEqual(await list(b, { maxKeys: 10, delimiter: '/' }), { objects: [], commonPrefixes: [], isTruncated: false });
  });

  it('lists keys in UTF-8 byte order with their summaries', async () => {
    const keys = ['b', 'a', 'é', '中', '😀', '\uFFFF', '\u{10000}', 'Z', 'a/b', 'a b', '~'];
    const b = await bucketWith(keys);
    const out = await list(b, { maxKeys: 1000 });
    assert.deepEqual(out.objects.map((o) => o.key), [...keys].sort(byUtf8));
    assert.ok(out.objects.map((o) => o.key).indexOf('\uFFFF') < out.objects.map((o) => o.key).indexOf('\u{10000}'));
    assert.equal(out.isTruncated, false);
    const r = rec(b, 'a', { chunks: [] });
    assert.deepEqual(out.objects.find((o) => o.key === 'a'), {
      key: 'a',
      size: r.size,
      etag: r.etag,
      lastModified: r.lastModified,
      owner: r.owner,
      storageClass: 'STANDARD',
    });
  });

  it('filters by prefix', async () => {
    const b = await bucketWith(['photos/a.jpg', 'photos/b.jpg', 'photosX', 'photo', 'docs/x', 'photos/2024/c.jpg']);
    const out = await list(b, { prefix: 'photos/', maxKeys: 1000 });
    assert.deepEqual(out.objects.map((o) => o.key), ['photos/2024/c.jpg', 'photos/a.jpg', 'photos/b.jpg']);
    assert.deepEqual((await list(b, { prefix: 'nothing', maxKeys: 10 })).objects, []);
    assert.deepEqual((await list(b, { prefix: 'photo', maxKeys: 10 })).objects.map((o) => o.key), [
      'photo', 'photos/2024/c.jpg', 'photos/a.jpg', 'photos/b.jpg', 'photosX',
    ]);
  });

  it('rolls keys up into common prefixes with prefix + delimiter', async () => {
    const b = await bucketWith(['a.txt', 'dir/x', 'dir/y/z', 'dir/y/w', 'dir/', 'dir2/q', 'photos/2024/a', 'photos/2025/b', 'photos/top']);
    const root = await list(b, { delimiter: '/', maxKeys: 1000 });
    assert.deepEqual(root.objects.map((o) => o.key), ['a.txt']);
    assert.deepEqual(root.commonPrefixes, ['dir/', 'dir2/', 'photos/']);
    assert.equal(root.isTruncated, false);

    const dir = await list(b, { prefix: 'dir/', delimiter: '/', maxKeys: 1000 });
    assert.deepEqual(dir.objects.map((o) => o.key), ['dir/', 'dir/x']); // 'dir/' itself is a key under the prefix
    assert.deepEqual(dir.commonPrefixes, ['dir/y/']);

    const photos = await list(b, { prefix: 'photos/', delimiter: '/', maxKeys: 1000 });
    assert.deepEqual(photos.objects.map((o) => o.key), ['photos/top']);
    assert.deepEqual(photos.commonPrefixes, ['photos/2024/', 'photos/2025/']);

    // a prefix that does not end at a delimiter
    const d = await list(b, { prefix: 'di', delimiter: '/', maxKeys: 1000 });
    assert.deepEqual(d.commonPrefixes, ['dir/', 'dir2/']);
    assert.deepEqual(d.objects, []);
  });

  it('supports delimiters other than "/" and multi-character delimiters', async () => {
    const b = await bucketWith(['a|b|c', 'a|d', 'e', 'x::y::z', 'x::w', 'xx', 'ab-ab-ab', 'aab']);
    const pipe = await list(b, { delimiter: '|', maxKeys: 100 });
    assert.deepEqual(pipe.commonPrefixes, ['a|']);
    assert.deepEqual(pipe.objects.map((o) => o.key), ['aab', 'ab-ab-ab', 'e', 'x::w', 'x::y::z', 'xx']);

    const dc = await list(b, { delimiter: '::', maxKeys: 100 });
    assert.deepEqual(dc.commonPrefixes, ['x::']);
    assert.deepEqual((await list(b, { prefix: 'x::', delimiter: '::', maxKeys: 100 })).commonPrefixes, ['x::y::']);

    // delimiter 'ab': cut at its first occurrence after the prefix
    const ab = await list(b, { delimiter: 'ab', maxKeys: 100 });
    assert.deepEqual(ab.commonPrefixes, ['aab', 'ab']);
    assert.deepEqual((await list(b, { prefix: 'ab', delimiter: 'ab', maxKeys: 100 })).commonPrefixes, ['ab-ab']);
    // a letter as delimiter
    const x = await list(b, { delimiter: 'x', maxKeys: 100 });
    assert.deepEqual(x.commonPrefixes, ['x']);
  });

  it('an empty delimiter is no delimiter', async () => {
    const b = await bucketWith(['a/b', 'c']);
    assert.deepEqual((await list(b, { delimiter: '', maxKeys: 10 })).objects.map((o) => o.key), ['a/b', 'c']);
  });

  it('maxKeys 0 gives an empty, untruncated page', async () => {
    const b = await bucketWith(['a', 'b']);
    assert.deepEqual(await list(b, { maxKeys: 0 }), { objects: [], commonPrefixes: [], isTruncated: false });
    assert.deepEqual(await list(b, { maxKeys: 0, delimiter: '/' }), { objects: [], commonPrefixes: [], isTruncated: false });
  });

  it('isTruncated is exact at the boundary', async () => {
    const b = await bucketWith(['a', 'b', 'c/1', 'c/2']);
    const exact = await list(b, { maxKeys: 3, delimiter: '/' });
    assert.deepEqual([exact.objects.map((o) => o.key), exact.commonPrefixes, exact.isTruncated], [['a', 'b'], ['c/'], false]);
    assert.equal(exact.nextMarker, undefined);
    const short = await list(b, { maxKeys: 2, delimiter: '/' });
    assert.equal(short.isTruncated, true);
    assert.equal(short.nextMarker, 'b');
    const last = await list(b, { maxKeys: 1, delimiter: '/', startAfter: 'b' });
    assert.deepEqual([last.commonPrefixes, last.isTruncated], [['c/'], false]);
    // without delimiter: 4 keys, maxKeys 4 → not truncated; 3 → truncated
    assert.equal((await list(b, { maxKeys: 4 })).isTruncated, false);
    assert.equal((await list(b, { maxKeys: 3 })).isTruncated, true);
  });

  it('paginates 2,500 keys with maxKeys 1000: no duplicates, no gaps', async () => {
    const keys = Array.from({ length: 2500 }, (_, i) => `k/${String(i).padStart(5, '0')}`);
    const b = await bucketWith(keys);
    const { items, pages } = await listAll(b, { maxKeys: 1000 });
    assert.deepEqual(pages.map((p) => p.objects.length), [1000, 1000, 500]);
    assert.deepEqual(pages.map((p) => p.isTruncated), [true, true, false]);
    assert.equal(new Set(items).size, 2500);
    assert.deepEqual(items, keys);
  });

  it('common prefixes across page boundaries: each appears exactly once, in order', async () => {
    const keys: string[] = [];
    for (let d = 0; d < 30; d++) {
      for (let f = 0; f < 10; f++) keys.push(`dir${String(d).padStart(2, '0')}/f${f}`);
      keys.push(`dir${String(d).padStart(2, '0')}.txt`); // top-level file between prefixes
      keys.push(`dir${String(d).padStart(2, '0')}0`); // sorts right after 'dirNN/' ('0' = '/' + 1)
    }
    const b = await bucketWith(keys);
    const want = oracle(keys, '', '/');
    for (const maxKeys of [1, 2, 7, 10, 89, 1000]) {
      const { items } = await listAll(b, { delimiter: '/', maxKeys });
      assert.deepEqual(items, want, `maxKeys ${maxKeys}`);
    }
    // with a prefix inside a common prefix
    const { items } = await listAll(b, { prefix: 'dir07/', delimiter: '/', maxKeys: 3 });
    assert.deepEqual(items, oracle(keys, 'dir07/', '/'));
  });

  it('skipping a common prefix does not skip keys that sort just after it (s3-tests "not skip special")', async () => {
    const keys: string[] = [];
    for (let i = 0; i < 120; i++) keys.push(`${i}/x`);
    keys.push('1999', '1999#', '1999+', '2000', '19/', '19/0', '19.5');
    const b = await bucketWith(keys);
    const { items } = await listAll(b, { delimiter: '/', maxKeys: 100 });
    assert.deepEqual(items, oracle(keys, '', '/'));
    for (const k of ['1999', '1999#', '1999+', '2000', '19.5']) assert.ok(items.includes(k), k);
  });

  it('unicode common prefixes, including across U+FFFF / U+10000, page by page', async () => {
    const keys = ['中/a', '中/b', '中文', '😀/x', '😀/y', '\uFFFF/y', '\u{10000}/z', 'é/1', 'e\u0301/2', 'z', '\u{10FFFF}/q', '\u{10FFFF}'];
    const b = await bucketWith(keys);
    const all = await list(b, { delimiter: '/', maxKeys: 1000 });
    assert.deepEqual(all.commonPrefixes, ['e\u0301/', 'é/', '中/', '\uFFFF/', '\u{10000}/', '😀/', '\u{10FFFF}/']);
    assert.deepEqual(all.objects.map((o) => o.key), ['z', '中文', '\u{10FFFF}']);
    const { items } = await listAll(b, { delimiter: '/', maxKeys: 1 });
    assert.deepEqual(items, oracle(keys, '', '/'));
  });

  it('a delimiter at the top of Unicode (U+10FFFF) still skips correctly', async () => {
    const d = '\u{10FFFF}';
    const keys = [`a${d}1`, `a${d}2`, `a${d}${d}`, 'a', 'b', `b${d}`];
    const b = await bucketWith(keys);
    const { items } = await listAll(b, { delimiter: d, maxKeys: 1 });
    assert.deepEqual(items, oracle(keys, '', d));
  });

  it('startAfter is exclusive, may be any string, and skips a whole common prefix', async () => {
    const b = await bucketWith(['a', 'b/1', 'b/2', 'c', 'd/1']);
    assert.deepEqual((await list(b, { startAfter: 'a', maxKeys: 10 })).objects.map((o) => o.key), ['b/1', 'b/2', 'c', 'd/1']);
    assert.deepEqual((await list(b, { startAfter: 'b', maxKeys: 10 })).objects.map((o) => o.key), ['b/1', 'b/2', 'c', 'd/1']);
    assert.deepEqual((await list(b, { startAfter: 'b/1', maxKeys: 10 })).objects.map((o) => o.key), ['b/2', 'c', 'd/1']);
    assert.deepEqual((await list(b, { startAfter: 'zzz', maxKeys: 10 })).objects, []);
    assert.deepEqual((await list(b, { startAfter: '', maxKeys: 10 })).objects.length, 5);
    const afterCp = await list(b, { startAfter: 'b/', delimiter: '/', maxKeys: 10 });
    assert.deepEqual([afterCp.objects.map((o) => o.key), afterCp.commonPrefixes], [['c'], ['d/']]);
    // startAfter inside a common prefix: the prefix sorts before it, so it is not repeated
    const inside = await list(b, { startAfter: 'b/1', delimiter: '/', maxKeys: 10 });
    assert.deepEqual([inside.objects.map((o) => o.key), inside.commonPrefixes], [['c'], ['d/']]);
    // startAfter before the prefix is ignored; after the prefix range gives nothing
    assert.deepEqual((await list(b, { prefix: 'b/', startAfter: 'a', maxKeys: 10 })).objects.map((o) => o.key), ['b/1', 'b/2']);
    assert.deepEqual((await list(b, { prefix: 'b/', startAfter: 'c', maxKeys: 10 })).objects, []);
  });

  it('startAfter longer than any key still works', async () => {
    const long = 'm'.repeat(1020);
    const b = await bucketWith([long, `${long}a`, `${long}b`, 'n']);
    const out = await list(b, { startAfter: `${long}a${'x'.repeat(2000)}`, maxKeys: 10 });
    assert.deepEqual(out.objects.map((o) => o.key), [`${long}b`, 'n']);
    assert.deepEqual((await list(b, { prefix: 'x'.repeat(1500), maxKeys: 10 })).objects, []);
  });

  it('rejects an ill-formed delimiter or startAfter', async () => {
    const b = await bucketWith(['a']);
    await rejectsCode(list(b, { delimiter: '\uD800', maxKeys: 10 }), 'InvalidArgument');
    await rejectsCode(list(b, { startAfter: 'x\uDC00', maxKeys: 10 }), 'InvalidArgument');
    assert.deepEqual((await list(b, { prefix: '\uD800', maxKeys: 10 })).objects, []);
  });

  it('sees writes and deletes immediately', async () => {
    const b = await bucketWith(['a']);
    await env.svc.putObject({ record: rec(b, 'b') });
    await env.svc.deleteObject({ bucket: b, key: 'a' });
    assert.deepEqual((await list(b, { maxKeys: 10 })).objects.map((o) => o.key), ['b']);
  });

  it('a prefix with 5,000 keys under one common prefix costs one item', async () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `big/${i}`);
    keys.push('after', 'before');
    const b = await bucketWith(keys);
    const out = await list(b, { delimiter: '/', maxKeys: 2 });
    assert.deepEqual([out.objects.map((o) => o.key), out.commonPrefixes, out.isTruncated, out.nextMarker], [['after', 'before'], [], true, 'before']);
    const out2 = await list(b, { delimiter: '/', maxKeys: 2, startAfter: 'before' });
    assert.deepEqual([out2.objects, out2.commonPrefixes, out2.isTruncated], [[], ['big/'], false]);
  });

  it('buckets do not leak into each other', async () => {
    const b1 = await bucketWith(['x']);
    const b2 = await bucketWith(['y']);
    assert.deepEqual((await list(b1, { maxKeys: 10 })).objects.map((o) => o.key), ['x']);
    assert.deepEqual((await list(b2, { maxKeys: 10 })).objects.map((o) => o.key), ['y']);
  });
});
