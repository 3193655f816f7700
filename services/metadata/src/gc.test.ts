/** The collector's metadata methods: listGcCandidates, getChunkRefs, dropGcCandidate. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { cid, openTestEnv, rec, type TestEnv } from './test-helpers.ts';

describe('metadata: GC candidates and chunk references', () => {
  let env: TestEnv;
  beforeEach(async () => {
    env = await openTestEnv();
    await env.svc.createBucket({ name: 'gc', owner: 'u-owner', region: 'us-east-1' });
  });
  afterEach(async () => {
    await env.cleanup();
  });

  it('a chunk whose last reference goes becomes a candidate once older than minAgeMs', async () => {
    await env.svc.putObject({ record: rec('gc', 'a', { chunks: [1, 2] }) });
    await env.svc.putObject({ record: rec('gc', 'b', { chunks: [2, 3] }) });
    assert.deepEqual((await env.svc.listGcCandidates({})).candidates, []);
    await env.svc.deleteObject({ bucket: 'gc', key: 'a' });
    // chunk 1 unreferenced now, chunk 2 still held by b
    const all = await env.svc.listGcCandidates({ minAgeMs: 0 });
    assert.deepEqual(all.candidates.map((c) => c.id), [cid(1)]);
    assert.deepEqual((await env.svc.listGcCandidates({ minAgeMs: 60_000 })).candidates, []);
    env.clock.now = new Date(env.clock.now.getTime() + 61_000);
    assert.deepEqual((await env.svc.listGcCandidates({ minAgeMs: 60_000 })).candidates.map((c) => c.id), [cid(1)]);

    const refs = await env.svc.getChunkRefs({ ids: [cid(1), cid(2), cid(3), cid(99)] });
    assert.deepEqual(refs.chunks, [
      { id: cid(1), refs: 0, gcAgeMs: 61_000 },
      { id: cid(2), refs: 1 },
      { id: cid(3), refs: 1 },
      { id: cid(99), refs: 0 },
    ]);
  });

  it('pages through candidates', async () => {
    for (let i = 0; i < 7; i++) {
      await env.svc.putObject({ record: rec('gc', `k${i}`, { chunks: [100 + i] }) });
      await env.svc.deleteObject({ bucket: 'gc', key: `k${i}` });
    }
    const want = Array.from({ length: 7 }, (_, i) => cid(100 + i)).sort();
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await env.svc.listGcCandidates({ after, limit: 3 });
      seen.push(...page.candidates.map((c) => c.id));
      if (!page.next) break;
      after = page.next;
    }
    assert.deepEqual(seen, want);
  });

  it('a new reference clears the candidate; dropGcCandidate re-checks references', async () => {
    await env.svc.putObject({ record: rec('gc', 'a', { chunks: [1] }) });
    await env.svc.deleteObject({ bucket: 'gc', key: 'a' });
    assert.equal((await env.svc.listGcCandidates({})).candidates.length, 1);
    await env.svc.putObject({ record: rec('gc', 'b', { chunks: [1] }) });
    assert.equal((await env.svc.listGcCandidates({})).candidates.length, 0);
    assert.deepEqual(await env.svc.dropGcCandidate({ id: cid(1) }), { dropped: false, referenced: true });
    await env.svc.deleteObject({ bucket: 'gc', key: 'b' });
    assert.deepEqual(await env.svc.dropGcCandidate({ id: cid(1) }), { dropped: true, referenced: false });
    assert.deepEqual(await env.svc.dropGcCandidate({ id: cid(1) }), { dropped: false, referenced: false });
    assert.equal((await env.svc.listGcCandidates({})).candidates.length, 0);
  });
});
