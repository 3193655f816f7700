import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { metadataMethods } from '@vaultx/metadata-client';
import { accessKeyKey, userAccessKeyKey } from './keys.ts';
import { MetadataService } from './metadata-service.ts';
import { openTestEnv, rejectsCode, type TestEnv } from './test-helpers.ts';
import { generateAccessKeyId, generateSecretAccessKey } from './users.ts';

describe('users and access keys', () => {
  let env: TestEnv;
  beforeEach(async () => {
    env = await openTestEnv();
  });
  afterEach(async () => {
    await env.cleanup();
  });

  it('implements every method of the metadata API', () => {
    for (const m of Object.keys(metadataMethods)) {
      assert.equal(typeof (MetadataService.prototype as unknown as Record<string, unknown>)[m], 'function', m);
    }
  });

  it('generates AWS-shaped key ids and secrets', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const id = generateAccessKeyId();
      assert.match(id, /^VX[A-Z0-9]{18}$/);
      ids.add(id);
      assert.equal(generateSecretAccessKey().length, 40);
    }
    assert.equal(ids.size, 200);
  });

  it('creates, gets and lists users', async () => {
    const u = await env.svc.createUser({ name: 'alice' });
    assert.match(u.id, /^u-[0-9a-f]{12}$/);
    assert.deepEqual(u, { id: u.id, name: 'alice', isRoot: false, createdAt: '2025-01-02T03:04:05.678Z' });
    assert.deepEqual(await env.svc.getUser({ id: u.id }), u);
    const v = await env.svc.createUser({ name: 'alice' }); // names need not be unique
    assert.notEqual(v.id, u.id);
    const { users } = await env.svc.listUsers({});
    assert.deepEqual(users.map((x) => x.id).sort(), [u.id, v.id].sort());
  });

  it('unknown users are a 404 InvalidArgument with UserId', async () => {
    const e = await rejectsCode(env.svc.getUser({ id: 'u-nope' }), 'InvalidArgument');
    assert.equal(e.status, 404);
    assert.equal(e.details.UserId, 'u-nope');
    await rejectsCode(env.svc.deleteUser({ id: 'u-nope' }), 'InvalidArgument');
    await rejectsCode(env.svc.createAccessKey({ userId: 'u-nope' }), 'InvalidArgument');
    await rejectsCode(env.svc.listAccessKeys({ userId: 'u-nope' }), 'InvalidArgument');
  });

  it('creates generated access keys; getAccessKey returns the secret, listAccessKeys does not', async () => {
    const u = await env.svc.createUser({ name: 'bob' });
    const k = await env.svc.createAccessKey({ userId: u.id });
    assert.match(k.accessKeyId, /^VX[A-Z0-9]{18}$/);
    assert.equal(k.secretAccessKey.length, 40);
    assert.equal(k.userId, u.id);
    assert.deepEqual(await env.svc.getAccessKey({ accessKeyId: k.accessKeyId }), { key: k });
    const k2 = await env.svc.createAccessKey({ userId: u.id });
    const listed = await env.svc.listAccessKeys({ userId: u.id });
    assert.deepEqual(
      listed.keys.sort((a, b) => a.accessKeyId.localeCompare(b.accessKeyId)),
      [k, k2].map(({ secretAccessKey: _, ...rest }) => rest).sort((a, b) => a.accessKeyId.localeCompare(b.accessKeyId)),
    );
    for (const x of listed.keys) assert.equal('secretAccessKey' in x, false);
  });

  it('accepts a given key id and secret; refuses a duplicate id and unusable ids', async () => {
    const u = await env.svc.createUser({ name: 'carol' });
    const v = await env.svc.createUser({ name: 'dave' });
    const k = await env.svc.createAccessKey({ userId: u.id, accessKeyId: 'CAROLKEY', secretAccessKey: 'carolsecret' });
    assert.equal(k.accessKeyId, 'CAROLKEY');
    assert.equal(k.secretAccessKey, 'carolsecret');
    const e = await rejectsCode(env.svc.createAccessKey({ userId: v.id, accessKeyId: 'CAROLKEY' }), 'InvalidRequest');
    assert.equal(e.details.AccessKeyId, 'CAROLKEY');
    assert.equal((await env.svc.getAccessKey({ accessKeyId: 'CAROLKEY' })).key?.userId, u.id);
    await rejectsCode(env.svc.createAccessKey({ userId: u.id, accessKeyId: 'has/slash' }), 'InvalidArgument');
    await rejectsCode(env.svc.createAccessKey({ userId: u.id, accessKeyId: 'has space' }), 'InvalidArgument');
  });

  it('getAccessKey of an unknown id is { key: undefined }', async () => {
    assert.deepEqual(await env.svc.getAccessKey({ accessKeyId: 'NOPE' }), { key: undefined });
  });

  it('deletes access keys; a missing one is a 404', async () => {
    const u = await env.svc.createUser({ name: 'erin' });
    const k = await env.svc.createAccessKey({ userId: u.id });
    assert.deepEqual(await env.svc.deleteAccessKey({ accessKeyId: k.accessKeyId }), {});
    assert.deepEqual(await env.svc.getAccessKey({ accessKeyId: k.accessKeyId }), { key: undefined });
    assert.deepEqual((await env.svc.listAccessKeys({ userId: u.id })).keys, []);
    const e = await rejectsCode(env.svc.deleteAccessKey({ accessKeyId: k.accessKeyId }), 'InvalidArgument');
    assert.equal(e.status, 404);
  });

  it('deleteUser removes the user and all its keys, and nothing else', async () => {
    const u = await env.svc.createUser({ name: 'frank' });
    const other = await env.svc.createUser({ name: 'grace' });
    const keys = await Promise.all([1, 2, 3].map(() => env.svc.createAccessKey({ userId: u.id })));
    const otherKey = await env.svc.createAccessKey({ userId: other.id });
    assert.deepEqual(await env.svc.deleteUser({ id: u.id }), {});
    await rejectsCode(env.svc.getUser({ id: u.id }), 'InvalidArgument');
    for (const k of keys) {
      assert.deepEqual(await env.svc.getAccessKey({ accessKeyId: k.accessKeyId }), { key: undefined });
      assert.equal(await env.kv.get(accessKeyKey(k.accessKeyId)), undefined);
      assert.equal(await env.kv.get(userAccessKeyKey(u.id, k.accessKeyId)), undefined);
    }
    assert.deepEqual((await env.svc.getAccessKey({ accessKeyId: otherKey.accessKeyId })).key, otherKey);
    assert.deepEqual((await env.svc.listUsers({})).users.map((x) => x.id), [other.id]);
  });

  it('deleteUser racing createAccessKey leaves no usable key behind', async () => {
    for (let i = 0; i < 20; i++) {
      const u = await env.svc.createUser({ name: `racer${i}` });
      const creates = Array.from({ length: 3 }, () => env.svc.createAccessKey({ userId: u.id }));
      const del = env.svc.deleteUser({ id: u.id });
      const [delRes, ...createRes] = await Promise.allSettled([del, ...creates]);
      assert.equal(delRes.status, 'fulfilled');
      for (const c of createRes) {
        if (c.status === 'fulfilled') {
          assert.deepEqual(await env.svc.getAccessKey({ accessKeyId: c.value.accessKeyId }), { key: undefined });
          assert.equal(await env.kv.get(accessKeyKey(c.value.accessKeyId)), undefined, 'no orphan key record');
        }
      }
    }
  });

  describe('ensureRootUser', () => {
    it('creates root with the given key, idempotently', async () => {
      const root = await env.svc.ensureRootUser({ accessKeyId: 'ROOTKEY', secretAccessKey: 'rootsecret' });
      assert.deepEqual(root, { id: 'root', name: 'root', isRoot: true, createdAt: '2025-01-02T03:04:05.678Z' });
      env.clock.now = new Date('2026-01-01T00:00:00.000Z');
      const again = await env.svc.ensureRootUser({ accessKeyId: 'ROOTKEY', secretAccessKey: 'rootsecret' });
      assert.deepEqual(again, root, 'createdAt is stable');
      const { key } = await env.svc.getAccessKey({ accessKeyId: 'ROOTKEY' });
      assert.deepEqual(key, { accessKeyId: 'ROOTKEY', secretAccessKey: 'rootsecret', userId: 'root', createdAt: '2025-01-02T03:04:05.678Z' });
      assert.equal((await env.svc.listAccessKeys({ userId: 'root' })).keys.length, 1);
      assert.deepEqual((await env.svc.listUsers({})).users, [root]);
    });

    it('updates a changed secret, and replaces a changed key id (old root keys removed)', async () => {
      await env.svc.ensureRootUser({ accessKeyId: 'ROOT1', secretAccessKey: 'secret-one' });
      await env.svc.ensureRootUser({ accessKeyId: 'ROOT1', secretAccessKey: 'secret-two' });
      assert.equal((await env.svc.getAccessKey({ accessKeyId: 'ROOT1' })).key?.secretAccessKey, 'secret-two');
      // an extra key root created by hand also goes when the env key changes
      await env.svc.createAccessKey({ userId: 'root', accessKeyId: 'ROOTEXTRA' });
      await env.svc.ensureRootUser({ accessKeyId: 'ROOT2', secretAccessKey: 'secret-three' });
      assert.deepEqual(await env.svc.getAccessKey({ accessKeyId: 'ROOT1' }), { key: undefined });
      assert.deepEqual(await env.svc.getAccessKey({ accessKeyId: 'ROOTEXTRA' }), { key: undefined });
      assert.equal((await env.svc.getAccessKey({ accessKeyId: 'ROOT2' })).key?.secretAccessKey, 'secret-three');
      assert.deepEqual((await env.svc.listAccessKeys({ userId: 'root' })).keys.map((k) => k.accessKeyId), ['ROOT2']);
    });

    it('does not touch other users’ keys, and refuses a root key id another user holds', async () => {
      const u = await env.svc.createUser({ name: 'henry' });
      const k = await env.svc.createAccessKey({ userId: u.id, accessKeyId: 'HENRYKEY' });
      await env.svc.ensureRootUser({ accessKeyId: 'ROOTKEY', secretAccessKey: 'rootsecret' });
      assert.deepEqual((await env.svc.getAccessKey({ accessKeyId: 'HENRYKEY' })).key, k);
      await rejectsCode(env.svc.ensureRootUser({ accessKeyId: 'HENRYKEY', secretAccessKey: 'x12345678' }), 'InvalidRequest');
      assert.deepEqual((await env.svc.getAccessKey({ accessKeyId: 'HENRYKEY' })).key, k);
    });

    it('root cannot be deleted', async () => {
      await env.svc.ensureRootUser({ accessKeyId: 'ROOTKEY', secretAccessKey: 'rootsecret' });
      await rejectsCode(env.svc.deleteUser({ id: 'root' }), 'InvalidRequest');
      assert.equal((await env.svc.getUser({ id: 'root' })).isRoot, true);
    });

    it('concurrent calls converge', async () => {
      await Promise.all(Array.from({ length: 5 }, () => env.svc.ensureRootUser({ accessKeyId: 'ROOTKEY', secretAccessKey: 'rootsecret' })));
      assert.deepEqual((await env.svc.listAccessKeys({ userId: 'root' })).keys.map((k) => k.accessKeyId), ['ROOTKEY']);
      assert.equal((await env.svc.listUsers({})).users.length, 1);
    });
  });
});
