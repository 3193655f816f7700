/**
 * Bucket operations, authentication edge cases and request-level errors as
 * Amazon S3 answers them (the behaviour the public Ceph s3-tests suite checks,
 * re-expressed here as raw requests): bucket naming, re-creation, location
 * constraints, HeadBucket/DeleteBucket/GetBucketLocation/ListBuckets,
 * anonymous and badly authenticated requests, presigned URL lifetimes, SigV2
 * dates, and ACLs as S3 shows them with ACLs disabled.
 */
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { request } from 'undici';
import { startVaultx, wirings, itWithLogs, bucketName, withLogs, createUserWithKey, type Vaultx, type Credentials } from './harness.ts';
import { raw, parseXml, type RawOptions, type RawResponse } from './lib/raw.ts';
import { b64 } from './lib/checksums.ts';

function expectError(r: RawResponse, status: number, code: string): void {
  assert.equal(r.status, status, `expected ${status} ${code}, got ${r.status}: ${r.text.slice(0, 500)}`);
  assert.match(r.headers['content-type'] ?? '', /^application\/xml/, `content-type: ${r.headers['content-type']}`);
  assert.equal(r.error?.Code, code, r.text.slice(0, 500));
  assert.ok(r.headers['x-amz-request-id'], 'x-amz-request-id header');
}

/** A SigV2-signed request (what botocore's `s3` signature version sends): Date always signed, x-amz-* headers too. */
async function rawV2(v: Vaultx, o: { method: string; path: string; headers?: Record<string, string>; authorization?: string }): Promise<RawResponse> {
  const headers: Record<string, string> = { date: new Date().toUTCString(), ...(o.headers ?? {}) };
  const amz = Object.keys(headers)
    .filter((k) => k.startsWith('x-amz-'))
    .sort()
    .map((k) => `${k}:${headers[k]!.trim()}\n`)
    .join('');
  const sts = `${o.method}\n\n\n${headers.date}\n${amz}${o.path}`;
  const sig = createHmac('sha1', v.secretAccessKey).update(sts).digest('base64');
  headers.authorization = o.authorization ?? `AWS ${v.accessKeyId}:${sig}`;
  const res = await request(`${v.endpoint}${o.path}`, { method: o.method as 'GET', headers });
  const body = Buffer.from(await res.body.arrayBuffer());
  const h: Record<string, string> = {};
  for (const [k, val] of Object.entries(res.headers)) h[k] = Array.isArray(val) ? val.join(', ') : String(val ?? '');
  const text = body.toString('utf8');
  const out: RawResponse = { status: res.statusCode, headers: h, body, text };
  if (text.startsWith('<')) {
    const xml = parseXml(text) as Record<string, unknown>;
    out.xml = xml;
    if ('Error' in xml) out.error = xml.Error as Record<string, string>;
  }
  return out;
}

const US_EAST_1_ONLY = '<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>';

for (const wiring of wirings()) {
  describe(`S3 conformance: buckets and auth (${wiring})`, () => {
    let v: Vaultx;
    let bob: Credentials;
    let bobId: string;
    const test = itWithLogs(() => v);
    const bucket = bucketName('conf');
    const seen: Array<{ what: string; status: number }> = [];

    async function req(o: RawOptions): Promise<RawResponse> {
      const r = await raw(v, o);
      seen.push({ what: `${o.method} ${o.bucket ?? ''}/${o.key ?? ''} ${JSON.stringify(o.query ?? [])}`, status: r.status });
      return r;
    }
    async function create(name: string, o: Partial<RawOptions> = {}): Promise<RawResponse> {
      return req({ method: 'PUT', bucket: name, ...o });
    }

    before(withLogs(() => v, async () => {
      v = await startVaultx({ wiring });
      ({ userId: bobId, creds: bob } = await createUserWithKey(v, 'bob'));
      assert.equal((await create(bucket)).status, 200);
      assert.equal((await req({ method: 'PUT', bucket, key: 'foo', body: 'bar' })).status, 200);
    }));
    after(async () => {
      await v?.dispose();
    });

    test('bucket names S3 refuses → 400 InvalidBucketName; nothing is created', async () => {
      const bad = [
        'a', 'aa', 'a'.repeat(64), 'a'.repeat(255), 'a'.repeat(256), 'Foo-upper', 'foo_bar', '_foo', 'foo-', '-foo',
        'foo..bar', 'foo.-bar', 'foo-.bar', '192.168.5.123', 'alpha!soup', 'xn--foo', 'foo-s3alias',
      ];
      for (const name of bad) {
        expectError(await create(name), 400, 'InvalidBucketName');
      }
      const list = await req({ method: 'GET' });
      for (const name of bad) assert.ok(!list.text.includes(`<Name>${name}</Name>`), name);
      // no name at all is a PUT on the service
      expectError(await req({ method: 'PUT', rawPath: '/' }), 405, 'MethodNotAllowed');
    });

    test('bucket names S3 accepts: 3 and 63 characters, periods, hyphens, a leading digit', async () => {
      const suffix = bucketName('g').replace(/[^a-z0-9]/g, '').slice(-12);
      const good = [`a${suffix.slice(0, 2)}`, `l${suffix}${'a'.repeat(63 - 1 - suffix.length)}`, `aaa.111.${suffix}`, `aaa-111-${suffix}`, `0foo${suffix}`];
      assert.equal(good[0]!.length, 3);
      assert.equal(good[1]!.length, 63);
      for (const name of good) {
        const r = await create(name);
        assert.equal(r.status, 200, `${name}: ${r.text}`);
        assert.equal(r.headers.location, `/${name}`);
        assert.equal((await req({ method: 'HEAD', bucket: name })).status, 200, name);
        assert.equal((await req({ method: 'DELETE', bucket: name })).status, 204, name);
      }
    });

    test('re-creating one\'s own bucket in us-east-1 → 200 and its objects stay; another user\'s → 409 BucketAlreadyExists', async () => {
      const again = await create(bucket);
      assert.equal(again.status, 200, again.text);
      const got = await req({ method: 'GET', bucket, key: 'foo' });
      assert.equal(got.text, 'bar');
      expectError(await create(bucket, { creds: bob }), 409, 'BucketAlreadyExists');
    });

    test('LocationConstraint: this region or empty → 200; another region → 400 InvalidLocationConstraint; bad XML → 400 MalformedXML', async () => {
      const own = bucketName('loc');
      const body = `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>${v.region}</LocationConstraint></CreateBucketConfiguration>`;
      assert.equal((await create(own, { body })).status, 200);
      const loc = await req({ method: 'GET', bucket: own, query: [['location', '']] });
      assert.equal(loc.status, 200, loc.text);
      // us-east-1 is the empty element, as S3 answers
      assert.match(loc.text, /<LocationConstraint xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/"\/>/);
      const empty = bucketName('loc');
      assert.equal((await create(empty, { body: '<CreateBucketConfiguration><LocationConstraint/></CreateBucketConfiguration>' })).status, 200);
      const other = bucketName('loc');
      const r = await create(other, { body: US_EAST_1_ONLY });
      expectError(r, 400, 'InvalidLocationConstraint');
      assert.equal(r.error?.LocationConstraint, 'eu-west-1');
      expectError(await create(other, { body: '<CreateBucketConfiguration><LocationConstraint>' }), 400, 'MalformedXML');
      assert.equal((await req({ method: 'HEAD', bucket: other })).status, 404);
    });

    test('CreateBucket with an ACL: private → 200; public ACLs or grants → 400 InvalidBucketAclWithObjectOwnership; unknown canned → 400 InvalidArgument', async () => {
      const priv = bucketName('acl');
      assert.equal((await create(priv, { headers: { 'x-amz-acl': 'private' } })).status, 200);
      const wider: Array<Record<string, string>> = [
        { 'x-amz-acl': 'public-read' },
        { 'x-amz-acl': 'public-read-write' },
        { 'x-amz-acl': 'authenticated-read' },
        { 'x-amz-grant-read': `id=${bobId}` },
      ];
      for (const headers of wider) {
        const name = bucketName('acl');
        expectError(await create(name, { headers }), 400, 'InvalidBucketAclWithObjectOwnership');
        assert.equal((await req({ method: 'HEAD', bucket: name })).status, 404, 'not created');
      }
      const bad = await create(bucketName('acl'), { headers: { 'x-amz-acl': 'public-ready' } });
      expectError(bad, 400, 'InvalidArgument');
      assert.equal(bad.error?.ArgumentName, 'x-amz-acl');
      // Object Ownership: BucketOwnerEnforced is what VaultX is; the ACL-enabling settings are not implemented
      assert.equal((await create(bucketName('own'), { headers: { 'x-amz-object-ownership': 'BucketOwnerEnforced' } })).status, 200);
      expectError(await create(bucketName('own'), { headers: { 'x-amz-object-ownership': 'ObjectWriter' } }), 501, 'NotImplemented');
      expectError(await create(bucketName('own'), { headers: { 'x-amz-object-ownership': 'Whatever' } }), 400, 'InvalidArgument');
    });

    test('HeadBucket: 200 with x-amz-bucket-region; missing → 404 with no body; another user\'s → 403 with no body', async () => {
      const h = await req({ method: 'HEAD', bucket });
      assert.equal(h.status, 200);
      assert.equal(h.headers['x-amz-bucket-region'], v.region);
      const missing = await req({ method: 'HEAD', bucket: bucketName('nope') });
      assert.equal(missing.status, 404);
      assert.equal(missing.body.length, 0);
      const theirs = await req({ method: 'HEAD', bucket, creds: bob });
      assert.equal(theirs.status, 403);
      assert.equal(theirs.body.length, 0);
    });

    test('DeleteBucket: missing → 404 NoSuchBucket; not empty → 409 BucketNotEmpty; empty → 204, then 404', async () => {
      const missing = bucketName('gone');
      const r = await req({ method: 'DELETE', bucket: missing });
      expectError(r, 404, 'NoSuchBucket');
      assert.equal(r.error?.BucketName, missing);
      expectError(await req({ method: 'DELETE', bucket }), 409, 'BucketNotEmpty');
      const b = bucketName('del');
      assert.equal((await create(b)).status, 200);
      assert.equal((await req({ method: 'DELETE', bucket: b })).status, 204);
      expectError(await req({ method: 'DELETE', bucket: b }), 404, 'NoSuchBucket');
      expectError(await req({ method: 'GET', bucket: b }), 404, 'NoSuchBucket');
      expectError(await req({ method: 'GET', bucket: b, query: [['list-type', '2']] }), 404, 'NoSuchBucket');
      expectError(await req({ method: 'GET', bucket: b, key: 'foo' }), 404, 'NoSuchBucket');
    });

    test('ListBuckets: the caller\'s own buckets only, owner ID in the listing', async () => {
      const mine = bucketName('mine');
      assert.equal((await create(mine)).status, 200);
      const bobs = bucketName('bobs');
      assert.equal((await create(bobs, { creds: bob })).status, 200);
      const listed = (x: RawResponse): string[] => {
        const b = x.xml?.ListAllMyBucketsResult?.Buckets?.Bucket;
        return (b === undefined ? [] : Array.isArray(b) ? b : [b]).map((e: { Name: string }) => e.Name);
      };
      const all = await req({ method: 'GET' });
      assert.equal(all.status, 200, all.text);
      assert.equal(all.xml.ListAllMyBucketsResult.Owner.ID, 'root');
      assert.ok(listed(all).includes(bucket) && listed(all).includes(mine) && !listed(all).includes(bobs), 'only the caller\'s buckets');
      assert.deepEqual(listed(await req({ method: 'GET', creds: bob })), [bobs]);
    });

    test('anonymous requests → 403 AccessDenied (no ACLs, so nothing is public); HEAD → 403 with no body', async () => {
      const none = { auth: 'none' as const };
      expectError(await req({ method: 'GET', bucket, key: 'foo', ...none }), 403, 'AccessDenied');
      expectError(await req({ method: 'PUT', bucket, key: 'foo', body: 'anon', ...none }), 403, 'AccessDenied');
      expectError(await req({ method: 'GET', bucket, ...none }), 403, 'AccessDenied');
      expectError(await req({ method: 'GET', bucket, query: [['list-type', '2']], ...none }), 403, 'AccessDenied');
      expectError(await req({ method: 'GET', ...none }), 403, 'AccessDenied');
      const anonBucket = bucketName('anon');
      expectError(await req({ method: 'PUT', bucket: anonBucket, ...none }), 403, 'AccessDenied');
      const head = await req({ method: 'HEAD', bucket, ...none });
      assert.equal(head.status, 403);
      assert.equal(head.body.length, 0);
      // an empty Authorization header carries no credentials: anonymous, not malformed
      expectError(await req({ method: 'PUT', bucket: anonBucket, headers: { authorization: '' }, ...none }), 403, 'AccessDenied');
      assert.equal((await req({ method: 'HEAD', bucket: anonBucket })).status, 404);
      assert.equal((await req({ method: 'GET', bucket, key: 'foo' })).text, 'bar', 'the anonymous PUT changed nothing');
      // as on S3, a bucket that does not exist is reported as such, to anyone
      const missing = bucketName('nobucket');
      expectError(await req({ method: 'GET', bucket: missing, key: 'foo', ...none }), 404, 'NoSuchBucket');
      expectError(await req({ method: 'GET', bucket: missing, ...none }), 404, 'NoSuchBucket');
      expectError(await req({ method: 'DELETE', bucket: missing, ...none }), 404, 'NoSuchBucket');
      expectError(await req({ method: 'PUT', bucket: missing, key: 'k', body: 'x', ...none }), 404, 'NoSuchBucket');
      expectError(await req({ method: 'PUT', bucket: missing, ...none }), 403, 'AccessDenied');
      assert.equal((await req({ method: 'HEAD', bucket: missing })).status, 404, 'the anonymous CreateBucket created nothing');
    });

    test('names no bucket can have (over 255 bytes, uppercase, underscores) → 404 NoSuchBucket on every operation, never a 5xx', async () => {
      for (const name of ['a'.repeat(300), 'Bad_Name', 'a'.repeat(64)]) {
        for (const o of [
          { method: 'GET' }, { method: 'DELETE' }, { method: 'GET', key: 'k' }, { method: 'PUT', key: 'k', body: 'x' },
          { method: 'GET', query: [['location', '']] as Array<[string, string]> }, { method: 'GET', query: [['acl', '']] as Array<[string, string]> },
        ]) {
          expectError(await req({ bucket: name, ...o }), 404, 'NoSuchBucket');
        }
        const head = await req({ method: 'HEAD', bucket: name });
        assert.equal(head.status, 404);
        assert.equal((await req({ method: 'GET', bucket: name, key: 'k', auth: 'none' })).status, 403);
      }
    });

    test('x-amz-expected-bucket-owner: the owner → served; anyone else → 403 AccessDenied', async () => {
      assert.equal((await req({ method: 'GET', bucket, key: 'foo', headers: { 'x-amz-expected-bucket-owner': 'root' } })).text, 'bar');
      assert.equal((await req({ method: 'HEAD', bucket, headers: { 'x-amz-expected-bucket-owner': 'root' } })).status, 200);
      expectError(await req({ method: 'GET', bucket, key: 'foo', headers: { 'x-amz-expected-bucket-owner': bobId } }), 403, 'AccessDenied');
      expectError(await req({ method: 'PUT', bucket, key: 'foo', body: 'changed', headers: { 'x-amz-expected-bucket-owner': bobId } }), 403, 'AccessDenied');
      assert.equal((await req({ method: 'GET', bucket, key: 'foo' })).text, 'bar');
    });

    test('bad credentials: unknown access key → 403 InvalidAccessKeyId; wrong secret → 403 SignatureDoesNotMatch', async () => {
      expectError(await req({ method: 'GET', creds: { accessKeyId: 'badauth', secretAccessKey: 'roflmao' } }), 403, 'InvalidAccessKeyId');
      expectError(await req({ method: 'GET', creds: { accessKeyId: v.accessKeyId, secretAccessKey: 'roflmao' } }), 403, 'SignatureDoesNotMatch');
    });

    test('presigned lifetimes: 100000 s works; 0 or negative → 403 expired; over a week → 400 AuthorizationQueryParametersError', async () => {
      const presigned = (expiresSeconds: number) => req({ method: 'GET', bucket, key: 'foo', auth: 'presign', expiresSeconds });
      const ok = await presigned(100000);
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.text, 'bar');
      const zero = await presigned(0);
      expectError(zero, 403, 'AccessDenied');
      assert.equal(zero.error?.Message, 'Request has expired');
      for (const negative of [-7, -1000]) {
        expectError(await presigned(negative), 403, 'AccessDenied');
        const put = await req({ method: 'PUT', bucket, key: 'foo', body: 'overwritten', auth: 'presign', expiresSeconds: negative });
        expectError(put, 403, 'AccessDenied');
      }
      assert.equal((await req({ method: 'GET', bucket, key: 'foo' })).text, 'bar');
      expectError(await presigned(604801), 400, 'AuthorizationQueryParametersError');
      const expired = await req({ method: 'GET', bucket, key: 'foo', auth: 'presign', expiresSeconds: 60, date: new Date(Date.now() - 3600_000) });
      expectError(expired, 403, 'AccessDenied');
      expectError(await req({ method: 'GET', bucket, key: 'foo', auth: 'presign', tamperSignature: true }), 403, 'SignatureDoesNotMatch');
    });

    test('SigV2 dates: x-amz-date wins over Date — empty, garbage or before 1970 → 403 AccessDenied; 2010/2030/9999 → 403 RequestTimeTooSkewed', async () => {
      const ok = await rawV2(v, { method: 'GET', path: `/${bucket}/foo` });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.text, 'bar');
      for (const amzDate of ['', 'Bad Date', 'Tue, 07 Jul 1950 21:53:04 GMT']) {
        const r = await rawV2(v, { method: 'PUT', path: `/${bucketName('v2')}`, headers: { 'x-amz-date': amzDate } });
        seen.push({ what: `v2 x-amz-date ${amzDate}`, status: r.status });
        expectError(r, 403, 'AccessDenied');
      }
      for (const amzDate of ['Tue, 07 Jul 2010 21:53:04 GMT', 'Tue, 07 Jul 2030 21:53:04 GMT', 'Tue, 07 Jul 9999 21:53:04 GMT']) {
        const r = await rawV2(v, { method: 'PUT', path: `/${bucketName('v2')}`, headers: { 'x-amz-date': amzDate } });
        seen.push({ what: `v2 x-amz-date ${amzDate}`, status: r.status });
        expectError(r, 403, 'RequestTimeTooSkewed');
      }
      const garbage = await rawV2(v, { method: 'PUT', path: `/${bucketName('v2')}`, authorization: 'AWS HAHAHA' });
      seen.push({ what: 'v2 AWS HAHAHA', status: garbage.status });
      expectError(garbage, 400, 'InvalidArgument');
    });

    test('GetBucketAcl / GetObjectAcl: the owner with FULL_CONTROL, as S3 with ACLs disabled; missing object → 404 NoSuchKey', async () => {
      for (const key of [undefined, 'foo']) {
        const r = await req({ method: 'GET', bucket, key, query: [['acl', '']] });
        assert.equal(r.status, 200, r.text);
        const acp = r.xml.AccessControlPolicy;
        assert.equal(acp.Owner.ID, 'root');
        const grant = acp.AccessControlList.Grant;
        assert.ok(!Array.isArray(grant), 'exactly one grant');
        assert.equal(grant.Grantee.ID, 'root');
        assert.equal(grant.Permission, 'FULL_CONTROL');
        assert.match(r.text, /xsi:type="CanonicalUser"/);
      }
      expectError(await req({ method: 'GET', bucket, key: 'no-such-key', query: [['acl', '']] }), 404, 'NoSuchKey');
      expectError(await req({ method: 'GET', bucket, query: [['acl', '']], creds: bob }), 403, 'AccessDenied');
      // only the current version exists
      assert.equal((await req({ method: 'GET', bucket, key: 'foo', query: [['acl', ''], ['versionId', 'null']] })).status, 200);
      expectError(await req({ method: 'GET', bucket, key: 'foo', query: [['acl', ''], ['versionId', 'abc']] }), 400, 'InvalidArgument');
    });

    test('PutBucketAcl / PutObjectAcl: private or an owner-only policy → 200; anything public → 400 AccessControlListNotSupported', async () => {
      for (const key of [undefined, 'foo']) {
        const at = { bucket, key, query: [['acl', '']] as Array<[string, string]> };
        assert.equal((await req({ method: 'PUT', ...at, headers: { 'x-amz-acl': 'private' } })).status, 200);
        assert.equal((await req({ method: 'PUT', ...at, headers: { 'x-amz-acl': 'bucket-owner-full-control' } })).status, 200);
        expectError(await req({ method: 'PUT', ...at, headers: { 'x-amz-acl': 'public-read' } }), 400, 'AccessControlListNotSupported');
        expectError(await req({ method: 'PUT', ...at, headers: { 'x-amz-acl': 'public-ready' } }), 400, 'InvalidArgument');
        const policy = (extra: string) =>
          '<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>root</ID></Owner><AccessControlList>' +
          '<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>root</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant>' +
          `${extra}</AccessControlList></AccessControlPolicy>`;
        const ownerOnly = policy('');
        assert.equal((await req({ method: 'PUT', ...at, body: ownerOnly, headers: { 'content-md5': b64.md5(Buffer.from(ownerOnly)) } })).status, 200);
        const publicRead = policy('<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant>');
        expectError(await req({ method: 'PUT', ...at, body: publicRead }), 400, 'AccessControlListNotSupported');
      }
      expectError(await req({ method: 'PUT', bucket, key: 'no-such-key', query: [['acl', '']], headers: { 'x-amz-acl': 'private' } }), 404, 'NoSuchKey');
      expectError(await req({ method: 'PUT', bucket, query: [['acl', '']], headers: { 'x-amz-acl': 'private' }, creds: bob }), 403, 'AccessDenied');
      // still private: anonymous reads are refused
      expectError(await req({ method: 'GET', bucket, key: 'foo', auth: 'none' }), 403, 'AccessDenied');
    });

    test('sub-resources VaultX does not implement → 501 NotImplemented, never a plain GET/PUT answer', async () => {
      // (bucket ?cors is implemented: see cors.test.ts)
      // setting a configuration VaultX cannot hold is 501 (reading one: see the next test)
      for (const sub of ['policy', 'lifecycle', 'website', 'logging', 'notification', 'encryption', 'versioning', 'object-lock']) {
        expectError(await req({ method: 'PUT', bucket, query: [[sub, '']], body: '<x/>' }), 501, 'NotImplemented');
      }
      for (const sub of ['analytics', 'inventory', 'metrics', 'intelligent-tiering']) {
        expectError(await req({ method: 'GET', bucket, query: [[sub, '']] }), 501, 'NotImplemented');
      }
      // (object ?tagging is implemented; object lock cannot be enabled, so its object calls are InvalidRequest)
      expectError(await req({ method: 'POST', bucket, key: 'foo', query: [['select', ''], ['select-type', '2']], body: '<x/>' }), 501, 'NotImplemented');
      expectError(await req({ method: 'POST', bucket, key: 'foo', query: [['restore', '']], body: '<RestoreRequest><Days>1</Days></RestoreRequest>' }), 501, 'NotImplemented');
      for (const [method, sub] of [['GET', 'retention'], ['PUT', 'retention'], ['GET', 'legal-hold'], ['PUT', 'legal-hold']] as const) {
        const r = await req({ method, bucket, key: 'foo', query: [[sub, '']], body: method === 'PUT' ? '<LegalHold><Status>ON</Status></LegalHold>' : undefined });
        expectError(r, 400, 'InvalidRequest');
        assert.match(r.text, /Bucket is missing Object Lock Configuration/);
      }
      assert.equal((await req({ method: 'GET', bucket, key: 'foo' })).text, 'bar', 'the object was not overwritten');
      assert.equal((await req({ method: 'HEAD', bucket })).status, 200, 'the bucket was not deleted');
    });

    test('configurations no bucket can have yet read as S3 reads an unconfigured bucket; DELETE is a 204 no-op', async () => {
      const notFound: [string, string][] = [
        ['policy', 'NoSuchBucketPolicy'],
        ['lifecycle', 'NoSuchLifecycleConfiguration'],
        ['website', 'NoSuchWebsiteConfiguration'],
        ['encryption', 'ServerSideEncryptionConfigurationNotFoundError'],
        ['replication', 'ReplicationConfigurationNotFoundError'],
        ['object-lock', 'ObjectLockConfigurationNotFoundError'],
        ['publicAccessBlock', 'NoSuchPublicAccessBlockConfiguration'],
      ];
      for (const [sub, code] of notFound) expectError(await req({ method: 'GET', bucket, query: [[sub, '']] }), 404, code);
      const docs: [string, RegExp][] = [
        ['logging', /<BucketLoggingStatus xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/"><\/BucketLoggingStatus>/],
        ['notification', /<NotificationConfiguration [^>]*><\/NotificationConfiguration>/],
        ['requestPayment', /<Payer>BucketOwner<\/Payer>/],
        ['ownershipControls', /<ObjectOwnership>BucketOwnerEnforced<\/ObjectOwnership>/],
      ];
      for (const [sub, body] of docs) {
        const r = await req({ method: 'GET', bucket, query: [[sub, '']] });
        assert.equal(r.status, 200, `${sub}: ${r.text}`);
        assert.match(r.text, body);
      }
      for (const sub of ['policy', 'lifecycle', 'website', 'encryption', 'publicAccessBlock']) {
        assert.equal((await req({ method: 'DELETE', bucket, query: [[sub, '']] })).status, 204, sub);
      }
      // still the bucket's owner only, and a missing bucket is still NoSuchBucket
      expectError(await req({ method: 'GET', bucket, query: [['policy', '']], auth: 'none' }), 403, 'AccessDenied');
      expectError(await req({ method: 'GET', bucket: `${bucket}-none`, query: [['policy', '']] }), 404, 'NoSuchBucket');
      assert.equal((await req({ method: 'HEAD', bucket })).status, 200, 'the bucket was not deleted');
    });

    test('an HTTP method S3 does not have → 405 MethodNotAllowed in S3 XML', async () => {
      for (const method of ['PROPFIND', 'MKCOL', 'TRACE']) {
        expectError(await req({ method, bucket, key: 'foo' }), 405, 'MethodNotAllowed');
      }
      expectError(await req({ method: 'PATCH', bucket }), 405, 'MethodNotAllowed');
      expectError(await req({ method: 'DELETE' }), 405, 'MethodNotAllowed');
    });

    test('no request in this file got a 5xx', () => {
      const bad = seen.filter((s) => s.status >= 500 && s.status !== 501);
      assert.deepEqual(bad, []);
    });
  });
}

describe('S3 conformance: a regional (non-us-east-1) endpoint', () => {
  let v: Vaultx;
  const test = itWithLogs(() => v);

  before(withLogs(() => v, async () => {
    v = await startVaultx({ wiring: 'single', env: { VAULTX_REGION: 'eu-west-1' } });
  }));
  after(async () => {
    await v?.dispose();
  });

  test('re-creating one\'s own bucket → 409 BucketAlreadyOwnedByYou; another region → 400 IllegalLocationConstraintException', async () => {
    const b = bucketName('eu');
    const body = '<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>';
    assert.equal((await raw(v, { method: 'PUT', bucket: b, body })).status, 200);
    expectError(await raw(v, { method: 'PUT', bucket: b, body }), 409, 'BucketAlreadyOwnedByYou');
    const loc = await raw(v, { method: 'GET', bucket: b, query: [['location', '']] });
    assert.equal(loc.xml.LocationConstraint, 'eu-west-1');
    assert.equal((await raw(v, { method: 'HEAD', bucket: b })).headers['x-amz-bucket-region'], 'eu-west-1');
    const other = bucketName('eu');
    const r = await raw(v, { method: 'PUT', bucket: other, body: '<CreateBucketConfiguration><LocationConstraint>us-west-2</LocationConstraint></CreateBucketConfiguration>' });
    expectError(r, 400, 'IllegalLocationConstraintException');
    assert.match(r.error?.Message ?? '', /us-west-2/);
  });
});
