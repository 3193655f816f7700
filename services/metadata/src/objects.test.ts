import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { ObjectRecord } from '@vaultx/metadata-client';
import { gcKey, objectKey, refKey } from './keys.ts';
import { cid, openTestEnv, rec, rejectsCode, type TestEnv } from './test-helpers.ts';

describe('objects', () => {
  let env: TestEnv;
  const B = 'bkt';

  beforeEach(async () => {
    env = await openTestEnv();
    await env.svc.createBucket({ name: B, owner: 'u-owner', region: 'r' });
  });
  afterEach(async () => {
    await env.cleanup();
  });

  const refs = async (n: number | string) => ((await env.kv.get(refKey(typeof n === 'number' ? cid(n) : n))) as { count: number } | undefined)?.count;
  const gc = async (n: number) => (await env.kv.get(gcKey(cid(n)))) as { since: string } | undefined;

  describe('put / get / delete', () => {
    it('stores a record and reads it back', async () => {
      const r = rec(B, 'dir/file.txt', { chunks: [1, 2] });
      r.userMeta = { color: 'blue' };
      r.checksum = { algorithm: 'CRC32', value: 'AAAAAA==', type: 'FULL_OBJECT' };
      assert.deepEqual(await env.svc.putObject({ record: r }), { record: r });
      assert.deepEqual(await env.svc.getObject({ bucket: B, key: 'dir/file.txt' }), r);
    });

    it('fills storageClass when an in-process caller omits it', async () => {
      const { storageClass: _, ...r } = rec(B, 'sc');
      const out = await env.svc.putObject({ record: r });
      assert.equal(out.record.storageClass, 'STANDARD');
      assert.equal((await env.svc.getObject({ bucket: B, key: 'sc' })).storageClass, 'STANDARD');
    });

    it('overwrites: last writer wins', async () => {
      await env.svc.putObject({ record: rec(B, 'k', { etag: 'one' }) });
      await env.svc.putObject({ record: rec(B, 'k', { etag: 'two' }) });
      assert.equal((await env.svc.getObject({ bucket: B, key: 'k' })).etag, 'two');
    });

    it('NoSuchBucket for a missing bucket on put, get, delete', async () => {
      const e = await rejectsCode(env.svc.putObject({ record: rec('nobucket', 'k') }), 'NoSuchBucket');
      assert.equal(e.details.BucketName, 'nobucket');
      await rejectsCode(env.svc.getObject({ bucket: 'nobucket', key: 'k' }), 'NoSuchBucket');
      await rejectsCode(env.svc.deleteObject({ bucket: 'nobucket', key: 'k' }), 'NoSuchBucket');
    });

    it('NoSuchKey (with Key) for a missing key', async () => {
      const e = await rejectsCode(env.svc.getObject({ bucket: B, key: 'missing' }), 'NoSuchKey');
      assert.equal(e.status, 404);
      assert.equal(e.details.Key, 'missing');
    });

    it('deletes; deleting a missing key is not an error', async () => {
      await env.svc.putObject({ record: rec(B, 'k') });
      assert.deepEqual(await env.svc.deleteObject({ bucket: B, key: 'k' }), { deleted: true });
      await rejectsCode(env.svc.getObject({ bucket: B, key: 'k' }), 'NoSuchKey');
      assert.deepEqual(await env.svc.deleteObject({ bucket: B, key: 'k' }), { deleted: false });
      assert.deepEqual(await env.svc.deleteObject({ bucket: B, key: 'never' }), { deleted: false });
    });

    it('a bucket name containing "/" cannot reach another bucket’s keys', async () => {
      await env.svc.putObject({ record: rec(B, 'x/y') });
      await rejectsCode(env.svc.getObject({ bucket: `${B}/x`, key: 'y' }), 'NoSuchBucket');
      await rejectsCode(env.svc.deleteObject({ bucket: `${B}/x`, key: 'y' }), 'NoSuchBucket');
      await rejectsCode(env.svc.putObject({ record: rec(`${B}/x`, 'y') }), 'NoSuchBucket');
      await rejectsCode(env.svc.listObjects({ bucket: `${B}/x`, maxKeys: 10 }), 'NoSuchBucket');
      assert.ok(await env.svc.getObject({ bucket: B, key: 'x/y' }));
    });

    it('keys up to 1,024 UTF-8 bytes are stored; longer ones are KeyTooLongError', async () => {
      const k1024 = '中'.repeat(341) + 'a'; // 1,024 bytes
      await env.svc.putObject({ record: rec(B, k1024) });
      assert.equal((await env.svc.getObject({ bucket: B, key: k1024 })).key, k1024);
      await rejectsCode(env.svc.putObject({ record: rec(B, k1024 + 'b') }), 'KeyTooLongError');
      await rejectsCode(env.svc.getObject({ bucket: B, key: k1024 + 'b' }), 'NoSuchKey');
      assert.deepEqual(await env.svc.deleteObject({ bucket: B, key: 'x'.repeat(4000) }), { deleted: false });
    });

    it('rejects keys that are not valid Unicode (lone surrogates)', async () => {
      await rejectsCode(env.svc.putObject({ record: rec(B, 'bad\uD800') }), 'InvalidArgument');
      await rejectsCode(env.svc.getObject({ bucket: B, key: 'bad\uD800' }), 'NoSuchKey');
    });

    it('empty key and keys with unicode, NUL, spaces', async () => {
      for (const key of ['', ' ', 'a\u0000b', 'é', '😀/x', '\uFFFF']) {
        await env.svc.putObject({ record: rec(B, key) });
        assert.equal((await env.svc.getObject({ bucket: B, key })).key, key);
      }
    });

    it('concurrent puts of one key: exactly one record survives, intact', async () => {
      const writers = Array.from({ length: 20 }, (_, i) => rec(B, 'hot', { etag: `e${i}`, chunks: [1000 + i] }));
      await Promise.all(writers.map((record) => env.svc.putObject({ record })));
      const final = await env.svc.getObject({ bucket: B, key: 'hot' });
      const winner = writers.find((w) => w.etag === final.etag)!;
      assert.deepEqual(final, winner);
      for (let i = 0; i < 20; i++) {
        const isWinner = writers[i] === winner;
        assert.equal(await refs(1000 + i), isWinner ? 1 : undefined, `refcount of writer ${i}`);
        assert.equal((await gc(1000 + i)) !== undefined, !isWinner, `gc mark of writer ${i}`);
      }
    });
  });

  it('100 concurrent writers of one key with different chunks all succeed (no contention failure)', async () => {
    const writers = Array.from({ length: 100 }, (_, i) => rec(B, 'hotter', { etag: `e${i}`, chunks: [5000 + i, 4999] }));
    const ops: Array<Promise<unknown>> = writers.map((record) => env.svc.putObject({ record }));
    ops.push(env.svc.deleteObject({ bucket: B, key: 'hotter' }));
    await Promise.all(ops);
    let live = 0;
    for (let i = 0; i < 100; i++) live += (await refs(5000 + i)) ?? 0;
    const exists = await env.svc.getObject({ bucket: B, key: 'hotter' }).then(() => true, () => false);
    assert.equal(live, exists ? 1 : 0);
    assert.equal(await refs(4999), exists ? 1 : undefined);
  });

  describe('conditional writes', () => {
    it('If-None-Match: * creates only when absent', async () => {
      await env.svc.putObject({ record: rec(B, 'once', { etag: 'a' }), ifNoneMatch: '*' });
      const e = await rejectsCode(env.svc.putObject({ record: rec(B, 'once', { etag: 'b' }), ifNoneMatch: '*' }), 'PreconditionFailed');
      assert.equal(e.status, 412);
      assert.equal((await env.svc.getObject({ bucket: B, key: 'once' })).etag, 'a');
    });

    it('If-None-Match: * under concurrency: exactly one creator wins', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 15 }, (_, i) => env.svc.putObject({ record: rec(B, 'lock', { etag: `e${i}`, chunks: [i] }), ifNoneMatch: '*' })),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as { code: string }).code, 'PreconditionFailed');
      // the losers did not touch reference counts
      let total = 0;
      for (let i = 0; i < 15; i++) total += (await refs(i)) ?? 0;
      assert.equal(total, 1);
    });

    it('If-Match: missing key is NoSuchKey; other ETag is PreconditionFailed; matching (quoted or *) succeeds', async () => {
      await rejectsCode(env.svc.putObject({ record: rec(B, 'cas', { etag: 'x' }), ifMatch: '"x"' }), 'NoSuchKey');
      await env.svc.putObject({ record: rec(B, 'cas', { etag: 'v1' }) });
      await rejectsCode(env.svc.putObject({ record: rec(B, 'cas', { etag: 'v2' }), ifMatch: '"other"' }), 'PreconditionFailed');
      await env.svc.putObject({ record: rec(B, 'cas', { etag: 'v2' }), ifMatch: '"v1"' });
      await env.svc.putObject({ record: rec(B, 'cas', { etag: 'v3' }), ifMatch: 'v2' });
      await env.svc.putObject({ record: rec(B, 'cas', { etag: 'v4' }), ifMatch: '"nope", "v3"' });
      await env.svc.putObject({ record: rec(B, 'cas', { etag: 'v5' }), ifMatch: '*' });
      assert.equal((await env.svc.getObject({ bucket: B, key: 'cas' })).etag, 'v5');
    });

    it('If-Match compare-and-swap under concurrency: one winner per version', async () => {
      await env.svc.putObject({ record: rec(B, 'ctr', { etag: 'v0' }) });
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => env.svc.putObject({ record: rec(B, 'ctr', { etag: `v1-${i}` }), ifMatch: 'v0' })),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    });

    it('a failed condition changes nothing', async () => {
      await env.svc.putObject({ record: rec(B, 'c', { etag: 'e', chunks: [1] }) });
      await rejectsCode(env.svc.putObject({ record: rec(B, 'c', { etag: 'f', chunks: [2] }), ifNoneMatch: '*' }), 'PreconditionFailed');
      assert.equal(await refs(1), 1);
      assert.equal(await refs(2), undefined);
      assert.equal(await gc(2), undefined);
    });

    it('conditional delete: another ETag, Last-Modified or size is PreconditionFailed (object kept); a match deletes; no object is a no-op', async () => {
      assert.deepEqual(await env.svc.deleteObject({ bucket: B, key: 'cdel', ifMatch: '*' }), { deleted: false });
      assert.deepEqual(await env.svc.deleteObject({ bucket: B, key: 'cdel', ifMatch: '"x"', ifMatchSize: 5 }), { deleted: false });
      await env.svc.putObject({ record: rec(B, 'cdel', { etag: 'd1', chunks: [77] }) });
      const stored = await env.svc.getObject({ bucket: B, key: 'cdel' });
      const size = stored.size;
      // the same second as Last-Modified, another millisecond: S3 times have whole seconds
      const sameSecond = new Date(Math.floor(Date.parse(stored.lastModified) / 1000) * 1000 + 999).toISOString();
      const e = await rejectsCode(env.svc.deleteObject({ bucket: B, key: 'cdel', ifMatch: '"other"' }), 'PreconditionFailed');
      assert.equal(e.status, 412);
      await rejectsCode(env.svc.deleteObject({ bucket: B, key: 'cdel', ifMatchLastModifiedTime: '2015-01-01T00:00:00.000Z' }), 'PreconditionFailed');
      await rejectsCode(env.svc.deleteObject({ bucket: B, key: 'cdel', ifMatchSize: size + 1 }), 'PreconditionFailed');
      await rejectsCode(env.svc.deleteObject({ bucket: B, key: 'cdel', ifMatch: '"d1"', ifMatchSize: size + 1 }), 'PreconditionFailed');
      assert.equal((await env.svc.getObject({ bucket: B, key: 'cdel' })).etag, 'd1');
      assert.equal(await refs(77), 1);
      const all = { ifMatch: '"d1"', ifMatchLastModifiedTime: sameSecond, ifMatchSize: size };
      assert.deepEqual(await env.svc.deleteObject({ bucket: B, key: 'cdel', ...all }), { deleted: true });
      await rejectsCode(env.svc.getObject({ bucket: B, key: 'cdel' }), 'NoSuchKey');
      await env.svc.putObject({ record: rec(B, 'cdel', { etag: 'd2' }) });
      assert.deepEqual(await env.svc.deleteObject({ bucket: B, key: 'cdel', ifMatch: '*' }), { deleted: true });
    });
  });

  describe('chunk reference counts', () => {
    it('count every occurrence; overwrite and delete decrement; zero makes a GC candidate; reuse clears it', async () => {
      env.clock.now = new Date('2025-02-01T00:00:00.000Z');
      await env.svc.putObject({ record: rec(B, 'a', { chunks: [1, 2, 1] }) });
      assert.equal(await refs(1), 2);
      assert.equal(await refs(2), 1);

      // overwrite a: [1,2,1] → [2,3]
      env.clock.now = new Date('2025-02-02T00:00:00.000Z');
      await env.svc.putObject({ record: rec(B, 'a', { chunks: [2, 3] }) });
      assert.equal(await refs(1), undefined, 'r/ is deleted at zero');
      assert.deepEqual(await gc(1), { since: '2025-02-02T00:00:00.000Z' });
      assert.equal(await refs(2), 1);
      assert.equal(await refs(3), 1);
      assert.equal(await gc(2), undefined);

      // a second object shares chunk 3
      await env.svc.putObject({ record: rec(B, 'b', { chunks: [3] }) });
      assert.equal(await refs(3), 2);

      // delete a: 2 → 0, 3 → 1
      env.clock.now = new Date('2025-02-03T00:00:00.000Z');
      await env.svc.deleteObject({ bucket: B, key: 'a' });
      assert.equal(await refs(2), undefined);
      assert.deepEqual(await gc(2), { since: '2025-02-03T00:00:00.000Z' });
      assert.equal(await refs(3), 1);
      assert.equal(await gc(3), undefined);

      // chunk 1 is referenced again: its GC mark goes away
      await env.svc.putObject({ record: rec(B, 'c', { chunks: [1] }) });
      assert.equal(await refs(1), 1);
      assert.equal(await gc(1), undefined);

      // deleting a missing key or re-putting identical chunks changes nothing
      await env.svc.deleteObject({ bucket: B, key: 'a' });
      await env.svc.putObject({ record: rec(B, 'c', { chunks: [1], etag: 'new' }) });
      assert.equal(await refs(1), 1);
      assert.equal(await refs(3), 1);
    });

    it('objects in different buckets share counts; zero-chunk objects touch none', async () => {
      await env.svc.createBucket({ name: 'other', owner: 'u', region: 'r' });
      await env.svc.putObject({ record: rec(B, 'x', { chunks: [7] }) });
      await env.svc.putObject({ record: rec('other', 'x', { chunks: [7] }) });
      await env.svc.putObject({ record: rec(B, 'empty', { chunks: [] }) });
      assert.equal(await refs(7), 2);
      await env.svc.deleteObject({ bucket: 'other', key: 'x' });
      assert.equal(await refs(7), 1);
      const all: string[] = [];
      for await (const e of env.kv.scan({ gte: 'r/', lt: 'r0' })) all.push(e.key);
      assert.deepEqual(all, [refKey(cid(7))]);
    });

    it('counts stay exact under concurrent overwrites and deletes of many keys', async () => {
      const ops: Array<Promise<unknown>> = [];
      for (let round = 0; round < 5; round++) {
        for (let k = 0; k < 10; k++) {
          ops.push(env.svc.putObject({ record: rec(B, `k${k}`, { chunks: [k % 3, 100 + round, k % 3] }) }));
          if ((k + round) % 4 === 0) ops.push(env.svc.deleteObject({ bucket: B, key: `k${k}` }));
        }
      }
      await Promise.all(ops);
      // recount from the records themselves
      const expected = new Map<string, number>();
      for await (const { value } of env.kv.scan<ObjectRecord>({ gte: `o/${B}/`, lt: `o/${B}0` })) {
        for (const c of value.chunks) expected.set(c.id, (expected.get(c.id) ?? 0) + 1);
      }
      const actual = new Map<string, number>();
      for await (const { key, value } of env.kv.scan<{ count: number }>({ gte: 'r/', lt: 'r0' })) actual.set(key.slice(2), value.count);
      assert.deepEqual(actual, expected);
      for await (const { key } of env.kv.scan({ gte: 'g/', lt: 'g0' })) {
        assert.equal(actual.has(key.slice(2)), false, 'a referenced chunk is never a GC candidate');
      }
    });

    it('stores the record under o/<bucket>/<key>', async () => {
      await env.svc.putObject({ record: rec(B, 'path/k') });
      assert.equal(((await env.kv.get(objectKey(B, 'path/k'))) as ObjectRecord).key, 'path/k');
    });
  });
});
