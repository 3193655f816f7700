/**
 * Users and keys through the admin API; each user sees and touches only their
 * own buckets.
 */
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  S3Client,
  CreateBucketCommand,
  PutObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  ListBucketsCommand,
  DeleteObjectCommand,
  DeleteBucketCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  CopyObjectCommand,
  DeleteObjectsCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { startVaultx, wirings, itWithLogs, s3Client, bucketName, adminRequest, awsCli, withLogs, type Vaultx, type Credentials } from './harness.ts';

async function denied(p: Promise<unknown>, what: string, code = 'AccessDenied', status = 403): Promise<void> {
  try {
    await p;
  } catch (e) {
    const err = e as S3ServiceException;
    assert.equal(err.$metadata?.httpStatusCode, status, `${what}: ${err.$metadata?.httpStatusCode} ${err.name}`);
    // HEAD responses carry no body, so the SDK can only name them by status
    if (code) assert.equal(err.name, code, `${what}: ${err.name} ${err.message}`);
    return;
  }
  assert.fail(`${what}: expected ${code || status}, but it succeeded`);
}

/**
 * The gateway caches access keys briefly (documented: a deleted key stops
 * working within 5 s), so revocation is checked with a deadline.
 */
async function eventuallyDenied(call: () => Promise<unknown>, what: string, deadlineMs = 10_000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    try {
      await call();
    } catch (e) {
      const err = e as S3ServiceException;
      assert.equal(err.$metadata?.httpStatusCode, 403, `${what}: ${err.name} ${err.message}`);
      assert.equal(err.name, 'InvalidAccessKeyId', `${what}: ${err.name}`);
      return;
    }
    if (Date.now() - t0 > deadlineMs) assert.fail(`${what}: still accepted ${deadlineMs} ms after revocation`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

for (const wiring of wirings()) {
  describe(`multi-user (${wiring})`, () => {
    let v: Vaultx;
    let root: S3Client;
    let bob: S3Client;
    let bobId: string;
    let bobCreds: Credentials;
    const test = itWithLogs(() => v);
    const rootBucket = bucketName('root');
    const bobBucket = bucketName('bob');

    before(withLogs(() => v, async () => {
      v = await startVaultx({ wiring });
      root = s3Client(v);
      await root.send(new CreateBucketCommand({ Bucket: rootBucket }));
      await root.send(new PutObjectCommand({ Bucket: rootBucket, Key: 'secret.txt', Body: 'root only' }));
    }));
    after(async () => {
      root?.destroy();
      bob?.destroy();
      await v?.dispose();
    });

    test('admin API: create user bob and a key; list users and keys (no secrets)', async () => {
      const u = await adminRequest(v, 'POST', '/admin/v1/users', { name: 'bob' });
      assert.equal(u.status, 201, u.text);
      assert.match(u.headers.get('content-type') ?? '', /application\/json/);
      assert.equal(u.json.name, 'bob');
      assert.equal(u.json.isRoot, false);
      assert.ok(typeof u.json.id === 'string' && u.json.id.length > 0);
      assert.ok(!Number.isNaN(Date.parse(u.json.createdAt)), u.json.createdAt);
      bobId = u.json.id;

      const k = await adminRequest(v, 'POST', `/admin/v1/users/${encodeURIComponent(bobId)}/keys`, {});
      assert.equal(k.status, 201, k.text);
      assert.equal(k.json.userId, bobId);
      assert.ok(k.json.accessKeyId && k.json.secretAccessKey);
      assert.notEqual(k.json.accessKeyId, v.accessKeyId);
      bobCreds = { accessKeyId: k.json.accessKeyId, secretAccessKey: k.json.secretAccessKey };
      bob = s3Client(v, bobCreds);

      const users = await adminRequest(v, 'GET', '/admin/v1/users');
      assert.equal(users.status, 200);
      const names = users.json.users.map((x: any) => x.name);
      assert.ok(names.includes('bob'), names.join(','));
      assert.ok(users.json.users.some((x: any) => x.isRoot === true), 'root user listed');

      const keys = await adminRequest(v, 'GET', `/admin/v1/users/${encodeURIComponent(bobId)}/keys`);
      assert.equal(keys.status, 200);
      assert.deepEqual(keys.json.keys.map((x: any) => x.accessKeyId), [bobCreds.accessKeyId]);
      assert.ok(!keys.text.includes(bobCreds.secretAccessKey), 'key listing leaks the secret');
      assert.ok(keys.json.keys.every((x: any) => !('secretAccessKey' in x)));
    });

    test("bob's ListBuckets does not show root's buckets; bob's own bucket works", async () => {
      await bob.send(new CreateBucketCommand({ Bucket: bobBucket }));
      await bob.send(new PutObjectCommand({ Bucket: bobBucket, Key: 'mine.txt', Body: 'bob data' }));
      const g = await bob.send(new GetObjectCommand({ Bucket: bobBucket, Key: 'mine.txt' }));
      assert.equal(await g.Body?.transformToString(), 'bob data');
      const l = await bob.send(new ListObjectsV2Command({ Bucket: bobBucket }));
      assert.deepEqual(l.Contents?.map((c) => c.Key), ['mine.txt']);

      const bl = await bob.send(new ListBucketsCommand({}));
      assert.deepEqual(bl.Buckets?.map((b) => b.Name), [bobBucket]);
      const rl = await root.send(new ListBucketsCommand({}));
      const rootNames = rl.Buckets?.map((b) => b.Name) ?? [];
      assert.ok(rootNames.includes(rootBucket));
      assert.ok(!rootNames.includes(bobBucket), `root sees bob's bucket: ${rootNames.join(',')}`);
    });

    test("bob is denied root's bucket: GET, HEAD, PUT, LIST, DELETE, copy, delete-objects, delete-bucket → AccessDenied", async () => {
      await denied(bob.send(new GetObjectCommand({ Bucket: rootBucket, Key: 'secret.txt' })), 'GET');
      await denied(bob.send(new GetObjectCommand({ Bucket: rootBucket, Key: 'does-not-exist' })), 'GET missing key');
      await denied(bob.send(new HeadObjectCommand({ Bucket: rootBucket, Key: 'secret.txt' })), 'HEAD object', '');
      await denied(bob.send(new HeadBucketCommand({ Bucket: rootBucket })), 'HEAD bucket', '');
      await denied(bob.send(new PutObjectCommand({ Bucket: rootBucket, Key: 'bob-was-here', Body: 'x' })), 'PUT');
      await denied(bob.send(new ListObjectsV2Command({ Bucket: rootBucket })), 'LIST');
      await denied(bob.send(new DeleteObjectCommand({ Bucket: rootBucket, Key: 'secret.txt' })), 'DELETE');
      await denied(bob.send(new DeleteObjectsCommand({ Bucket: rootBucket, Delete: { Objects: [{ Key: 'secret.txt' }] } })), 'DeleteObjects');
      await denied(bob.send(new CopyObjectCommand({ Bucket: bobBucket, Key: 'stolen', CopySource: `${rootBucket}/secret.txt` })), 'copy out of root bucket');
      await denied(bob.send(new CopyObjectCommand({ Bucket: rootBucket, Key: 'planted', CopySource: `${bobBucket}/mine.txt` })), 'copy into root bucket');
      await denied(bob.send(new DeleteBucketCommand({ Bucket: rootBucket })), 'DeleteBucket');
      // root's data is untouched
      const g = await root.send(new GetObjectCommand({ Bucket: rootBucket, Key: 'secret.txt' }));
      assert.equal(await g.Body?.transformToString(), 'root only');
      const l = await root.send(new ListObjectsV2Command({ Bucket: rootBucket }));
      assert.deepEqual(l.Contents?.map((c) => c.Key), ['secret.txt']);
      await denied(bob.send(new HeadObjectCommand({ Bucket: bobBucket, Key: 'stolen' })), 'no stolen copy', '', 404);
    });

    test('the aws CLI with bob\'s key sees AccessDenied too', async () => {
      const r = await awsCli(v, ['s3', 'ls', `s3://${rootBucket}/`], { creds: bobCreds });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /AccessDenied/);
      const ok = await awsCli(v, ['s3', 'ls', `s3://${bobBucket}/`], { creds: bobCreds });
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /mine\.txt/);
    });

    test('admin API errors: no token / bad token → 401 JSON; bad JSON → 400; unknown user → 404', async () => {
      for (const token of [null, 'wrong-token']) {
        const r = await adminRequest(v, 'GET', '/admin/v1/users', undefined, { token });
        assert.equal(r.status, 401, r.text);
        assert.match(r.headers.get('content-type') ?? '', /application\/json/);
        assert.ok(r.json?.error?.code && r.json?.error?.message, r.text);
        const c = await adminRequest(v, 'POST', '/admin/v1/users', { name: 'mallory' }, { token });
        assert.equal(c.status, 401);
      }
      const users = await adminRequest(v, 'GET', '/admin/v1/users');
      assert.ok(!users.json.users.some((u: any) => u.name === 'mallory'), 'user created without a token');
      const bad = await adminRequest(v, 'POST', '/admin/v1/users', undefined, { rawBody: '{"name": ' });
      assert.equal(bad.status, 400, bad.text);
      assert.ok(bad.json?.error?.code, bad.text);
      const invalid = await adminRequest(v, 'POST', '/admin/v1/users', { name: 42 });
      assert.equal(invalid.status, 400, invalid.text);
      const missing = await adminRequest(v, 'POST', '/admin/v1/users/no-such-user-id/keys', {});
      assert.equal(missing.status, 404, missing.text);
    });

    test('deleting a key revokes it (InvalidAccessKeyId); deleting a user', async () => {
      const k2 = await adminRequest(v, 'POST', `/admin/v1/users/${encodeURIComponent(bobId)}/keys`, {});
      assert.equal(k2.status, 201);
      const second = s3Client(v, { accessKeyId: k2.json.accessKeyId, secretAccessKey: k2.json.secretAccessKey });
      try {
        const l = await second.send(new ListBucketsCommand({}));
        assert.deepEqual(l.Buckets?.map((b) => b.Name), [bobBucket]);
        const del = await adminRequest(v, 'DELETE', `/admin/v1/keys/${encodeURIComponent(k2.json.accessKeyId)}`);
        assert.equal(del.status, 204, del.text);
        await eventuallyDenied(() => second.send(new ListBucketsCommand({})), 'revoked key');
      } finally {
        second.destroy();
      }
      const keys = await adminRequest(v, 'GET', `/admin/v1/users/${encodeURIComponent(bobId)}/keys`);
      assert.deepEqual(keys.json.keys.map((x: any) => x.accessKeyId), [bobCreds.accessKeyId]);

      const temp = await adminRequest(v, 'POST', '/admin/v1/users', { name: 'temp' });
      assert.equal(temp.status, 201);
      const tk = await adminRequest(v, 'POST', `/admin/v1/users/${encodeURIComponent(temp.json.id)}/keys`, {});
      const d = await adminRequest(v, 'DELETE', `/admin/v1/users/${encodeURIComponent(temp.json.id)}`);
      assert.equal(d.status, 204, d.text);
      const after = await adminRequest(v, 'GET', '/admin/v1/users');
      assert.ok(!after.json.users.some((u: any) => u.id === temp.json.id));
      const tc = s3Client(v, { accessKeyId: tk.json.accessKeyId, secretAccessKey: tk.json.secretAccessKey });
      try {
        await eventuallyDenied(() => tc.send(new ListBucketsCommand({})), "deleted user's key");
      } finally {
        tc.destroy();
      }
    });
  });
}
