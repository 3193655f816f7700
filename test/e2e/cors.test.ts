/**
 * Bucket CORS, as a browser holding presigned URLs meets it, in both wirings:
 * PutBucketCors / GetBucketCors / DeleteBucketCors through @aws-sdk/client-s3,
 * preflights (OPTIONS, unsigned) through fetch with Origin headers, and the
 * Access-Control-* headers on actual requests — presigned GET and PUT, bucket
 * listings and error responses alike.
 */
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  S3Client,
  S3ServiceException,
  CreateBucketCommand,
  PutBucketCorsCommand,
  GetBucketCorsCommand,
  DeleteBucketCorsCommand,
  PutObjectCommand,
  GetObjectCommand,
  type CORSRule,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { startVaultx, wirings, itWithLogs, s3Client, bucketName, createUserWithKey, withLogs, type Vaultx } from './harness.ts';
import { raw } from './lib/raw.ts';
import { b64, md5Hex } from './lib/checksums.ts';

const VARY = 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method';

async function expectS3Error(p: Promise<unknown>, name: string, status: number): Promise<S3ServiceException> {
  try {
    await p;
  } catch (e) {
    const err = e as S3ServiceException;
    assert.equal(err.$metadata?.httpStatusCode, status, `status for ${name}: got ${err.$metadata?.httpStatusCode} (${err.name}: ${err.message})`);
    assert.equal(err.name, name, `error name: ${err.name} (${err.message})`);
    return err;
  }
  assert.fail(`expected ${name} (${status}), but the request succeeded`);
}

/** The S3 error code in an XML error body. */
const codeIn = (text: string) => /<Code>([^<]*)<\/Code>/.exec(text)?.[1];

const corsXml = (rules: string) => `<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${rules}</CORSConfiguration>`;

for (const wiring of wirings()) {
  describe(`bucket CORS (${wiring})`, () => {
    let v: Vaultx;
    let s3: S3Client;
    const test = itWithLogs(() => v);

    before(withLogs(() => v, async () => {
      v = await startVaultx({ wiring });
      s3 = s3Client(v);
    }));
    after(async () => {
      s3?.destroy();
      await v?.dispose();
    });

    async function newBucket(prefix: string, rules?: CORSRule[]): Promise<string> {
      const b = bucketName(prefix);
      await s3.send(new CreateBucketCommand({ Bucket: b }));
      if (rules) await s3.send(new PutBucketCorsCommand({ Bucket: b, CORSConfiguration: { CORSRules: rules } }));
      return b;
    }

    /** A client as AWS documents it for presigned uploads (no request checksum in the URL). */
    function presignClient(): S3Client {
      return new S3Client({
        endpoint: v.endpoint,
        region: v.region,
        credentials: { accessKeyId: v.accessKeyId, secretAccessKey: v.secretAccessKey },
        forcePathStyle: true,
        requestChecksumCalculation: 'WHEN_REQUIRED',
      });
    }

    function preflight(path: string, headers: Record<string, string>): Promise<Response> {
      return fetch(`${v.endpoint}${path}`, { method: 'OPTIONS', headers });
    }

    test('PutBucketCors, GetBucketCors, DeleteBucketCors: round trip; no configuration is 404 NoSuchCORSConfiguration; delete is 204', async () => {
      const bucket = await newBucket('cors-crud');
      const none = await expectS3Error(s3.send(new GetBucketCorsCommand({ Bucket: bucket })), 'NoSuchCORSConfiguration', 404);
      assert.match(none.message, /CORS configuration does not exist/);

      const rules: CORSRule[] = [
        {
          ID: 'uploads',
          AllowedOrigins: ['http://app.example', 'https://*.app.example'],
          AllowedMethods: ['PUT', 'POST', 'DELETE'],
          AllowedHeaders: ['Content-Type', 'x-amz-*'],
          ExposeHeaders: ['ETag', 'x-amz-request-id'],
          MaxAgeSeconds: 3000,
        },
        { AllowedOrigins: ['*'], AllowedMethods: ['GET', 'HEAD'] },
      ];
      await s3.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: rules } }));
      const got = await s3.send(new GetBucketCorsCommand({ Bucket: bucket }));
      assert.deepEqual(got.CORSRules, rules);

      // a second PutBucketCors replaces the whole configuration
      await s3.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['origin1', 'origin2'], AllowedMethods: ['GET', 'PUT'] }] } }));
      const replaced = await s3.send(new GetBucketCorsCommand({ Bucket: bucket }));
      assert.deepEqual(replaced.CORSRules, [{ AllowedOrigins: ['origin1', 'origin2'], AllowedMethods: ['GET', 'PUT'] }]);

      const del = await s3.send(new DeleteBucketCorsCommand({ Bucket: bucket }));
      assert.equal(del.$metadata.httpStatusCode, 204);
      await expectS3Error(s3.send(new GetBucketCorsCommand({ Bucket: bucket })), 'NoSuchCORSConfiguration', 404);
      // deleting what is not there is still 204, as on S3
      assert.equal((await s3.send(new DeleteBucketCorsCommand({ Bucket: bucket }))).$metadata.httpStatusCode, 204);
    });

    test('PutBucketCors refuses what S3 refuses: bad method, two wildcards, 101 rules (InvalidRequest), bad XML (MalformedXML), wrong Content-MD5 (BadDigest)', async () => {
      const bucket = await newBucket('cors-bad');
      const put = (rules: CORSRule[]) => s3.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: rules } }));
      const m = await expectS3Error(put([{ AllowedOrigins: ['*'], AllowedMethods: ['PATCH'] }]), 'InvalidRequest', 400);
      assert.match(m.message, /unsupported HTTP method.*PATCH/);
      await expectS3Error(put([{ AllowedOrigins: ['http://*.*.example'], AllowedMethods: ['GET'] }]), 'InvalidRequest', 400);
      await expectS3Error(put([{ AllowedOrigins: ['*'], AllowedMethods: ['GET'], AllowedHeaders: ['x-*-*'] }]), 'InvalidRequest', 400);
      const many = Array.from({ length: 101 }, (): CORSRule => ({ AllowedOrigins: ['*'], AllowedMethods: ['GET'] }));
      await expectS3Error(put(many), 'InvalidRequest', 400);
      await put(many.slice(0, 100));
      assert.equal((await s3.send(new GetBucketCorsCommand({ Bucket: bucket }))).CORSRules?.length, 100);

      const target = { endpoint: v.endpoint, region: v.region, accessKeyId: v.accessKeyId, secretAccessKey: v.secretAccessKey };
      for (const body of ['<CORSConfiguration><CORSRule>', corsXml(''), corsXml('<CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule>')]) {
        const r = await raw(target, { method: 'PUT', bucket, query: [['cors', '']], body });
        assert.equal(r.status, 400, body);
        assert.equal(r.error?.Code, 'MalformedXML', body);
      }
      const good = corsXml('<CORSRule><AllowedOrigin>http://md5.example</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>');
      const wrongMd5 = await raw(target, { method: 'PUT', bucket, query: [['cors', '']], body: good, headers: { 'content-md5': b64.md5(Buffer.from('other')) } });
      assert.equal(wrongMd5.status, 400);
      assert.equal(wrongMd5.error?.Code, 'BadDigest');
      // nothing above replaced the 100 rules
      assert.equal((await s3.send(new GetBucketCorsCommand({ Bucket: bucket }))).CORSRules?.length, 100);
      const rightMd5 = await raw(target, { method: 'PUT', bucket, query: [['cors', '']], body: good, headers: { 'content-md5': b64.md5(Buffer.from(good)) } });
      assert.equal(rightMd5.status, 200, rightMd5.text);
      assert.deepEqual((await s3.send(new GetBucketCorsCommand({ Bucket: bucket }))).CORSRules, [{ AllowedOrigins: ['http://md5.example'], AllowedMethods: ['GET'] }]);
    });

    test('only the bucket owner may put, get or delete the CORS configuration; a missing bucket is NoSuchBucket', async () => {
      const bucket = await newBucket('cors-owner', [{ AllowedOrigins: ['*'], AllowedMethods: ['GET'] }]);
      const { creds } = await createUserWithKey(v, `cors-bob-${wiring}`);
      const bob = s3Client(v, creds);
      try {
        await expectS3Error(bob.send(new GetBucketCorsCommand({ Bucket: bucket })), 'AccessDenied', 403);
        await expectS3Error(bob.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['*'], AllowedMethods: ['PUT'] }] } })), 'AccessDenied', 403);
        await expectS3Error(bob.send(new DeleteBucketCorsCommand({ Bucket: bucket })), 'AccessDenied', 403);
      } finally {
        bob.destroy();
      }
      assert.deepEqual((await s3.send(new GetBucketCorsCommand({ Bucket: bucket }))).CORSRules, [{ AllowedOrigins: ['*'], AllowedMethods: ['GET'] }]);
      await expectS3Error(s3.send(new GetBucketCorsCommand({ Bucket: bucketName('cors-none') })), 'NoSuchBucket', 404);
    });

    test('preflight: the first rule matching origin (one wildcard) and method answers 200; anything else 403 AccessForbidden', async () => {
      const bucket = await newBucket('cors-origin', [
        { AllowedMethods: ['GET'], AllowedOrigins: ['*suffix'] },
        { AllowedMethods: ['GET'], AllowedOrigins: ['start*end'] },
        { AllowedMethods: ['GET'], AllowedOrigins: ['prefix*'] },
        { AllowedMethods: ['PUT'], AllowedOrigins: ['*.put'] },
      ]);
      const cases: Array<[origin: string, method: string, allowed: boolean]> = [
        ['foo.suffix', 'GET', true],
        ['foo.bar', 'GET', false],
        ['foo.suffix.get', 'GET', false],
        ['startend', 'GET', true],
        ['start1end', 'GET', true],
        ['start12end', 'GET', true],
        ['0start12end', 'GET', false],
        ['prefix', 'GET', true],
        ['prefix.suffix', 'GET', true],
        ['bla.prefix', 'GET', false],
        ['foo.put', 'GET', false],
        ['foo.put', 'PUT', true],
        ['foo.suffix', 'PUT', false],
        ['foo.suffix', 'DELETE', false],
      ];
      for (const path of [`/${bucket}`, `/${bucket}/bar`]) {
        for (const [origin, method, allowed] of cases) {
          const r = await preflight(path, { Origin: origin, 'Access-Control-Request-Method': method });
          const text = await r.text();
          const what = `${path} ${origin} ${method}`;
          if (allowed) {
            assert.equal(r.status, 200, `${what}: ${text}`);
            assert.equal(r.headers.get('access-control-allow-origin'), origin, what);
            assert.equal(r.headers.get('access-control-allow-methods'), method, what);
            assert.equal(r.headers.get('access-control-allow-credentials'), 'true', what);
            assert.equal(r.headers.get('vary'), VARY, what);
            assert.equal(text, '');
          } else {
            assert.equal(r.status, 403, `${what}: ${text}`);
            assert.equal(codeIn(text), 'AccessForbidden', what);
            assert.match(text, /CORSResponse: This CORS request is not allowed/);
            assert.equal(r.headers.get('access-control-allow-origin'), null, what);
            assert.equal(r.headers.get('access-control-allow-methods'), null, what);
          }
        }
      }
    });

    test('preflight: Access-Control-Request-Headers must all be allowed; they come back lowercased with Max-Age and Expose-Headers', async () => {
      const bucket = await newBucket('cors-hdr', [
        { AllowedMethods: ['GET'], AllowedOrigins: ['*'], ExposeHeaders: ['x-amz-meta-header1'] },
        {
          AllowedMethods: ['PUT', 'POST'],
          AllowedOrigins: ['https://app.example'],
          AllowedHeaders: ['x-amz-meta-*', 'Content-Type'],
          ExposeHeaders: ['ETag', 'x-amz-version-id'],
          MaxAgeSeconds: 600,
        },
      ]);
      const obj = `/${bucket}/bar`;
      // a rule without AllowedHeader allows no requested header
      let r = await preflight(obj, { Origin: 'example.origin', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'x-amz-meta-header2' });
      assert.equal(r.status, 403);
      assert.equal(codeIn(await r.text()), 'AccessForbidden');
      r = await preflight(obj, { Origin: 'example.origin', 'Access-Control-Request-Method': 'GET' });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('access-control-allow-origin'), '*');
      assert.equal(r.headers.get('access-control-allow-credentials'), null);
      assert.equal(r.headers.get('access-control-expose-headers'), 'x-amz-meta-header1');
      assert.equal(r.headers.get('access-control-max-age'), null);
      assert.equal(r.headers.get('access-control-allow-headers'), null);
      await r.arrayBuffer();

      r = await preflight(obj, { Origin: 'https://app.example', 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'X-Amz-Meta-Owner, content-type' });
      assert.equal(r.status, 200, await r.clone().text());
      assert.equal(r.headers.get('access-control-allow-origin'), 'https://app.example');
      assert.equal(r.headers.get('access-control-allow-methods'), 'PUT, POST');
      assert.equal(r.headers.get('access-control-allow-headers'), 'x-amz-meta-owner, content-type');
      assert.equal(r.headers.get('access-control-expose-headers'), 'ETag, x-amz-version-id');
      assert.equal(r.headers.get('access-control-max-age'), '600');
      assert.equal(r.headers.get('vary'), VARY);
      await r.arrayBuffer();

      // one header outside the rule's AllowedHeader spoils the match
      r = await preflight(obj, { Origin: 'https://app.example', 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'x-amz-meta-owner, authorization' });
      assert.equal(r.status, 403);
      await r.arrayBuffer();
    });

    test('preflight errors: no Origin or no/invalid Access-Control-Request-Method 400; missing bucket 404; no CORS configuration 403', async () => {
      const bare = await newBucket('cors-bare');
      const withCors = await newBucket('cors-err', [{ AllowedMethods: ['GET'], AllowedOrigins: ['*'] }]);
      const check = async (path: string, headers: Record<string, string>, status: number, code: string, message?: RegExp) => {
        const r = await preflight(path, headers);
        const text = await r.text();
        assert.equal(r.status, status, `${path} ${JSON.stringify(headers)}: ${text}`);
        assert.equal(codeIn(text), code);
        if (message) assert.match(text, message);
        assert.equal(r.headers.get('access-control-allow-origin'), null);
      };
      await check(`/${withCors}/k`, {}, 400, 'BadRequest', /Origin request header needed/);
      await check(`/${withCors}/k`, { 'Access-Control-Request-Method': 'GET' }, 400, 'BadRequest');
      await check(`/${withCors}/k`, { Origin: 'http://a' }, 400, 'BadRequest', /Invalid Access-Control-Request-Method/);
      await check(`/${withCors}/k`, { Origin: 'http://a', 'Access-Control-Request-Method': 'PATCH' }, 400, 'BadRequest');
      await check(`/${bucketName('cors-missing')}/k`, { Origin: 'http://a', 'Access-Control-Request-Method': 'GET' }, 404, 'NoSuchBucket');
      await check(`/${bare}/k`, { Origin: 'http://a', 'Access-Control-Request-Method': 'GET' }, 403, 'AccessForbidden', /CORSResponse/);
      // removing the configuration makes the bucket refuse preflights again
      await s3.send(new DeleteBucketCorsCommand({ Bucket: withCors }));
      await check(`/${withCors}/k`, { Origin: 'http://a', 'Access-Control-Request-Method': 'GET' }, 403, 'AccessForbidden');
    });

    test('preflight on presigned GET and PUT URLs: 400 without Origin, 200 once a rule allows it', async () => {
      const bucket = await newBucket('cors-pre-opt');
      const noCk = presignClient();
      for (const [method, cmd] of [
        ['GET', new GetObjectCommand({ Bucket: bucket, Key: 'foo' })],
        ['PUT', new PutObjectCommand({ Bucket: bucket, Key: 'foo' })],
      ] as const) {
        const url = await getSignedUrl(noCk, cmd, { expiresIn: 600 });
        let r = await fetch(url, { method: 'OPTIONS' });
        assert.equal(r.status, 400, method);
        await r.arrayBuffer();
        r = await fetch(url, { method: 'OPTIONS', headers: { Origin: 'example', 'Access-Control-Request-Method': method } });
        assert.equal(r.status, 403, method);
        await r.arrayBuffer();
        await s3.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: [{ AllowedMethods: [method], AllowedOrigins: ['example'] }] } }));
        r = await fetch(url, { method: 'OPTIONS', headers: { Origin: 'example', 'Access-Control-Request-Method': method } });
        assert.equal(r.status, 200, method);
        assert.equal(r.headers.get('access-control-allow-origin'), 'example');
        assert.equal(r.headers.get('access-control-allow-methods'), method);
        await r.arrayBuffer();
        await s3.send(new DeleteBucketCorsCommand({ Bucket: bucket }));
      }
      noCk.destroy();
    });

    test('actual requests: a presigned GET and PUT with a matching Origin get the CORS headers; no Origin or another origin gets none', async () => {
      const bucket = await newBucket('cors-actual', [
        { AllowedMethods: ['GET', 'HEAD'], AllowedOrigins: ['*'], ExposeHeaders: ['ETag', 'Content-Length'] },
        { AllowedMethods: ['PUT'], AllowedOrigins: ['https://upload.example'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 120 },
      ]);
      const noCk = presignClient();
      try {
        const putUrl = await getSignedUrl(noCk, new PutObjectCommand({ Bucket: bucket, Key: 'photo.jpg' }), { expiresIn: 600 });
        const put = await fetch(putUrl, { method: 'PUT', body: 'jpeg bytes', headers: { Origin: 'https://upload.example' } });
        assert.equal(put.status, 200, await put.clone().text());
        assert.equal(put.headers.get('access-control-allow-origin'), 'https://upload.example');
        assert.equal(put.headers.get('access-control-allow-methods'), 'PUT');
        assert.equal(put.headers.get('access-control-allow-credentials'), 'true');
        assert.equal(put.headers.get('access-control-expose-headers'), 'ETag');
        assert.equal(put.headers.get('access-control-max-age'), '120');
        assert.equal(put.headers.get('vary'), VARY);
        assert.equal(put.headers.get('etag'), `"${md5Hex('jpeg bytes')}"`);

        // an origin no PUT rule names: the upload itself works, without CORS headers (the browser then hides the answer)
        const other = await fetch(putUrl, { method: 'PUT', body: 'jpeg bytes', headers: { Origin: 'https://evil.example' } });
        assert.equal(other.status, 200);
        assert.equal(other.headers.get('access-control-allow-origin'), null);
        assert.equal(other.headers.get('vary'), null);

        const getUrl = await getSignedUrl(noCk, new GetObjectCommand({ Bucket: bucket, Key: 'photo.jpg' }), { expiresIn: 600 });
        const get = await fetch(getUrl, { headers: { Origin: 'https://anyone.example' } });
        assert.equal(get.status, 200);
        assert.equal(await get.text(), 'jpeg bytes');
        assert.equal(get.headers.get('access-control-allow-origin'), '*');
        assert.equal(get.headers.get('access-control-allow-methods'), 'GET, HEAD');
        assert.equal(get.headers.get('access-control-expose-headers'), 'ETag, Content-Length');
        assert.equal(get.headers.get('access-control-allow-credentials'), null);
        assert.equal(get.headers.get('vary'), VARY);

        const plain = await fetch(getUrl);
        assert.equal(plain.status, 200);
        assert.equal(plain.headers.get('access-control-allow-origin'), null);
        await plain.arrayBuffer();

        // a signed (header-auth) listing of the bucket from a page's origin
        const target = { endpoint: v.endpoint, region: v.region, accessKeyId: v.accessKeyId, secretAccessKey: v.secretAccessKey };
        const list = await raw(target, { method: 'GET', bucket, headers: { origin: 'http://example.origin' } });
        assert.equal(list.status, 200);
        assert.equal(list.headers['access-control-allow-origin'], '*');
        assert.equal(list.headers['access-control-allow-methods'], 'GET, HEAD');
        // DELETE is in no rule
        const del = await raw(target, { method: 'DELETE', bucket, key: 'photo.jpg', headers: { origin: 'https://upload.example' } });
        assert.equal(del.status, 204);
        assert.equal(del.headers['access-control-allow-origin'], undefined);
      } finally {
        noCk.destroy();
      }
    });

    test('error responses carry the CORS headers too: missing key, bad signature, expired URL, anonymous request', async () => {
      const bucket = await newBucket('cors-errs', [{ AllowedMethods: ['GET', 'PUT'], AllowedOrigins: ['http://www.example1.com'], ExposeHeaders: ['x-amz-request-id'] }]);
      const origin = { Origin: 'http://www.example1.com' };
      const expectCors = (r: Response, what: string) => {
        assert.equal(r.headers.get('access-control-allow-origin'), 'http://www.example1.com', what);
        assert.equal(r.headers.get('access-control-allow-methods'), 'GET, PUT', what);
        assert.equal(r.headers.get('access-control-expose-headers'), 'x-amz-request-id', what);
        assert.equal(r.headers.get('vary'), VARY, what);
      };
      const missing = await fetch(await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: 'nope' }), { expiresIn: 600 }), { headers: origin });
      assert.equal(missing.status, 404);
      assert.equal(codeIn(await missing.text()), 'NoSuchKey');
      expectCors(missing, 'NoSuchKey');

      const good = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: 'nope' }), { expiresIn: 600 });
      const tampered = good.replace(/X-Amz-Signature=([0-9a-f])/, (_m, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`);
      const bad = await fetch(tampered, { headers: origin });
      assert.equal(bad.status, 403);
      assert.equal(codeIn(await bad.text()), 'SignatureDoesNotMatch');
      expectCors(bad, 'SignatureDoesNotMatch');

      const target = { endpoint: v.endpoint, region: v.region, accessKeyId: v.accessKeyId, secretAccessKey: v.secretAccessKey };
      const expired = await raw(target, { method: 'GET', bucket, key: 'nope', auth: 'presign', expiresSeconds: 1, date: new Date(Date.now() - 3600_000), headers: { origin: origin.Origin } });
      assert.equal(expired.status, 403);
      assert.equal(expired.headers['access-control-allow-origin'], 'http://www.example1.com');

      const anon = await fetch(`${v.endpoint}/${bucket}/k`, { method: 'PUT', body: 'x', headers: origin });
      assert.equal(anon.status, 403);
      assert.equal(codeIn(await anon.text()), 'AccessDenied');
      expectCors(anon, 'anonymous PUT');

      // an origin the rules do not name gets no CORS headers on errors either
      const stranger = await fetch(`${v.endpoint}/${bucket}/k`, { headers: { Origin: 'http://not.exists' } });
      assert.equal(stranger.status, 403);
      assert.equal(stranger.headers.get('access-control-allow-origin'), null);
      await stranger.arrayBuffer();
    });
  });
}
