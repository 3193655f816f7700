import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { authenticate, awsUriEncode, timingSafeEqualHex, type AuthInput } from './index.ts';
import { AK, CREDS, HOST, lookup, presign, rejects, sdkKeyPath, signHeader, type SignSpec } from './test-util.ts';

const REGION = 'us-east-1';
const OPTS = { region: REGION };
const NOW = new Date('2024-03-01T12:00:00Z');
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const sha = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');

function docHeaders(extra: Record<string, string>): Record<string, string> {
  return { host: 'examplebucket.s3.amazonaws.com', 'x-amz-date': '20130524T000000Z', ...extra };
}
const DOC_NOW = new Date('2013-05-24T00:01:00Z');
const docAuth = (signed: string, sig: string): string =>
  `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=${signed}, Signature=${sig}`;

// ---------------------------------------------------------------------------
// AWS documentation examples ("Authenticating Requests: Using the Authorization Header", "... Query Parameters")

test('AWS doc example: GET object with Range', async () => {
  const r = await authenticate(
    {
      method: 'GET',
      rawUrl: '/test.txt',
      headers: docHeaders({
        range: 'bytes=0-9',
        'x-amz-content-sha256': EMPTY,
        authorization: docAuth('host;range;x-amz-content-sha256;x-amz-date', 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41'),
      }),
      now: DOC_NOW,
    },
    lookup,
    OPTS,
  );
  assert.ok(r);
  assert.equal(r.signatureVersion, 4);
  assert.equal(r.presigned, false);
  assert.deepEqual(r.credentials, CREDS);
  assert.deepEqual(r.payload, { kind: 'sha256', expectedSha256: EMPTY });
});

test('AWS doc example: PUT object test$file.text (Date and x-amz-date both present)', async () => {
  const body = 'Welcome to Amazon S3.';
  const r = await authenticate(
    {
      method: 'PUT',
      rawUrl: '/test%24file.text',
      headers: docHeaders({
        date: 'Fri, 24 May 2013 00:00:00 GMT',
        'x-amz-storage-class': 'REDUCED_REDUNDANCY',
        'x-amz-content-sha256': sha(body),
        authorization: docAuth(
          'date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class',
          '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd',
        ),
      }),
      now: DOC_NOW,
    },
    lookup,
    OPTS,
  );
  assert.deepEqual(r?.payload, { kind: 'sha256', expectedSha256: sha(body) });
});

test('AWS doc example: GET bucket lifecycle (?lifecycle without "=")', async () => {
  const r = await authenticate(
    {
      method: 'GET',
      rawUrl: '/?lifecycle',
      headers: docHeaders({
        'x-amz-content-sha256': EMPTY,
        authorization: docAuth('host;x-amz-content-sha256;x-amz-date', 'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543'),
      }),
      now: DOC_NOW,
    },
    lookup,
    OPTS,
  );
  assert.ok(r);
});

test('AWS doc example: list objects ?max-keys=2&prefix=J', async () => {
  const r = await authenticate(
    {
      method: 'GET',
      rawUrl: '/?max-keys=2&prefix=J',
      headers: docHeaders({
        'x-amz-content-sha256': EMPTY,
        authorization: docAuth('host;x-amz-content-sha256;x-amz-date', '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7'),
      }),
      now: DOC_NOW,
    },
    lookup,
    OPTS,
  );
  assert.ok(r);
});

test('AWS doc example: presigned GET test.txt', async () => {
  const rawUrl =
    '/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
    '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
    '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404';
  const input: AuthInput = { method: 'GET', rawUrl, headers: { host: 'examplebucket.s3.amazonaws.com' }, now: DOC_NOW };
  const r = await authenticate(input, lookup, OPTS);
  assert.equal(r?.presigned, true);
  assert.deepEqual(r?.payload, { kind: 'unsigned' });
  // a day later it has expired
  await rejects(authenticate({ ...input, now: new Date('2013-05-25T00:00:01Z') }, lookup, OPTS), 'AccessDenied', (e) => {
    assert.equal(e.message, 'Request has expired');
    assert.equal(e.status, 403);
    assert.equal(e.details['X-Amz-Expires'], 86400);
    assert.equal(e.details.Expires, '2013-05-25T00:00:00Z');
    assert.equal(e.details.ServerTime, '2013-05-25T00:00:01Z');
  });
});

// ---------------------------------------------------------------------------
// Against the real SDK signer

const KEYS = [
  'simple.txt',
  'a b/c d.txt',
  'ünïcödé/文件 📦.txt',
  'plus+sign~tilde',
  'double//slash/./dot/../x',
  "special !*'()&$@=;:,?#[]",
  '100%.txt',
  '/leading-slash',
  'trailing/',
];

test('header auth signed by @smithy/signature-v4 verifies (keys with spaces, unicode, +, ~, //, ., reserved chars)', async () => {
  for (const key of KEYS) {
    const body = `body of ${key}`;
    const input = await signHeader(
      {
        method: 'PUT',
        path: sdkKeyPath('bucket', key),
        query: { 'x-id': 'PutObject' },
        headers: { 'x-amz-meta-note': '  spaced   out  value ', 'content-type': 'text/plain' },
        body,
        date: NOW,
      },
      NOW,
    );
    const r = await authenticate(input, lookup, OPTS);
    assert.ok(r, key);
    assert.deepEqual(r.payload, { kind: 'sha256', expectedSha256: sha(body) }, key);
  }
});

test('query parameters: sorting, encoding, empty values, repeated names, x-id', async () => {
  const spec: SignSpec = {
    path: '/bucket',
    query: {
      'list-type': '2',
      prefix: 'a b+c/ü&=?',
      delimiter: '/',
      'max-keys': '10',
      'x-id': 'ListObjectsV2',
      'encoding-type': 'url',
      'start-after': "it's(*)!",
      tags: ['b', 'a'],
      uploads: '',
    },
    date: NOW,
  };
  const input = await signHeader(spec);
  assert.ok(await authenticate(input, lookup, OPTS));
  // 'uploads' without '=' on the wire is the same canonical parameter
  assert.ok(input.rawUrl.includes('uploads='));
  assert.ok(await authenticate({ ...input, rawUrl: input.rawUrl.replace('uploads=', 'uploads') }, lookup, OPTS));
});

test("'+' in a query value is a space (as S3 and URLSearchParams read it); a plus travels as %2B", async () => {
  const space = await signHeader({ path: '/bucket', query: { prefix: 'a b' }, date: NOW });
  assert.ok(await authenticate({ ...space, rawUrl: '/bucket?prefix=a+b' }, lookup, OPTS));
  const plus = await signHeader({ path: '/bucket', query: { prefix: 'a+b' }, date: NOW });
  assert.ok(await authenticate(plus, lookup, OPTS)); // a%2Bb
  // rewriting %2B to '+' would change the meaning, so it must not verify
  await rejects(authenticate({ ...plus, rawUrl: '/bucket?prefix=a+b' }, lookup, OPTS), 'SignatureDoesNotMatch');
});

test('non-ASCII header values: as node delivers them (latin1 of the UTF-8 bytes) and as Unicode', async () => {
  const input = await signHeader({ method: 'PUT', path: '/bucket/k', headers: { 'x-amz-meta-name': 'müller ü' }, body: 'x', date: NOW });
  assert.ok(await authenticate(input, lookup, OPTS));
  const wire = Buffer.from('müller ü', 'utf8').toString('latin1');
  assert.ok(await authenticate({ ...input, headers: { ...input.headers, 'x-amz-meta-name': wire } }, lookup, OPTS));
  await rejects(authenticate({ ...input, headers: { ...input.headers, 'x-amz-meta-name': 'muller u' } }, lookup, OPTS), 'SignatureDoesNotMatch');
});

test('canonical URI falls back to the raw path when the client signed it as sent', async () => {
  // lower-case escapes and an unescaped '!' are not what awsUriEncode produces, but a client may sign them
  const input = await signHeader({ path: '/bucket/a%2fb!c', date: NOW });
  assert.ok(await authenticate(input, lookup, OPTS));
  // and the normal case: client sends '%21' for '!', we re-encode
  const normal = await signHeader({ path: '/bucket/a%21c', date: NOW });
  assert.ok(await authenticate(normal, lookup, OPTS));
});

test('Authorization with or without spaces after commas', async () => {
  const input = await signHeader({ path: '/bucket/k', date: NOW });
  const auth = String(input.headers.authorization);
  const tight = auth.replace(/,\s*/g, ',');
  const loose = auth.replace(/,\s*/g, ',   ');
  assert.notEqual(tight, auth);
  for (const a of [tight, loose]) {
    assert.ok(await authenticate({ ...input, headers: { ...input.headers, authorization: a } }, lookup, OPTS));
  }
});

test('headersDistinct-style arrays: repeated header values join with ","', async () => {
  const input = await signHeader({ path: '/bucket/k', headers: { 'x-amz-meta-multi': 'one,two' }, date: NOW });
  const headers = { ...input.headers, 'x-amz-meta-multi': ['one', ' two '] };
  assert.ok(await authenticate({ ...input, headers }, lookup, OPTS));
});

test('anonymous request → undefined', async () => {
  assert.equal(await authenticate({ method: 'GET', rawUrl: '/bucket/key?versionId=1', headers: { host: HOST } }, lookup, OPTS), undefined);
});

test('an empty or blank Authorization header is an anonymous request, not a malformed one', async () => {
  for (const authorization of ['', '   ']) {
    assert.equal(await authenticate({ method: 'PUT', rawUrl: '/bucket', headers: { host: HOST, authorization } }, lookup, OPTS), undefined);
  }
});

test('x-amz-date edits after signing: empty or garbage → AccessDenied even with a good Date; an old one → RequestTimeTooSkewed', async () => {
  const input = await signHeader({ path: '/b/k', date: NOW, headers: { date: NOW.toUTCString() } });
  const withAmzDate = (d: string): AuthInput => ({ ...input, headers: { ...input.headers, 'x-amz-date': d } });
  await rejects(authenticate(withAmzDate(''), lookup, OPTS), 'AccessDenied');
  await rejects(authenticate(withAmzDate('Bad Date'), lookup, OPTS), 'AccessDenied');
  await rejects(authenticate(withAmzDate('20100707T215304Z'), lookup, OPTS), 'RequestTimeTooSkewed');
  await rejects(authenticate(withAmzDate('99990707T215304Z'), lookup, OPTS), 'RequestTimeTooSkewed');
  await rejects(authenticate(withAmzDate('19500707T215304Z'), lookup, OPTS), 'AccessDenied');
  // a bad Date next to a good x-amz-date does not matter
  assert.ok(await authenticate({ ...input, headers: { ...input.headers, date: 'Bad date' } }, lookup, OPTS));
});

test('an unknown access key is reported as such even when its credential scope is dated another day', async () => {
  const input = await signHeader({ path: '/b/k', date: NOW });
  const stale = `AWS4-HMAC-SHA256 Credential=AKIAIGR7ZNNBHC5BKSUB/20150928/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=00`;
  await rejects(authenticate({ ...input, headers: { ...input.headers, authorization: stale } }, lookup, OPTS), 'InvalidAccessKeyId');
});

test('a request date before the Unix epoch → AccessDenied (invalid), not RequestTimeTooSkewed', async () => {
  const input = await signHeader({ path: '/b/k', date: new Date('1950-07-07T21:53:04Z') }, NOW);
  await rejects(authenticate(input, lookup, OPTS), 'AccessDenied');
  const future = await signHeader({ path: '/b/k', date: new Date('9999-07-07T21:53:04Z') }, NOW);
  await rejects(authenticate(future, lookup, OPTS), 'RequestTimeTooSkewed');
});

// ---------------------------------------------------------------------------
// Tampering

test('tampering with any signed part → SignatureDoesNotMatch', async () => {
  const spec: SignSpec = {
    method: 'PUT',
    path: '/bucket/some%20key',
    query: { partNumber: '1', uploadId: 'abc' },
    headers: { 'x-amz-meta-a': 'x' },
    body: 'hello',
    date: NOW,
  };
  const good = await signHeader(spec);
  assert.ok(await authenticate(good, lookup, OPTS));
  const variants: [string, AuthInput][] = [
    ['method', { ...good, method: 'POST' }],
    ['path', { ...good, rawUrl: good.rawUrl.replace('some%20key', 'some%20kex') }],
    ['query value', { ...good, rawUrl: good.rawUrl.replace('partNumber=1', 'partNumber=2') }],
    ['extra query param', { ...good, rawUrl: `${good.rawUrl}&versionId=1` }],
    ['signed header', { ...good, headers: { ...good.headers, 'x-amz-meta-a': 'y' } }],
    ['host', { ...good, headers: { ...good.headers, host: 'evil:9000' } }],
    ['date', { ...good, headers: { ...good.headers, 'x-amz-date': '20240301T120001Z' } }],
    ['payload hash', { ...good, headers: { ...good.headers, 'x-amz-content-sha256': sha('other') } }],
  ];
  for (const [what, input] of variants) {
    await rejects(authenticate(input, lookup, OPTS), 'SignatureDoesNotMatch', (e) => {
      assert.equal(e.status, 403, what);
      assert.equal(e.details.AWSAccessKeyId, AK);
      assert.match(String(e.details.StringToSign), /^AWS4-HMAC-SHA256\n/);
      assert.match(String(e.details.CanonicalRequest), /\n/);
      assert.equal(typeof e.details.SignatureProvided, 'string');
    });
  }
  // wrong secret
  const wrongSecret = async (id: string) => (id === AK ? { ...CREDS, secretAccessKey: 'not-the-secret' } : undefined);
  await rejects(authenticate(good, wrongSecret, OPTS), 'SignatureDoesNotMatch');
  // signature itself
  const auth = String(good.headers.authorization);
  const flipped = auth.slice(0, -1) + (auth.endsWith('0') ? '1' : '0');
  await rejects(authenticate({ ...good, headers: { ...good.headers, authorization: flipped } }, lookup, OPTS), 'SignatureDoesNotMatch');
});

test('unknown access key → InvalidAccessKeyId', async () => {
  const input = await signHeader({ path: '/bucket/k', date: NOW, accessKeyId: 'AKIDUNKNOWN' });
  await rejects(authenticate(input, lookup, OPTS), 'InvalidAccessKeyId', (e) => {
    assert.equal(e.status, 403);
    assert.equal(e.details.AWSAccessKeyId, 'AKIDUNKNOWN');
  });
});

test('clock skew beyond 15 minutes → RequestTimeTooSkewed with ServerTime', async () => {
  const signedAt = new Date(NOW.getTime() - 16 * 60 * 1000);
  const input = await signHeader({ path: '/bucket/k', date: signedAt }, NOW);
  await rejects(authenticate(input, lookup, OPTS), 'RequestTimeTooSkewed', (e) => {
    assert.equal(e.status, 403);
    assert.equal(e.details.ServerTime, '2024-03-01T12:00:00Z');
    assert.equal(e.details.RequestTime, '20240301T114400Z');
    assert.equal(e.details.MaxAllowedSkewMilliseconds, 900000);
  });
  // ahead of the server too
  const ahead = await signHeader({ path: '/bucket/k', date: new Date(NOW.getTime() + 16 * 60 * 1000) }, NOW);
  await rejects(authenticate(ahead, lookup, OPTS), 'RequestTimeTooSkewed');
  // 14 minutes is fine
  const ok = await signHeader({ path: '/bucket/k', date: new Date(NOW.getTime() - 14 * 60 * 1000) }, NOW);
  assert.ok(await authenticate(ok, lookup, OPTS));
});

test('wrong region → AuthorizationHeaderMalformed with the expected Region', async () => {
  const input = await signHeader({ path: '/bucket/k', date: NOW, region: 'eu-west-1' });
  await rejects(authenticate(input, lookup, OPTS), 'AuthorizationHeaderMalformed', (e) => {
    assert.equal(e.status, 400);
    assert.equal(e.details.Region, REGION);
    assert.match(e.message, /region 'eu-west-1' is wrong; expecting 'us-east-1'/);
  });
  // a server configured for eu-west-1 accepts it
  assert.ok(await authenticate(input, lookup, { region: 'eu-west-1' }));
});

test('x-amz-content-sha256: missing → InvalidRequest; unknown value → InvalidArgument', async () => {
  const input = await signHeader({ path: '/bucket/k', date: NOW });
  const { 'x-amz-content-sha256': _, ...rest } = input.headers;
  await rejects(authenticate({ ...input, headers: rest }, lookup, OPTS), 'InvalidRequest', (e) => {
    assert.equal(e.message, 'Missing required header for this request: x-amz-content-sha256');
  });
  const bad = await signHeader({ path: '/bucket/k', date: NOW, headers: { 'x-amz-content-sha256': 'NOPE' } });
  await rejects(authenticate(bad, lookup, OPTS), 'InvalidArgument', (e) => {
    assert.equal(e.details.ArgumentName, 'x-amz-content-sha256');
  });
});

test('payload modes from x-amz-content-sha256', async () => {
  const unsigned = await signHeader({ method: 'PUT', path: '/b/k', date: NOW, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
  assert.deepEqual((await authenticate(unsigned, lookup, OPTS))?.payload, { kind: 'unsigned' });

  for (const [value, signed, trailer] of [
    ['STREAMING-AWS4-HMAC-SHA256-PAYLOAD', true, false],
    ['STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', true, true],
    ['STREAMING-UNSIGNED-PAYLOAD-TRAILER', false, true],
  ] as const) {
    const input = await signHeader({
      method: 'PUT',
      path: '/b/k',
      date: NOW,
      headers: { 'x-amz-content-sha256': value, 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': '5' },
    });
    const r = await authenticate(input, lookup, OPTS);
    assert.ok(r && r.payload.kind === 'chunked', value);
    assert.equal(r.payload.signed, signed);
    assert.equal(r.payload.trailer, trailer);
    assert.equal(r.payload.amzDate, '20240301T120000Z');
    assert.equal(r.payload.scope, '20240301/us-east-1/s3/aws4_request');
    assert.equal(r.payload.seedSignature, /Signature=([0-9a-f]{64})/.exec(String(input.headers.authorization))![1]);
    assert.equal(r.payload.signingKey.length, 32);
  }
});

test('x-amz-* headers that were not signed → AccessDenied (HeadersNotSigned)', async () => {
  const input = await signHeader({ method: 'PUT', path: '/b/k', date: NOW, body: 'x' });
  await rejects(
    authenticate({ ...input, headers: { ...input.headers, 'x-amz-copy-source': '/other/secret' } }, lookup, OPTS),
    'AccessDenied',
    (e) => assert.equal(e.details.HeadersNotSigned, 'x-amz-copy-source'),
  );
  // non-amz headers (user-agent, etc.) may be unsigned
  assert.ok(await authenticate({ ...input, headers: { ...input.headers, 'user-agent': 'x', expect: '100-continue' } }, lookup, OPTS));
});

test('malformed Authorization headers', async () => {
  const input = await signHeader({ path: '/b/k', date: NOW });
  const withAuth = (a: string): AuthInput => ({ ...input, headers: { ...input.headers, authorization: a } });
  await rejects(authenticate(withAuth('Bearer abc'), lookup, OPTS), 'InvalidArgument', (e) =>
    assert.equal(e.message, 'Unsupported Authorization Type'),
  );
  await rejects(authenticate(withAuth('AWS4-HMAC-SHA512 Credential=x'), lookup, OPTS), 'InvalidArgument');
  await rejects(authenticate(withAuth('AWS4-HMAC-SHA256 SignedHeaders=host, Signature=00'), lookup, OPTS), 'AuthorizationHeaderMalformed');
  await rejects(
    authenticate(withAuth(`AWS4-HMAC-SHA256 Credential=${AK}/20240301/us-east-1/s3/aws4_request, Signature=00`), lookup, OPTS),
    'AuthorizationHeaderMalformed',
  );
  await rejects(
    authenticate(withAuth(`AWS4-HMAC-SHA256 Credential=${AK}/2024/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00`), lookup, OPTS),
    'AuthorizationHeaderMalformed',
  );
  await rejects(
    authenticate(withAuth(`AWS4-HMAC-SHA256 Credential=${AK}/20240301/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00`), lookup, OPTS),
    'AuthorizationHeaderMalformed',
  );
  // scope date differs from x-amz-date
  await rejects(
    authenticate(
      withAuth(`AWS4-HMAC-SHA256 Credential=${AK}/20240302/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=00`),
      lookup,
      OPTS,
    ),
    'AuthorizationHeaderMalformed',
  );
  // host not signed
  await rejects(
    authenticate(
      withAuth(`AWS4-HMAC-SHA256 Credential=${AK}/20240301/us-east-1/s3/aws4_request, SignedHeaders=x-amz-content-sha256;x-amz-date, Signature=00`),
      lookup,
      OPTS,
    ),
    'AccessDenied',
  );
  // no date at all
  const { 'x-amz-date': _d, ...noDate } = input.headers;
  await rejects(authenticate({ ...input, headers: noDate }, lookup, OPTS), 'AccessDenied', (e) =>
    assert.match(e.message, /requires a valid Date or x-amz-date/),
  );
});

test('header auth plus presigned query → InvalidArgument (only one auth mechanism)', async () => {
  const input = await signHeader({ path: '/b/k', date: NOW });
  await rejects(authenticate({ ...input, rawUrl: `${input.rawUrl}?X-Amz-Signature=abc` }, lookup, OPTS), 'InvalidArgument');
});

// ---------------------------------------------------------------------------
// Presigned

test('presigned URLs from the SDK signer verify (plain and S3-presigner style, with params and x-id)', async () => {
  for (const key of KEYS) {
    for (const s3Style of [false, true]) {
      const input = await presign({
        path: sdkKeyPath('bucket', key),
        query: { 'x-id': 'GetObject', 'response-content-disposition': 'attachment; filename="ü x.txt"' },
        date: NOW,
        expiresIn: 900,
        s3Style,
      });
      assert.equal(input.headers.authorization, undefined);
      const r = await authenticate({ ...input, now: new Date(NOW.getTime() + 60_000) }, lookup, OPTS);
      assert.ok(r, key);
      assert.equal(r.presigned, true);
      assert.deepEqual(r.payload, { kind: 'unsigned' });
    }
  }
});

test('presigned PUT with hoisted x-amz-meta and a signed content-type header', async () => {
  const input = await presign({
    method: 'PUT',
    path: '/bucket/upload.bin',
    headers: { 'x-amz-meta-owner': 'alice', 'content-type': 'application/octet-stream' },
    date: NOW,
    s3Style: true,
  });
  assert.match(input.rawUrl, /x-amz-meta-owner=alice/);
  assert.ok(await authenticate(input, lookup, OPTS));
  // the content-type was signed: changing it breaks the signature
  await rejects(authenticate({ ...input, headers: { ...input.headers, 'content-type': 'text/html' } }, lookup, OPTS), 'SignatureDoesNotMatch');
  // an x-amz-* header the URL did not sign is refused
  await rejects(
    authenticate({ ...input, headers: { ...input.headers, 'x-amz-acl': 'public-read' } }, lookup, OPTS),
    'AccessDenied',
  );
});

test('presigned: X-Amz-Content-Sha256 in the query gives sha256 mode', async () => {
  const body = 'data';
  const input = await presign({ method: 'PUT', path: '/b/k', headers: { 'X-Amz-Content-Sha256': sha(body) }, date: NOW });
  assert.match(input.rawUrl, /X-Amz-Content-Sha256=/);
  const r = await authenticate(input, lookup, OPTS);
  assert.deepEqual(r?.payload, { kind: 'sha256', expectedSha256: sha(body) });
});

test('presigned: expired, not yet valid, Expires limits, tampering, unknown key', async () => {
  const input = await presign({ path: '/b/k', date: NOW, expiresIn: 60 });
  await rejects(authenticate({ ...input, now: new Date(NOW.getTime() + 61_000) }, lookup, OPTS), 'AccessDenied', (e) => {
    assert.equal(e.message, 'Request has expired');
    assert.equal(e.details['X-Amz-Expires'], 60);
    assert.equal(e.details.Expires, '2024-03-01T12:01:00Z');
    assert.equal(e.details.ServerTime, '2024-03-01T12:01:01Z');
  });
  assert.ok(await authenticate({ ...input, now: new Date(NOW.getTime() + 59_000) }, lookup, OPTS));
  await rejects(authenticate({ ...input, now: new Date(NOW.getTime() - 20 * 60_000) }, lookup, OPTS), 'AccessDenied', (e) =>
    assert.equal(e.message, 'Request is not valid yet'),
  );
  await rejects(
    authenticate({ ...input, rawUrl: input.rawUrl.replace('X-Amz-Expires=60', 'X-Amz-Expires=604801') }, lookup, OPTS),
    'AuthorizationQueryParametersError',
    (e) => {
      assert.equal(e.message, 'X-Amz-Expires must be less than a week (in seconds) that is; 604800 seconds');
      assert.equal(e.status, 400);
    },
  );
  await rejects(authenticate({ ...input, rawUrl: input.rawUrl.replace('X-Amz-Expires=60', 'X-Amz-Expires=abc') }, lookup, OPTS), 'AuthorizationQueryParametersError');
  // a zero lifetime was never valid: expired (403), as S3 answers it
  const zero = await presign({ path: '/b/k', date: NOW, expiresIn: 0 });
  await rejects(authenticate(zero, lookup, OPTS), 'AccessDenied', (e) => assert.equal(e.message, 'Request has expired'));
  // so is a negative one (signed as such)
  const negative = await presign({ path: '/b/k', date: NOW, expiresIn: -7 });
  assert.match(negative.rawUrl, /X-Amz-Expires=-7/);
  await rejects(authenticate(negative, lookup, OPTS), 'AccessDenied', (e) => assert.equal(e.status, 403));
  // a signed lifetime of exactly a week is fine
  const week = await presign({ path: '/b/k', date: NOW, expiresIn: 604800 });
  assert.ok(await authenticate(week, lookup, OPTS));
  // tampering with the path, a parameter, the expiry
  await rejects(authenticate({ ...input, rawUrl: input.rawUrl.replace('/b/k', '/b/j') }, lookup, OPTS), 'SignatureDoesNotMatch');
  await rejects(authenticate({ ...input, rawUrl: input.rawUrl.replace('X-Amz-Expires=60', 'X-Amz-Expires=600') }, lookup, OPTS), 'SignatureDoesNotMatch');
  await rejects(authenticate({ ...input, rawUrl: `${input.rawUrl}&versionId=2` }, lookup, OPTS), 'SignatureDoesNotMatch');
  await rejects(authenticate({ ...input, method: 'DELETE' }, lookup, OPTS), 'SignatureDoesNotMatch');
  // missing parameter
  await rejects(
    authenticate({ ...input, rawUrl: input.rawUrl.replace(/&?X-Amz-SignedHeaders=[^&]*/, '') }, lookup, OPTS),
    'AuthorizationQueryParametersError',
  );
  // wrong algorithm
  await rejects(
    authenticate({ ...input, rawUrl: input.rawUrl.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA1') }, lookup, OPTS),
    'AuthorizationQueryParametersError',
  );
  // region
  const eu = await presign({ path: '/b/k', date: NOW, region: 'eu-west-1' });
  await rejects(authenticate(eu, lookup, OPTS), 'AuthorizationQueryParametersError', (e) => assert.equal(e.details.Region, REGION));
  // unknown key
  const unknown = await presign({ path: '/b/k', date: NOW, accessKeyId: 'AKIDNOPE' });
  await rejects(authenticate(unknown, lookup, OPTS), 'InvalidAccessKeyId');
});

// ---------------------------------------------------------------------------
// Helpers

test('awsUriEncode', () => {
  assert.equal(awsUriEncode('a b/c~d_e-f.g', false), 'a%20b/c~d_e-f.g');
  assert.equal(awsUriEncode('a b/c', true), 'a%20b%2Fc');
  assert.equal(awsUriEncode("!*'()+=&$@,;:?#[]%", true), '%21%2A%27%28%29%2B%3D%26%24%40%2C%3B%3A%3F%23%5B%5D%25');
  assert.equal(awsUriEncode('ü文', true), '%C3%BC%E6%96%87');
  assert.equal(awsUriEncode('📦', true), '%F0%9F%93%A6');
  assert.equal(awsUriEncode('', true), '');
});

test('timingSafeEqualHex', () => {
  assert.equal(timingSafeEqualHex('abcdef', 'abcdef'), true);
  assert.equal(timingSafeEqualHex('abcdef', 'ABCDEF'), true);
  assert.equal(timingSafeEqualHex('abcdef', 'abcdee'), false);
  assert.equal(timingSafeEqualHex('abcdef', 'abcde'), false);
  assert.equal(timingSafeEqualHex('', ''), true);
});
