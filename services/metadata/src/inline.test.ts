import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { inlineDataKey, objectKey } from './keys.ts';
import { openTestEnv, rec, type TestEnv } from './test-helpers.ts';

describe('inline objects', () => {
  let env: TestEnv;
  const B = 'bkt';
  const data = Buffer.from('small object bytes').toString('base64');

  beforeEach(async () => {
    env = await openTestEnv();
    await env.svc.createBucket({ name: B, owner: 'u-owner', region: 'r' });
  });
  afterEach(async () => {
    await env.cleanup();
  });

  it('keeps the bytes apart from the record and returns them with it', async () => {
    await env.svc.putObject({ record: { ...rec(B, 'k', { chunks: [] }), size: 18, inline: data } });
    const stored = (await env.kv.get(objectKey(B, 'k'))) as Record<string, unknown>;
    assert.equal(stored.inline, undefined, 'the record under o/ carries no bytes');
    assert.equal(await env.kv.get(inlineDataKey(B, 'k')), data);
    const got = await env.svc.getObject({ bucket: B, key: 'k' });
    assert.equal(got.inline, data);
    const list = await env.svc.listObjects({ bucket: B, prefix: '', maxKeys: 10 });
    assert.deepEqual(list.objects.map((o) => o.key), ['k']);
    assert.equal((list.objects[0] as Record<string, unknown>).inline, undefined);
  });

  it('overwriting with a chunked object or deleting drops the inline bytes', async () => {
    await env.svc.putObject({ record: { ...rec(B, 'k', { chunks: [] }), size: 18, inline: data } });
    await env.svc.putObject({ record: rec(B, 'k', { chunks: [1] }) });
    assert.equal(await env.kv.get(inlineDataKey(B, 'k')), undefined);
    assert.equal((await env.svc.getObject({ bucket: B, key: 'k' })).inline, undefined);

    await env.svc.putObject({ record: { ...rec(B, 'j', { chunks: [] }), size: 18, inline: data } });
    assert.deepEqual(await env.svc.deleteObject({ bucket: B, key: 'j' }), { deleted: true });
    assert.equal(await env.kv.get(inlineDataKey(B, 'j')), undefined);
  });
});
