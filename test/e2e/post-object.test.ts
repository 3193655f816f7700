/**
 * POST Object: browser-based uploads with an HTML form and a signed policy
 * (SigV4 and the legacy SigV2 form), checked the way the public Ceph s3-tests
 * suite checks them (test_post_object_*), re-expressed with FormData + fetch.
 */
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startVaultx, wirings, itWithLogs, bucketName, withLogs, createUserWithKey, type Vaultx, type Credentials } from './harness.ts';
import { raw, parseXml } from './lib/raw.ts';

const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

interface Form { fields: Array<[string, string]>; file?: { data: string; name?: string; type?: string }; after?: Array<[string, string]> }

function policyB64(conditions: unknown[], expiresInMs = 60_000): string {
  return Buffer.from(JSON.stringify({ expiration: new Date(Date.now() + expiresInMs).toISOString(), conditions })).toString('base64');
}

/** SigV4 form fields for a policy whose conditions are `conditions` plus the x-amz-* fields it signs. */
function v4Fields(creds: { accessKeyId: string; secretAccessKey: string }, region: string, conditions: unknown[], expiresInMs?: number): Array<[string, string]> {
  const now = new Date();
  const day = now.toISOString().slice(0, 10).replaceAll('-', '');
  const amzDate = `${now.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;
  const credential = `${creds.accessKeyId}/${day}/${region}/s3/aws4_request`;
  const policy = policyB64([
    ...conditions,
    { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' }, { 'x-amz-credential': credential }, { 'x-amz-date': amzDate },
  ], expiresInMs);
  const key = hmac(hmac(hmac(hmac(`AWS4${creds.secretAccessKey}`, day), region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', key).update(policy).digest('hex');
  return [
    ['policy', policy], ['x-amz-algorithm', 'AWS4-HMAC-SHA256'], ['x-amz-credential', credential],
    ['x-amz-date', amzDate], ['x-amz-signature', signature],
  ];
}

function v2Fields(creds: { accessKeyId: string; secretAccessKey: string }, conditions: unknown[], expiresInMs?: number): Array<[string, string]> {
  const policy = policyB64(conditions, expiresInMs);
  const signature = createHmac('sha1', creds.secretAccessKey).update(policy).digest('base64');
  return [['AWSAccessKeyId', creds.accessKeyId], ['policy', policy], ['signature', signature]];
}

for (const wiring of wirings()) {
  describe(`POST Object browser uploads (${wiring})`, () => {
    let v: Vaultx;
    let bob: Credentials;
    const test = itWithLogs(() => v);
    const bucket = bucketName('post');
    const me = () => ({ accessKeyId: v.accessKeyId, secretAccessKey: v.secretAccessKey });

    async function post(form: Form, target = bucket): Promise<{ status: number; headers: Headers; text: string; error?: Record<string, string> }> {
      const fd = new FormData();
      for (const [k, val] of form.fields) fd.append(k, val);
      if (form.file) fd.append('file', new Blob([form.file.data], { type: form.file.type ?? 'text/plain' }), form.file.name ?? 'upload.txt');
      for (const [k, val] of form.after ?? []) fd.append(k, val);
      const res = await fetch(`${v.endpoint}/${target}`, { method: 'POST', body: fd, redirect: 'manual' });
      const text = await res.text();
      const out: { status: number; headers: Headers; text: string; error?: Record<string, string> } = { status: res.status, headers: res.headers, text };
      if (text.startsWith('<')) {
        const xml = parseXml(text) as Record<string, unknown>;
        if ('Error' in xml) out.error = xml.Error as Record<string, string>;
      }
      return out;
    }
    async function get(key: string) {
      return raw(v, { method: 'GET', bucket, key });
    }
    const base = (key: string) => [{ bucket }, ['starts-with', '$key', key.slice(0, 3)], ['starts-with', '$Content-Type', 'text/'], ['content-length-range', 0, 1024]];

    before(withLogs(() => v, async () => {
      v = await startVaultx({ wiring });
      ({ creds: bob } = await createUserWithKey(v, 'bob'));
      assert.equal((await raw(v, { method: 'PUT', bucket })).status, 200);
    }));
    after(async () => {
      await v?.dispose();
    });

    test('SigV4 form: 204 by default, ETag and Location, object stored with its content type and metadata', async () => {
      const r = await post({
        fields: [['key', 'foo.txt'], ['Content-Type', 'text/plain'], ['x-amz-meta-foo', 'barclamp'], ['Cache-Control', 'no-cache'],
          ...v4Fields(me(), v.region, [...base('foo.txt'), ['starts-with', '$x-amz-meta-foo', 'bar'], { 'cache-control': 'no-cache' }])],
        file: { data: 'bar' },
      });
      assert.equal(r.status, 204, r.text);
      assert.equal(r.headers.get('etag'), '"37b51d194a7513e45b56f6524f2d51f2"');
      assert.match(r.headers.get('location') ?? '', new RegExp(`/${bucket}/foo\\.txt$`));
      const g = await get('foo.txt');
      assert.equal(g.status, 200);
      assert.equal(g.text, 'bar');
      assert.equal(g.headers['content-type'], 'text/plain');
      assert.equal(g.headers['x-amz-meta-foo'], 'barclamp');
      assert.equal(g.headers['cache-control'], 'no-cache');
    });

    test('SigV2 form and ${filename}; fields after the file are ignored', async () => {
      const r = await post({
        fields: [['key', 'foo/${filename}'], ['acl', 'private'], ['Content-Type', 'text/plain'], ...v2Fields(me(), [...base('foo/'), { acl: 'private' }])],
        file: { data: 'v2 body', name: 'hello.txt' },
        after: [['x-amz-meta-late', 'ignored']],
      });
      assert.equal(r.status, 204, r.text);
      const g = await get('foo/hello.txt');
      assert.equal(g.text, 'v2 body');
      assert.equal(g.headers['x-amz-meta-late'], undefined);
      // the policy judges the key after ${filename} is substituted
      const bare = await post({ fields: [['key', '${filename}'], ['Content-Type', 'text/plain'], ...v2Fields(me(), base('foo-'))], file: { data: 'named', name: 'foo-file.txt' } });
      assert.equal(bare.status, 204, bare.text);
      assert.equal((await get('foo-file.txt')).text, 'named');
    });

    test('success_action_status 200 / 201 (PostResponse XML) / invalid → 204; success_action_redirect → 303', async () => {
      for (const [status, want] of [['200', 200], ['201', 201], ['404', 204]] as const) {
        const r = await post({
          fields: [['key', `s${status}`], ['Content-Type', 'text/plain'], ['success_action_status', status],
            ...v4Fields(me(), v.region, [...base('s'), { success_action_status: status }])],
          file: { data: 'x' },
        });
        assert.equal(r.status, want, r.text);
        if (want === 201) {
          const xml = parseXml(r.text) as { PostResponse: Record<string, string> };
          assert.equal(xml.PostResponse.Bucket, bucket);
          assert.equal(xml.PostResponse.Key, 's201');
          assert.equal(xml.PostResponse.ETag, '"9dd4e461268c8034f5c8564e155c67a6"');
          assert.match(xml.PostResponse.Location ?? '', /\/s201$/);
        }
      }
      const r = await post({
        fields: [['key', 'redir'], ['Content-Type', 'text/plain'], ['success_action_redirect', 'http://example.invalid/done'],
          ...v4Fields(me(), v.region, [...base('red'), ['eq', '$success_action_redirect', 'http://example.invalid/done']])],
        file: { data: 'x' },
      });
      assert.equal(r.status, 303, r.text);
      const loc = new URL(r.headers.get('location') ?? '');
      assert.equal(loc.origin + loc.pathname, 'http://example.invalid/done');
      assert.equal(loc.searchParams.get('bucket'), bucket);
      assert.equal(loc.searchParams.get('key'), 'redir');
      assert.equal(loc.searchParams.get('etag'), '"9dd4e461268c8034f5c8564e155c67a6"');
    });

    test('policy refusals: expired, extra fields, failed conditions, content-length-range', async () => {
      const expired = await post({ fields: [['key', 'foo'], ['Content-Type', 'text/plain'], ...v4Fields(me(), v.region, base('foo'), -60_000)], file: { data: 'x' } });
      assert.equal(expired.status, 403);
      assert.equal(expired.error?.Code, 'AccessDenied');
      assert.equal(expired.error?.Message, 'Invalid according to Policy: Policy expired.');
      const extra = await post({ fields: [['key', 'foo'], ['Content-Type', 'text/plain'], ['x-amz-meta-foo', 'x'], ...v4Fields(me(), v.region, base('foo'))], file: { data: 'x' } });
      assert.equal(extra.status, 403);
      assert.match(extra.error?.Message ?? '', /Extra input fields: x-amz-meta-foo/);
      const failed = await post({ fields: [['key', 'bar'], ['Content-Type', 'text/plain'], ...v4Fields(me(), v.region, base('foo'))], file: { data: 'x' } });
      assert.equal(failed.status, 403);
      assert.match(failed.error?.Message ?? '', /Policy Condition failed: \["starts-with", "\$key", "foo"\]/);
      const wrongBucket = await post({ fields: [['key', 'foo'], ['Content-Type', 'text/plain'], ...v4Fields(me(), v.region, [...base('foo').slice(1), { bucket: 'other' }])], file: { data: 'x' } });
      assert.equal(wrongBucket.status, 403);
      const range = (min: number, max: number) => [{ bucket }, ['starts-with', '$key', ''], ['starts-with', '$Content-Type', ''], ['content-length-range', min, max]];
      const big = await post({ fields: [['key', 'big'], ['Content-Type', 'text/plain'], ...v4Fields(me(), v.region, range(0, 3))], file: { data: 'four' } });
      assert.equal(big.status, 400);
      assert.equal(big.error?.Code, 'EntityTooLarge');
      const small = await post({ fields: [['key', 'small'], ['Content-Type', 'text/plain'], ...v4Fields(me(), v.region, range(10, 20))], file: { data: 'four' } });
      assert.equal(small.status, 400);
      assert.equal(small.error?.Code, 'EntityTooSmall');
      for (const k of ['big', 'small']) assert.equal((await get(k)).status, 404, `${k} must not be stored`);
      const bad = await post({ fields: [['key', 'foo'], ['policy', Buffer.from('{"conditions": [}').toString('base64')], ['AWSAccessKeyId', v.accessKeyId], ['signature', 'x']], file: { data: 'x' } });
      assert.equal(bad.status, 403); // the signature is checked first: an unsigned policy is never parsed
    });

    test('authentication: bad signature, unknown key, anonymous, another user’s bucket', async () => {
      const fields = v4Fields(me(), v.region, base('foo'));
      const tampered = fields.map(([k, val]): [string, string] => [k, k === 'x-amz-signature' ? val.replace(/^./, (c) => (c === '0' ? '1' : '0')) : val]);
      const badSig = await post({ fields: [['key', 'foo'], ['Content-Type', 'text/plain'], ...tampered], file: { data: 'x' } });
      assert.equal(badSig.status, 403);
      assert.equal(badSig.error?.Code, 'SignatureDoesNotMatch');
      const unknown = await post({ fields: [['key', 'foo'], ['Content-Type', 'text/plain'], ...v2Fields({ accessKeyId: 'NOSUCHKEY0000000000X', secretAccessKey: 's' }, base('foo'))], file: { data: 'x' } });
      assert.equal(unknown.status, 403);
      assert.equal(unknown.error?.Code, 'InvalidAccessKeyId');
      const anon = await post({ fields: [['key', 'foo']], file: { data: 'x' } });
      assert.equal(anon.status, 403);
      assert.equal(anon.error?.Code, 'AccessDenied');
      const bobs = await post({ fields: [['key', 'foo'], ['Content-Type', 'text/plain'], ...v4Fields(bob, v.region, base('foo'))], file: { data: 'x' } });
      assert.equal(bobs.status, 403);
      assert.equal(bobs.error?.Code, 'AccessDenied');
    });

    test('a 3 MiB file streams through and reads back whole; case-insensitive field names and operators', async () => {
      const big = 'foo'.repeat(1024 * 1024);
      const r = await post({
        fields: [['kEy', 'foo-big'], ['Content-Type', 'text/plain'],
          ...v4Fields(me(), v.region, [{ bUcKeT: bucket }, ['StArTs-WiTh', '$KeY', 'foo'], ['starts-with', '$Content-Type', 'text/'], ['content-length-range', 0, 5 * 1024 * 1024]])],
        file: { data: big },
      });
      assert.equal(r.status, 204, r.text);
      const g = await get('foo-big');
      assert.equal(g.body.length, big.length);
      assert.ok(g.text === big, 'body differs');
    });

    test('a public ACL is refused as PutObject refuses it with ACLs disabled', async () => {
      const r = await post({ fields: [['key', 'pub'], ['acl', 'public-read'], ['Content-Type', 'text/plain'], ...v4Fields(me(), v.region, [...base('pub'), { acl: 'public-read' }])], file: { data: 'x' } });
      assert.equal(r.status, 400, r.text);
      assert.equal(r.error?.Code, 'AccessControlListNotSupported');
      assert.equal((await get('pub')).status, 404);
    });

    test('malformed forms: no file, no key, a broken multipart body → 400, never 500', async () => {
      const noFile = await post({ fields: [['key', 'foo'], ['Content-Type', 'text/plain'], ...v4Fields(me(), v.region, base('foo'))] });
      assert.equal(noFile.status, 400, noFile.text);
      const noKey = await post({ fields: [['Content-Type', 'text/plain'], ...v4Fields(me(), v.region, base('foo').slice(0, 1).concat(base('foo').slice(2)))], file: { data: 'x' } });
      assert.equal(noKey.status, 400, noKey.text);
      assert.equal(noKey.error?.Code, 'InvalidArgument');
      const res = await fetch(`${v.endpoint}/${bucket}`, {
        method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=XYZ' }, body: '--XYZ\r\nContent-Disposition: form-data; name="key"\r\n\r\nfoo',
      });
      assert.equal(res.status, 400);
      assert.match(await res.text(), /<Code>(MalformedPOSTRequest|InvalidArgument)<\/Code>/);
      const noBoundary = await fetch(`${v.endpoint}/${bucket}`, { method: 'POST', headers: { 'content-type': 'multipart/form-data' }, body: 'x' });
      assert.equal(noBoundary.status, 400);
      assert.match(await noBoundary.text(), /<Code>MalformedPOSTRequest<\/Code>/);
    });
  });
}
