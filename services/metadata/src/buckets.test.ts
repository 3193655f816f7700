import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DELETE_MARK_TTL_MS } from './buckets.ts';
import { bucketKey, objectsPrefix } from './keys.ts';
import { openTestEnv, rec, rejectsCode, type TestEnv } from './test-helpers.ts';

describe('buckets', () => {
  let env: TestEnv;
  beforeEach(async () => {
    env = await openTestEnv();
  });
  afterEach(async () => {
    await env.cleanup();
  });

  it('creates, gets and lists buckets', async () => {
    const b = await env.svc.createBucket({ name: 'alpha', owner: 'u-1', region: 'eu-west-1' });
    assert.deepEqual(b, { name: 'alpha', owner: 'u-1', region: 'eu-west-1', createdAt: '2025-01-02T03:04:05.678Z' });
    assert.deepEqual(await env.svc.getBucket({ name: 'alpha' }), b);
  });

  it('lists all buckets sorted by name, or one owner’s', async () => {
    for (const [name, owner] of [
      ['zeta', 'u-1'],
      ['alpha', 'u-2'],
      ['mid', 'u-1'],
      ['beta', 'u-2'],
      ['a-b', 'u-1'],
    ] as const) {
      await env.svc.createBucket({ name, owner, region: 'r1' });
    }
    const all = await env.svc.listBuckets({});
    assert.deepEqual(all.buckets.map((b) => b.name), ['a-b', 'alpha', 'beta', 'mid', 'zeta']);
    const u1 = await env.svc.listBuckets({ owner: 'u-1' });
    assert.deepEqual(u1.buckets.map((b) => b.name), ['a-b', 'mid', 'zeta']);
    assert.ok(u1.buckets.every((b) => b.owner === 'u-1'));
    assert.deepEqual((await env.svc.listBuckets({ owner: 'nobody' })).buckets, []);
  });

  it('keeps owners apart even when an owner id contains "/"', async () => {
    await env.svc.createBucket({ name: 'b1', owner: 'a', region: 'r' });
    await env.svc.createBucket({ name: 'b2', owner: 'a/x', region: 'r' });
    assert.deepEqual((await env.svc.listBuckets({ owner: 'a' })).buckets.map((b) => b.name), ['b1']);
    assert.deepEqual((await env.svc.listBuckets({ owner: 'a/x' })).buckets.map((b) => b.name), ['b2']);
  });

  it('refuses a second create: BucketAlreadyOwnedByYou for the owner, BucketAlreadyExists for others', async () => {
    await env.svc.createBucket({ name: 'taken', owner: 'u-1', region: 'r' });
    const e1 = await rejectsCode(env.svc.createBucket({ name: 'taken', owner: 'u-1', region: 'r' }), 'BucketAlreadyOwnedByYou');
    assert.equal(e1.status, 409);
    assert.equal(e1.details.BucketName, 'taken');
    const e2 = await rejectsCode(env.svc.createBucket({ name: 'taken', owner: 'u-2', region: 'r' }), 'BucketAlreadyExists');
    assert.equal(e2.details.BucketName, 'taken');
    assert.equal((await env.svc.getBucket({ name: 'taken' })).owner, 'u-1');
  });

  it('concurrent creates of one name: exactly one wins', async () => {
    const owners = Array.from({ length: 20 }, (_, i) => `u-${i}`);
    const results = await Promise.allSettled(
      owners.map((owner) => env.svc.createBucket({ name: 'race', owner, region: 'r' })),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    assert.equal(won.length, 1);
    for (const r of results) {
      if (r.status === 'rejected') assert.equal((r.reason as { code: string }).code, 'BucketAlreadyExists');
    }
    const winner = (won[0] as PromiseFulfilledResult<{ owner: string }>).value.owner;
    assert.equal((await env.svc.getBucket({ name: 'race' })).owner, winner);
    // the owner index agrees: only the winner lists it
    let listed = 0;
    for (const owner of owners) listed += (await env.svc.listBuckets({ owner })).buckets.length;
    assert.equal(listed, 1);
  });

  it('rejects bucket names with "/" (they would break the key layout)', async () => {
    await rejectsCode(env.svc.createBucket({ name: 'a/b', owner: 'u', region: 'r' }), 'InvalidBucketName');
    await rejectsCode(env.svc.getBucket({ name: 'a/b' }), 'NoSuchBucket');
  });

  it('getBucket / deleteBucket of a missing bucket: NoSuchBucket with BucketName', async () => {
    const e = await rejectsCode(env.svc.getBucket({ name: 'nope' }), 'NoSuchBucket');
    assert.equal(e.status, 404);
    assert.equal(e.details.BucketName, 'nope');
    await rejectsCode(env.svc.deleteBucket({ name: 'nope' }), 'NoSuchBucket');
  });

  it('deletes an empty bucket everywhere; the name is free again', async () => {
    await env.svc.createBucket({ name: 'gone', owner: 'u-1', region: 'r' });
    assert.deepEqual(await env.svc.deleteBucket({ name: 'gone' }), {});
    await rejectsCode(env.svc.getBucket({ name: 'gone' }), 'NoSuchBucket');
    assert.deepEqual((await env.svc.listBuckets({})).buckets, []);
    assert.deepEqual((await env.svc.listBuckets({ owner: 'u-1' })).buckets, []);
    await env.svc.createBucket({ name: 'gone', owner: 'u-2', region: 'r' });
    assert.equal((await env.svc.getBucket({ name: 'gone' })).owner, 'u-2');
  });

  it('refuses to delete a non-empty bucket, and leaves it fully usable', async () => {
    await env.svc.createBucket({ name: 'full', owner: 'u-1', region: 'r' });
    await env.svc.putObject({ record: rec('full', 'k') });
    const e = await rejectsCode(env.svc.deleteBucket({ name: 'full' }), 'BucketNotEmpty');
    assert.equal(e.details.BucketName, 'full');
    // the deletion mark was cleared: writes work and no internal field leaks
    await env.svc.putObject({ record: rec('full', 'k2') });
    assert.deepEqual(Object.keys(await env.svc.getBucket({ name: 'full' })).sort(), ['createdAt', 'name', 'owner', 'region']);
    assert.equal(((await env.kv.get(bucketKey('full'))) as { deleting?: unknown }).deleting, undefined);
    await env.svc.deleteObject({ bucket: 'full', key: 'k' });
    await env.svc.deleteObject({ bucket: 'full', key: 'k2' });
    await env.svc.deleteBucket({ name: 'full' });
    await rejectsCode(env.svc.getBucket({ name: 'full' }), 'NoSuchBucket');
  });

  it('deleteBucket racing putObject never leaves an object in a deleted bucket', async () => {
    // Stagger the starts by a few event-loop turns so every interleaving shows up
    // (delete first, puts first, puts on both sides of the mark).
    const ticks = async (n: number) => {
      for (let k = 0; k < n; k++) await new Promise((r) => setImmediate(r));
    };
    const outcomes = new Set<string>();
    for (let i = 0; i < 60; i++) {
      const name = `race-${i}`;
      await env.svc.createBucket({ name, owner: 'u', region: 'r' });
      const puts = Array.from({ length: 3 }, (_, j) =>
        ticks((i + j) % 3).then(() => env.svc.putObject({ record: rec(name, `k${j}`) })),
      );
      const del = ticks(i % 5).then(() => env.svc.deleteBucket({ name }));
      const [delRes, ...putRes] = await Promise.allSettled([del, ...puts]);
      for (const p of putRes) {
        if (p.status === 'rejected') assert.ok(['NoSuchBucket', 'SlowDown'].includes((p.reason as { code: string }).code));
      }
      const objects: string[] = [];
      for await (const e of env.kv.scan({ gte: objectsPrefix(name), lt: `o/${name}0` })) objects.push(e.key);
      const exists = (await env.kv.get(bucketKey(name))) !== undefined;
      if (delRes.status === 'fulfilled') {
        assert.equal(exists, false);
        assert.deepEqual(objects, [], 'a deleted bucket must have no objects');
      } else {
        assert.equal((delRes.reason as { code: string }).code, 'BucketNotEmpty');
        assert.equal(exists, true);
        assert.ok(objects.length > 0);
      }
      outcomes.add(delRes.status);
    }
    assert.equal(outcomes.size, 2, 'both outcomes were exercised');
  });

  it('a fresh deletion mark blocks writes and other deletes (SlowDown); a stale one is ignored', async () => {
    await env.svc.createBucket({ name: 'marked', owner: 'u', region: 'r' });
    const doc = (await env.kv.get(bucketKey('marked'))) as Record<string, unknown>;
    await env.kv.put(bucketKey('marked'), { ...doc, deleting: { token: 'x', since: env.clock.now.toISOString() } });
    await rejectsCode(env.svc.putObject({ record: rec('marked', 'k') }), 'SlowDown');
    await rejectsCode(env.svc.deleteBucket({ name: 'marked' }), 'SlowDown');
    // reads are unaffected
    assert.equal((await env.svc.getBucket({ name: 'marked' })).name, 'marked');
    // a crashed DeleteBucket's mark expires
    env.clock.now = new Date(env.clock.now.getTime() + DELETE_MARK_TTL_MS + 1);
    await env.svc.putObject({ record: rec('marked', 'k') });
    await rejectsCode(env.svc.deleteBucket({ name: 'marked' }), 'BucketNotEmpty');
  });

  it('putBucketConfig (cors) sets, replaces and removes the configuration; getBucket returns it, listings do not', async () => {
    await env.svc.createBucket({ name: 'web', owner: 'u-1', region: 'r' });
    const cors = { rules: [{ allowedOrigins: ['*'], allowedMethods: ['GET' as const], maxAgeSeconds: 60 }] };
    const set = await env.svc.putBucketConfig({ name: 'web', cors });
    assert.deepEqual(set.cors, cors);
    assert.deepEqual((await env.svc.getBucket({ name: 'web' })).cors, cors);
    assert.equal((await env.svc.listBuckets({})).buckets[0]?.cors, undefined);
    assert.equal((await env.svc.listBuckets({ owner: 'u-1' })).buckets[0]?.cors, undefined);

    const other = { rules: [{ id: 'x', allowedOrigins: ['http://a'], allowedMethods: ['PUT' as const, 'DELETE' as const] }] };
    await env.svc.putBucketConfig({ name: 'web', cors: other });
    assert.deepEqual((await env.svc.getBucket({ name: 'web' })).cors, other);

    const cleared = await env.svc.putBucketConfig({ name: 'web', cors: null });
    assert.equal(cleared.cors, undefined);
    assert.deepEqual(await env.svc.getBucket({ name: 'web' }), { name: 'web', owner: 'u-1', region: 'r', createdAt: '2025-01-02T03:04:05.678Z' });
  });

  it('putBucketConfig (cors): NoSuchBucket for a missing bucket; a deleted and re-created bucket starts without one', async () => {
    await rejectsCode(env.svc.putBucketConfig({ name: 'nope', cors: { rules: [{ allowedOrigins: ['*'], allowedMethods: ['GET'] }] } }), 'NoSuchBucket');
    await env.svc.createBucket({ name: 'again', owner: 'u-1', region: 'r' });
    await env.svc.putBucketConfig({ name: 'again', cors: { rules: [{ allowedOrigins: ['*'], allowedMethods: ['GET'] }] } });
    await env.svc.deleteBucket({ name: 'again' });
    await env.svc.createBucket({ name: 'again', owner: 'u-1', region: 'r' });
    assert.equal((await env.svc.getBucket({ name: 'again' })).cors, undefined);
  });

  it('putBucketConfig (cors) keeps a DeleteBucket mark in place', async () => {
    await env.svc.createBucket({ name: 'marked', owner: 'u-1', region: 'r' });
    const doc = await env.kv.get(bucketKey('marked'));
    const deleting = { token: 'x', since: env.clock.now.toISOString() };
    await env.kv.put(bucketKey('marked'), { ...(doc as object), deleting });
    await env.svc.putBucketConfig({ name: 'marked', cors: { rules: [{ allowedOrigins: ['*'], allowedMethods: ['GET'] }] } });
    assert.deepEqual(((await env.kv.get(bucketKey('marked'))) as { deleting?: unknown }).deleting, deleting);
  });
  it('putBucketConfig (tags) sets and removes tags without touching the CORS configuration', async () => {
    await env.svc.createBucket({ name: 'tagged', owner: 'u-1', region: 'r' });
    const cors = { rules: [{ allowedOrigins: ['*'], allowedMethods: ['GET' as const] }] };
    await env.svc.putBucketConfig({ name: 'tagged', cors });
    const tags = [{ key: 'team', value: 'storage' }];
    const set = await env.svc.putBucketConfig({ name: 'tagged', tags });
    assert.deepEqual([set.tags, set.cors], [tags, cors]);
    assert.deepEqual((await env.svc.getBucket({ name: 'tagged' })).tags, tags);
    assert.equal((await env.svc.listBuckets({ owner: 'u-1' })).buckets.find((b) => b.name === 'tagged')?.tags, undefined);
    const cleared = await env.svc.putBucketConfig({ name: 'tagged', tags: null });
    assert.deepEqual([cleared.tags, cleared.cors], [undefined, cors]);
    await rejectsCode(env.svc.putBucketConfig({ name: 'nope', tags }), 'NoSuchBucket');
  });
});
