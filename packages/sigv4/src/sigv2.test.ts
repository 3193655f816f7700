import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { authenticate, type AuthInput } from './index.ts';
import { AK, CREDS, lookup, rejects, SK } from './test-util.ts';

const OPTS = { region: 'us-east-1' };
const at = (s: string): Date => new Date(Date.parse(s) + 5000);

/** Documented algorithm, written out independently of sigv2.ts. */
function sign(stringToSign: string, secret = SK): string {
  return createHmac('sha1', secret).update(stringToSign, 'utf8').digest('base64');
}

// ---------------------------------------------------------------------------
// The examples of the S3 developer guide, "Signing and authenticating REST requests" (SigV2)

const DOC: { name: string; input: AuthInput; sig: string }[] = [
  {
    name: 'Object GET (virtual-hosted)',
    sig: 'bWq2s1WEIj+Ydj0vQ697zp+IXMU=',
    input: {
      method: 'GET',
      rawUrl: '/photos/puppy.jpg',
      headers: { host: 'johnsmith.s3.amazonaws.com', date: 'Tue, 27 Mar 2007 19:36:42 +0000' },
    },
  },
  {
    name: 'Object PUT',
    sig: 'MyyxeRY7whkBe+bq8fHCL/2kKUg=',
    input: {
      method: 'PUT',
      rawUrl: '/photos/puppy.jpg',
      headers: {
        host: 'johnsmith.s3.amazonaws.com',
        'content-type': 'image/jpeg',
        'content-length': '94328',
        date: 'Tue, 27 Mar 2007 21:15:45 +0000',
      },
    },
  },
  {
    name: 'List',
    sig: 'htDYFYduRNen8P9ZfE/s9SuKy0U=',
    input: {
      method: 'GET',
      rawUrl: '/?prefix=photos&max-keys=50&marker=puppy',
      headers: { host: 'johnsmith.s3.amazonaws.com', 'user-agent': 'Mozilla/5.0', date: 'Tue, 27 Mar 2007 19:42:41 +0000' },
    },
  },
  {
    name: 'Fetch ?acl',
    sig: 'c2WLPFtWHVgbEmeEG93a4cG37dM=',
    input: { method: 'GET', rawUrl: '/?acl', headers: { host: 'johnsmith.s3.amazonaws.com', date: 'Tue, 27 Mar 2007 19:44:46 +0000' } },
  },
  {
    name: 'Delete (path style, x-amz-date)',
    sig: 'lx3byBScXR6KzyMaifNkardMwNk=',
    input: {
      method: 'DELETE',
      rawUrl: '/johnsmith/photos/puppy.jpg',
      headers: {
        host: 's3.amazonaws.com',
        'user-agent': 'dotnet',
        date: 'Tue, 27 Mar 2007 21:20:27 +0000',
        'x-amz-date': 'Tue, 27 Mar 2007 21:20:26 +0000',
      },
    },
  },
  {
    name: 'Upload (CNAME bucket, amz headers, repeated header)',
    sig: 'ilyl83RwaSoYIEdixDQcA4OnAnc=',
    input: {
      method: 'PUT',
      rawUrl: '/db-backup.dat.gz',
      headers: {
        host: 'static.johnsmith.net:8080',
        'user-agent': 'curl/7.15.5',
        date: 'Tue, 27 Mar 2007 21:06:08 +0000',
        'x-amz-acl': 'public-read',
        'content-type': 'application/x-download',
        'content-md5': '4gJE4saaMU4BqNR0kLY+lw==',
        'x-amz-meta-reviewedby': ['joe@johnsmith.net', 'jane@johnsmith.net'],
        'x-amz-meta-filechecksum': '0x02661779',
        'x-amz-meta-checksumalgorithm': 'crc32',
        'content-disposition': 'attachment; filename=database.dat',
        'content-encoding': 'gzip',
        'content-length': '5913339',
      },
    },
  },
  {
    name: 'List all my buckets',
    sig: 'qGdzdERIC03wnaRNKh6OqZehG9s=',
    input: { method: 'GET', rawUrl: '/', headers: { host: 's3.amazonaws.com', date: 'Wed, 28 Mar 2007 01:29:59 +0000' } },
  },
  {
    name: 'Unicode keys (mixed-case escapes signed as sent)',
    sig: 'DNEZGsoieTZ92F3bUfSPQcbGmlM=',
    input: {
      method: 'GET',
      rawUrl: '/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re',
      headers: { host: 's3.amazonaws.com', date: 'Wed, 28 Mar 2007 01:49:49 +0000' },
    },
  },
];

test('SigV2 header: the S3 developer guide examples verify', async () => {
  for (const ex of DOC) {
    const date = String(ex.input.headers['x-amz-date'] ?? ex.input.headers.date);
    const input = { ...ex.input, headers: { ...ex.input.headers, authorization: `AWS ${AK}:${ex.sig}` }, now: at(date) };
    const r = await authenticate(input, lookup, OPTS);
    assert.ok(r, ex.name);
    assert.equal(r.signatureVersion, 2);
    assert.equal(r.presigned, false);
    assert.deepEqual(r.payload, { kind: 'unsigned' });
    assert.deepEqual(r.credentials, CREDS);
    // and a wrong signature does not
    const bad = { ...input, headers: { ...input.headers, authorization: `AWS ${AK}:${ex.sig.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}` } };
    await rejects(authenticate(bad, lookup, OPTS), 'SignatureDoesNotMatch', (e) => assert.equal(e.details.AWSAccessKeyId, AK));
  }
});

test('SigV2 query: the S3 developer guide example verifies, then expires', async () => {
  const input: AuthInput = {
    method: 'GET',
    rawUrl: '/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1175139620&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D',
    headers: { host: 'johnsmith.s3.amazonaws.com' },
    now: new Date(1175139620 * 1000 - 60_000),
  };
  const r = await authenticate(input, lookup, OPTS);
  assert.equal(r?.signatureVersion, 2);
  assert.equal(r?.presigned, true);
  await rejects(authenticate({ ...input, now: new Date(1175139621 * 1000) }, lookup, OPTS), 'AccessDenied', (e) => {
    assert.equal(e.message, 'Request has expired');
    assert.equal(e.details.Expires, '2007-03-29T03:40:20Z');
    assert.equal(e.details.ServerTime, '2007-03-29T03:40:21Z');
  });
  // the '+' of the base64 signature left unencoded still works
  assert.ok(await authenticate({ ...input, rawUrl: input.rawUrl.replace('%2B', '+') }, lookup, OPTS));
});

// ---------------------------------------------------------------------------
// Own requests signed by the documented algorithm

const NOW = new Date('2024-03-01T12:00:00Z');
const HTTP_NOW = NOW.toUTCString();

test('SigV2 header: path style, sub-resources, amz headers, tampering', async () => {
  const sts =
    'PUT\n' +
    '1B2M2Y8AsgTpgAmY7PhCfg==\n' +
    'text/plain\n' +
    `${HTTP_NOW}\n` +
    'x-amz-meta-a:one,two\n' +
    'x-amz-meta-b:b\n' +
    '/bucket/my%20key.txt?partNumber=2&uploadId=abc%2Fdef';
  const input: AuthInput = {
    method: 'PUT',
    rawUrl: '/bucket/my%20key.txt?uploadId=abc%2Fdef&partNumber=2&x-id=UploadPart',
    headers: {
      host: '127.0.0.1:9000',
      date: HTTP_NOW,
      'content-md5': '1B2M2Y8AsgTpgAmY7PhCfg==',
      'content-type': 'text/plain',
      'x-amz-meta-b': ' b ',
      'x-amz-meta-a': ['one', 'two'],
      authorization: `AWS ${AK}:${sign(sts)}`,
    },
    now: NOW,
  };
  const r = await authenticate(input, lookup, OPTS);
  assert.equal(r?.signatureVersion, 2);
  for (const bad of [
    { ...input, method: 'POST' },
    { ...input, rawUrl: input.rawUrl.replace('partNumber=2', 'partNumber=3') },
    { ...input, rawUrl: input.rawUrl.replace('my%20key', 'my%20kez') },
    { ...input, headers: { ...input.headers, 'content-type': 'text/html' } },
    { ...input, headers: { ...input.headers, 'x-amz-meta-b': 'c' } },
    { ...input, headers: { ...input.headers, 'x-amz-meta-new': 'added' } },
  ]) {
    await rejects(authenticate(bad, lookup, OPTS), 'SignatureDoesNotMatch');
  }
  // decoded sub-resource values (botocore style) are accepted too
  const boto = sts.replace('uploadId=abc%2Fdef', 'uploadId=abc/def');
  assert.ok(await authenticate({ ...input, headers: { ...input.headers, authorization: `AWS ${AK}:${sign(boto)}` } }, lookup, OPTS));
});

test('SigV2 header: x-amz-date with a blank Date line (aws-sdk-js v2 style)', async () => {
  const sts = `GET\n\n\n\nx-amz-date:${HTTP_NOW}\n/bucket/key`;
  const input: AuthInput = {
    method: 'GET',
    rawUrl: '/bucket/key',
    headers: { host: 'localhost:9000', 'x-amz-date': HTTP_NOW, authorization: `AWS ${AK}:${sign(sts)}` },
    now: NOW,
  };
  assert.ok(await authenticate(input, lookup, OPTS));
});

test('SigV2 header: unknown key, skew, missing date, malformed', async () => {
  const sts = `GET\n\n\n${HTTP_NOW}\n/bucket/key`;
  const base: AuthInput = {
    method: 'GET',
    rawUrl: '/bucket/key',
    headers: { host: 'localhost', date: HTTP_NOW, authorization: `AWS ${AK}:${sign(sts)}` },
    now: NOW,
  };
  assert.ok(await authenticate(base, lookup, OPTS));
  await rejects(authenticate({ ...base, headers: { ...base.headers, authorization: `AWS NOPE:${sign(sts)}` } }, lookup, OPTS), 'InvalidAccessKeyId');
  await rejects(authenticate({ ...base, now: new Date(NOW.getTime() + 20 * 60_000) }, lookup, OPTS), 'RequestTimeTooSkewed', (e) => {
    assert.equal(e.details.ServerTime, '2024-03-01T12:20:00Z');
    assert.equal(e.details.MaxAllowedSkewMilliseconds, 900000);
  });
  const { date: _d, ...noDate } = base.headers;
  await rejects(authenticate({ ...base, headers: noDate }, lookup, OPTS), 'AccessDenied');
  await rejects(authenticate({ ...base, headers: { ...base.headers, authorization: 'AWS nocolon' } }, lookup, OPTS), 'InvalidArgument');
  const wrongSecret = async () => ({ ...CREDS, secretAccessKey: 'other' });
  await rejects(authenticate(base, wrongSecret, OPTS), 'SignatureDoesNotMatch');
});

test('SigV2 header: x-amz-date wins over Date — empty, garbage or pre-epoch → AccessDenied; far future → skewed', async () => {
  // botocore's SigV2 signer always sends Date and signs it; x-amz-date is then one of the amz headers.
  const withAmzDate = (amzDate: string): AuthInput => {
    const sts = `PUT\n\n\n${HTTP_NOW}\nx-amz-date:${amzDate}\n/bucket`;
    return {
      method: 'PUT',
      rawUrl: '/bucket',
      headers: { host: 'localhost', date: HTTP_NOW, 'x-amz-date': amzDate, authorization: `AWS ${AK}:${sign(sts)}` },
      now: NOW,
    };
  };
  assert.ok(await authenticate(withAmzDate(HTTP_NOW), lookup, OPTS));
  for (const bad of ['', 'Bad Date', 'Tue, 07 Jul 1950 21:53:04 GMT']) {
    await rejects(authenticate(withAmzDate(bad), lookup, OPTS), 'AccessDenied', (e) => assert.equal(e.status, 403));
  }
  for (const skewed of ['Tue, 07 Jul 2010 21:53:04 GMT', 'Tue, 07 Jul 2030 21:53:04 GMT', 'Tue, 07 Jul 9999 21:53:04 GMT']) {
    await rejects(authenticate(withAmzDate(skewed), lookup, OPTS), 'RequestTimeTooSkewed');
  }
  const garbage = withAmzDate(HTTP_NOW);
  await rejects(authenticate({ ...garbage, headers: { ...garbage.headers, authorization: 'AWS HAHAHA' } }, lookup, OPTS), 'InvalidArgument', (e) =>
    assert.equal(e.status, 400),
  );
});

test('SigV2 query: own presigned URL with response overrides; tampering; expiry; missing params', async () => {
  const expires = String(Math.floor(NOW.getTime() / 1000) + 600);
  const disposition = 'attachment; filename="a b.txt"';
  const sts = `GET\n\n\n${expires}\n/bucket/key.txt?response-content-disposition=${disposition}&versionId=v1`;
  const sig = encodeURIComponent(sign(sts));
  const rawUrl =
    `/bucket/key.txt?versionId=v1&response-content-disposition=${encodeURIComponent(disposition)}` +
    `&AWSAccessKeyId=${AK}&Expires=${expires}&Signature=${sig}`;
  const input: AuthInput = { method: 'GET', rawUrl, headers: { host: 'localhost:9000' }, now: NOW };
  const r = await authenticate(input, lookup, OPTS);
  assert.equal(r?.presigned, true);
  assert.equal(r?.signatureVersion, 2);
  await rejects(authenticate({ ...input, rawUrl: rawUrl.replace('versionId=v1', 'versionId=v2') }, lookup, OPTS), 'SignatureDoesNotMatch');
  await rejects(authenticate({ ...input, rawUrl: rawUrl.replace(`Expires=${expires}`, `Expires=${Number(expires) + 1}`) }, lookup, OPTS), 'SignatureDoesNotMatch');
  await rejects(authenticate({ ...input, now: new Date(NOW.getTime() + 601_000) }, lookup, OPTS), 'AccessDenied', (e) =>
    assert.equal(e.message, 'Request has expired'),
  );
  await rejects(authenticate({ ...input, rawUrl: rawUrl.replace(/&Expires=\d+/, '') }, lookup, OPTS), 'AccessDenied');
  await rejects(authenticate({ ...input, rawUrl: rawUrl.replace(`Expires=${expires}`, 'Expires=soon') }, lookup, OPTS), 'AccessDenied');
  await rejects(authenticate({ ...input, rawUrl: rawUrl.replace(`AWSAccessKeyId=${AK}`, 'AWSAccessKeyId=NOPE') }, lookup, OPTS), 'InvalidAccessKeyId');
  // v2 query plus a v4 Authorization header
  await rejects(
    authenticate({ ...input, headers: { ...input.headers, authorization: `AWS ${AK}:x` } }, lookup, OPTS),
    'InvalidArgument',
  );
});

test('SigV2, virtual-hosted with a dotted bucket: the caller-supplied bucket enters the resource', async () => {
  const date = 'Tue, 27 Mar 2007 19:36:42 +0000';
  const sig = sign(`GET\n\n\n${date}\n/my.dotted.bucket/photos/puppy.jpg`);
  const input: AuthInput = {
    method: 'GET',
    rawUrl: '/photos/puppy.jpg',
    headers: { host: 'my.dotted.bucket.s3.example.com', date, authorization: `AWS ${AK}:${sig}` },
    now: at('2007-03-27T19:36:42Z'),
  };
  // guessing from Host alone ("my" or the whole name) cannot find it
  await rejects(authenticate(input, lookup, OPTS), 'SignatureDoesNotMatch');
  const ok = await authenticate({ ...input, virtualHostBucket: 'my.dotted.bucket' }, lookup, OPTS);
  assert.equal(ok?.credentials.accessKeyId, CREDS.accessKeyId);
});
