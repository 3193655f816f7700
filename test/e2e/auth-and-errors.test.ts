/**
 * Crafted requests (raw HTTP, signed by the tests' own SigV4 code) that a
 * well-behaved S3 must answer with the right error, in S3's XML, never a 5xx,
 * and keep serving afterwards. Also every aws-chunked mode, built by hand.
 */
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startVaultx, wirings, itWithLogs, bucketName, withLogs, type Vaultx } from './harness.ts';
import { raw, buildRequest, putChunked, STREAMING_SIGNED, STREAMING_SIGNED_TRAILER, STREAMING_UNSIGNED_TRAILER, type RawOptions, type RawResponse } from './lib/raw.ts';
import { UNSIGNED_PAYLOAD, sha256Hex } from './lib/sigv4.ts';
import { b64, md5Hex } from './lib/checksums.ts';

function expectError(r: RawResponse, status: number, code: string): void {
  assert.equal(r.status, status, `expected ${status} ${code}, got ${r.status}: ${r.text.slice(0, 500)}`);
  assert.match(r.headers['content-type'] ?? '', /^application\/xml/, `content-type: ${r.headers['content-type']}`);
  assert.equal(r.error?.Code, code, r.text.slice(0, 500));
  assert.ok(typeof r.error?.Message === 'string' && r.error.Message.length > 0, 'Message');
  assert.ok(r.headers['x-amz-request-id'], 'x-amz-request-id header');
}

for (const wiring of wirings()) {
  describe(`auth and errors (${wiring})`, () => {
    let v: Vaultx;
    const test = itWithLogs(() => v);
    const bucket = bucketName('err');
    const canary = Buffer.from('the server still serves');
    const seen: Array<{ what: string; status: number }> = [];

    /** raw() that records every status, to check that none was a 5xx */
    async function req(o: RawOptions): Promise<RawResponse> {
      const r = await raw(v, o);
      seen.push({ what: `${o.method} ${o.bucket ?? ''}/${o.key ?? ''} ${JSON.stringify(o.query ?? [])}`, status: r.status });
      return r;
    }
    async function stillServes(): Promise<void> {
      const r = await req({ method: 'GET', bucket, key: 'canary' });
      assert.equal(r.status, 200, `server stopped serving normally: ${r.status} ${r.text}`);
      assert.ok(r.body.equals(canary));
    }

    before(withLogs(() => v, async () => {
      v = await startVaultx({ wiring });
      const c = await raw(v, { method: 'PUT', bucket });
      assert.equal(c.status, 200, c.text);
      const p = await raw(v, { method: 'PUT', bucket, key: 'canary', body: canary });
      assert.equal(p.status, 200, p.text);
    }));
    after(async () => {
      await v?.dispose();
    });

    test('DeleteObjects with malformed XML → 400 MalformedXML', async () => {
      const bodies = [
        '<Delete><Object><Key>x</Key></Object>',
        'garbage, not xml at all',
        '<?xml version="1.0"?><Foo><Bar/></Foo>',
        '<Delete></Delete>',
        `<Delete>${Array.from({ length: 1001 }, (_, i) => `<Object><Key>k${i}</Key></Object>`).join('')}</Delete>`,
      ];
      for (const body of bodies) {
        const r = await req({ method: 'POST', bucket, query: [['delete', '']], body, headers: { 'content-md5': b64.md5(Buffer.from(body)), 'content-type': 'application/xml' } });
        expectError(r, 400, 'MalformedXML');
      }
      await stillServes();
    });

    test('XML with entity expansion is refused quickly, not expanded', async () => {
      const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"><!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]><Delete><Object><Key>&lol9;</Key></Object></Delete>`;
      const t0 = Date.now();
      const r = await req({ method: 'POST', bucket, query: [['delete', '']], body: lol, headers: { 'content-md5': b64.md5(Buffer.from(lol)) } });
      assert.ok(Date.now() - t0 < 5000, 'took too long');
      assert.equal(r.status, 400, r.text.slice(0, 300));
      assert.ok(r.error?.Code, r.text.slice(0, 300));
      assert.ok(!r.text.includes('lollollol'), 'entities were expanded');
      await stillServes();
    });

    test('CreateBucket with a garbage body → 400 MalformedXML, bucket not created', async () => {
      const b = bucketName('garbage');
      const r = await req({ method: 'PUT', bucket: b, body: 'this is <not> xml', headers: { 'content-type': 'application/xml' } });
      expectError(r, 400, 'MalformedXML');
      const h = await req({ method: 'HEAD', bucket: b });
      assert.equal(h.status, 404);
      await stillServes();
    });

    test('bad signature → 403 SignatureDoesNotMatch (GET and PUT; nothing stored)', async () => {
      expectError(await req({ method: 'GET', bucket, key: 'canary', tamperSignature: true }), 403, 'SignatureDoesNotMatch');
      expectError(await req({ method: 'PUT', bucket, key: 'badsig', body: 'x', tamperSignature: true }), 403, 'SignatureDoesNotMatch');
      expectError(await req({ method: 'GET', tamperSignature: true }), 403, 'SignatureDoesNotMatch');
      // right signature, wrong secret
      expectError(await req({ method: 'GET', bucket, key: 'canary', creds: { accessKeyId: v.accessKeyId, secretAccessKey: 'wrong-secret' } }), 403, 'SignatureDoesNotMatch');
      // a signed header changed after signing
      const built = buildRequest(v, { method: 'GET', bucket, key: 'canary', headers: { 'x-amz-meta-signed': 'a' } });
      const changed = await fetch(built.url, { headers: { ...built.headers, 'x-amz-meta-signed': 'b' } });
      const changedText = await changed.text();
      seen.push({ what: 'changed signed header', status: changed.status });
      assert.equal(changed.status, 403, changedText);
      assert.match(changedText, /<Code>SignatureDoesNotMatch<\/Code>/);
      const same = await fetch(built.url, { headers: built.headers });
      assert.equal(same.status, 200, await same.text());
      assert.equal((await req({ method: 'HEAD', bucket, key: 'badsig' })).status, 404);
      await stillServes();
    });

    test('unknown access key id → 403 InvalidAccessKeyId', async () => {
      const creds = { accessKeyId: 'AKIDDOESNOTEXIST0000', secretAccessKey: 'whatever' };
      expectError(await req({ method: 'GET', bucket, key: 'canary', creds }), 403, 'InvalidAccessKeyId');
      expectError(await req({ method: 'GET', creds }), 403, 'InvalidAccessKeyId');
      expectError(await req({ method: 'GET', bucket, key: 'canary', creds, auth: 'presign' }), 403, 'InvalidAccessKeyId');
      await stillServes();
    });

    test('anonymous requests → 403 AccessDenied', async () => {
      expectError(await req({ method: 'GET', bucket, key: 'canary', auth: 'none' }), 403, 'AccessDenied');
      expectError(await req({ method: 'GET', auth: 'none' }), 403, 'AccessDenied');
      expectError(await req({ method: 'PUT', bucket, key: 'anon', body: 'x', auth: 'none' }), 403, 'AccessDenied');
      expectError(await req({ method: 'GET', bucket, auth: 'none', query: [['list-type', '2']] }), 403, 'AccessDenied');
      assert.equal((await req({ method: 'HEAD', bucket, key: 'anon' })).status, 404);
      await stillServes();
    });

    test('malformed Authorization header and wrong region → 400 AuthorizationHeaderMalformed', async () => {
      const url = `${v.endpoint}/${bucket}/canary`;
      const res = await fetch(url, { headers: { authorization: 'AWS4-HMAC-SHA256 garbage', 'x-amz-date': '20200101T000000Z', 'x-amz-content-sha256': UNSIGNED_PAYLOAD } });
      const text = await res.text();
      seen.push({ what: 'garbled auth', status: res.status });
      assert.equal(res.status, 400, text);
      assert.match(text, /<Code>AuthorizationHeaderMalformed<\/Code>/);
      const wrongRegion = await raw({ ...v, region: 'eu-west-1' }, { method: 'GET', bucket, key: 'canary' });
      seen.push({ what: 'wrong region', status: wrongRegion.status });
      expectError(wrongRegion, 400, 'AuthorizationHeaderMalformed');
      await stillServes();
    });

    test('presigned URLs: valid works; expired → 403 AccessDenied; over 7 days → 400; tampered → 403', async () => {
      const okr = await req({ method: 'GET', bucket, key: 'canary', auth: 'presign', expiresSeconds: 60 });
      assert.equal(okr.status, 200, okr.text);
      assert.ok(okr.body.equals(canary));
      const week = await req({ method: 'GET', bucket, key: 'canary', auth: 'presign', expiresSeconds: 604800 });
      assert.equal(week.status, 200, week.text);
      const expired = await req({ method: 'GET', bucket, key: 'canary', auth: 'presign', expiresSeconds: 60, date: new Date(Date.now() - 10 * 60_000) });
      expectError(expired, 403, 'AccessDenied');
      assert.match(expired.error?.Message ?? '', /Request has expired/);
      const tooLong = await req({ method: 'GET', bucket, key: 'canary', auth: 'presign', expiresSeconds: 604801 });
      expectError(tooLong, 400, 'AuthorizationQueryParametersError');
      expectError(await req({ method: 'GET', bucket, key: 'canary', auth: 'presign', tamperSignature: true }), 403, 'SignatureDoesNotMatch');
      // presigned PUT, then the object is there
      const put = await req({ method: 'PUT', bucket, key: 'presigned-put', auth: 'presign', body: 'via query auth' });
      assert.equal(put.status, 200, put.text);
      const got = await req({ method: 'GET', bucket, key: 'presigned-put' });
      assert.equal(got.text, 'via query auth');
      await stillServes();
    });

    test('clock skew of 20 minutes → 403 RequestTimeTooSkewed with ServerTime; 10 minutes is fine', async () => {
      for (const offset of [-20 * 60_000, 20 * 60_000]) {
        const r = await req({ method: 'GET', bucket, key: 'canary', date: new Date(Date.now() + offset) });
        expectError(r, 403, 'RequestTimeTooSkewed');
        const st = Date.parse(String(r.error?.ServerTime ?? ''));
        assert.ok(!Number.isNaN(st) && Math.abs(st - Date.now()) < 60_000, `ServerTime: ${r.error?.ServerTime}`);
        assert.ok(r.error?.RequestTime, 'RequestTime');
      }
      const fine = await req({ method: 'GET', bucket, key: 'canary', date: new Date(Date.now() - 10 * 60_000) });
      assert.equal(fine.status, 200, fine.text);
      await stillServes();
    });

    test('user metadata over 2 KB → 400 MetadataTooLarge; just under is accepted', async () => {
      const big = await req({ method: 'PUT', bucket, key: 'meta-big', body: 'x', headers: { 'x-amz-meta-big': 'v'.repeat(2100) } });
      expectError(big, 400, 'MetadataTooLarge');
      const many: Record<string, string> = {};
      for (let i = 0; i < 3; i++) many[`x-amz-meta-part${i}`] = 'p'.repeat(800);
      expectError(await req({ method: 'PUT', bucket, key: 'meta-big', body: 'x', headers: many }), 400, 'MetadataTooLarge');
      assert.equal((await req({ method: 'HEAD', bucket, key: 'meta-big' })).status, 404);
      const fits = await req({ method: 'PUT', bucket, key: 'meta-ok', body: 'x', headers: { 'x-amz-meta-fits': 'v'.repeat(1500) } });
      assert.equal(fits.status, 200, fits.text);
      const h = await req({ method: 'HEAD', bucket, key: 'meta-ok' });
      assert.equal(h.headers['x-amz-meta-fits'], 'v'.repeat(1500));
      await stillServes();
    });

    test('a 1,025-byte key → 400 KeyTooLongError; 1,024 bytes works (also in multi-byte characters)', async () => {
      expectError(await req({ method: 'PUT', bucket, key: 'k'.repeat(1025), body: 'x' }), 400, 'KeyTooLongError');
      expectError(await req({ method: 'PUT', bucket, key: 'é'.repeat(513), body: 'x' }), 400, 'KeyTooLongError');
      for (const key of ['k'.repeat(1024), 'é'.repeat(512)]) {
        const p = await req({ method: 'PUT', bucket, key, body: 'long key' });
        assert.equal(p.status, 200, p.text);
        const g = await req({ method: 'GET', bucket, key });
        assert.equal(g.text, 'long key');
        const l = await req({ method: 'GET', bucket, query: [['list-type', '2'], ['prefix', key.slice(0, 10)]] });
        assert.match(l.text, new RegExp(`<Key>${key}</Key>`));
      }
      await stillServes();
    });

    test('ranges: bytes=-0 and past the end → 416 InvalidRange; malformed → 200 full body', async () => {
      const data = Buffer.from('0123456789');
      assert.equal((await req({ method: 'PUT', bucket, key: 'range', body: data })).status, 200);
      for (const range of ['bytes=-0', 'bytes=10-', 'bytes=100-200']) {
        expectError(await req({ method: 'GET', bucket, key: 'range', headers: { range } }), 416, 'InvalidRange');
      }
      for (const range of ['bytes=abc', 'bytes=5-2', 'items=0-1', 'bytes=']) {
        const r = await req({ method: 'GET', bucket, key: 'range', headers: { range } });
        assert.equal(r.status, 200, `${range}: ${r.status} ${r.text}`);
        assert.ok(r.body.equals(data), range);
        assert.equal(r.headers['content-range'], undefined, range);
      }
      const ok = await req({ method: 'GET', bucket, key: 'range', headers: { range: 'bytes=2-4' } });
      assert.equal(ok.status, 206);
      assert.equal(ok.text, '234');
      assert.equal(ok.headers['content-range'], 'bytes 2-4/10');
      assert.equal(ok.headers['accept-ranges'], 'bytes');
      await stillServes();
    });

    test('missing key → 404 NoSuchKey with <Key>; missing bucket → 404 NoSuchBucket', async () => {
      const r = await req({ method: 'GET', bucket, key: 'no/such key' });
      expectError(r, 404, 'NoSuchKey');
      assert.equal(r.error?.Key, 'no/such key');
      const h = await req({ method: 'HEAD', bucket, key: 'no/such key' });
      assert.equal(h.status, 404);
      assert.equal(h.body.length, 0);
      const nb = bucketName('nosuch');
      const b = await req({ method: 'GET', bucket: nb, key: 'k' });
      expectError(b, 404, 'NoSuchBucket');
      assert.equal(b.error?.BucketName, nb);
      expectError(await req({ method: 'GET', bucket: nb, query: [['list-type', '2']] }), 404, 'NoSuchBucket');
      expectError(await req({ method: 'DELETE', bucket: nb }), 404, 'NoSuchBucket');
      await stillServes();
    });

    test('unsupported subresources → 501 NotImplemented', async () => {
      // (GET ?website reads as S3 reads a bucket without one: NoSuchWebsiteConfiguration)
      expectError(await req({ method: 'GET', bucket, query: [['website', '']] }), 404, 'NoSuchWebsiteConfiguration');
      expectError(await req({ method: 'GET', bucket, query: [['analytics', ''], ['id', 'a']] }), 501, 'NotImplemented');
      const site = '<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument></WebsiteConfiguration>';
      expectError(await req({ method: 'PUT', bucket, query: [['website', '']], body: site, headers: { 'content-md5': b64.md5(Buffer.from(site)) } }), 501, 'NotImplemented');
      expectError(await req({ method: 'GET', bucket, key: 'canary', query: [['torrent', '']] }), 501, 'NotImplemented');
      await stillServes();
    });

    test('x-amz-content-sha256 that does not match the body → 400 XAmzContentSHA256Mismatch; UNSIGNED-PAYLOAD works', async () => {
      const r = await req({ method: 'PUT', bucket, key: 'sha-mismatch', body: 'actual body', payloadHash: sha256Hex('another body') });
      expectError(r, 400, 'XAmzContentSHA256Mismatch');
      assert.equal((await req({ method: 'HEAD', bucket, key: 'sha-mismatch' })).status, 404);
      const u = await req({ method: 'PUT', bucket, key: 'unsigned', body: 'unsigned body', payloadHash: UNSIGNED_PAYLOAD });
      assert.equal(u.status, 200, u.text);
      assert.equal((await req({ method: 'GET', bucket, key: 'unsigned' })).text, 'unsigned body');
      await stillServes();
    });

    describe('aws-chunked uploads', () => {
      const payload = randomBytes(200_000); // 3 full 64 KiB chunks + a partial one
      const record = (r: RawResponse, what: string) => {
        seen.push({ what, status: r.status });
        return r;
      };

      async function getBack(key: string) {
        return req({ method: 'GET', bucket, key, headers: { 'x-amz-checksum-mode': 'ENABLED' } });
      }

      test('STREAMING-AWS4-HMAC-SHA256-PAYLOAD: chunk signatures verified, framing not stored', async () => {
        const r = record(await putChunked(v, bucket, 'chunked/signed', payload, STREAMING_SIGNED), 'signed');
        assert.equal(r.status, 200, r.text);
        assert.equal(r.headers.etag, `"${md5Hex(payload)}"`);
        const g = await getBack('chunked/signed');
        assert.equal(g.headers['content-length'], String(payload.length));
        assert.ok(g.body.equals(payload), 'stored bytes differ from the payload');
        // small chunks (8 KiB) and an empty payload
        const small = record(await putChunked(v, bucket, 'chunked/signed-8k', payload.subarray(0, 50_000), STREAMING_SIGNED, { chunkSize: 8192 }), 'signed 8k');
        assert.equal(small.status, 200, small.text);
        assert.ok((await getBack('chunked/signed-8k')).body.equals(payload.subarray(0, 50_000)));
        const empty = record(await putChunked(v, bucket, 'chunked/signed-empty', Buffer.alloc(0), STREAMING_SIGNED), 'signed empty');
        assert.equal(empty.status, 200, empty.text);
        const ge = await getBack('chunked/signed-empty');
        assert.equal(ge.status, 200);
        assert.equal(ge.body.length, 0);
      });

      test('STREAMING-UNSIGNED-PAYLOAD-TRAILER with a CRC32 trailer', async () => {
        const r = record(await putChunked(v, bucket, 'chunked/unsigned-trailer', payload, STREAMING_UNSIGNED_TRAILER, { trailers: [['x-amz-checksum-crc32', b64.crc32(payload)]] }), 'unsigned trailer');
        assert.equal(r.status, 200, r.text);
        assert.equal(r.headers['x-amz-checksum-crc32'], b64.crc32(payload));
        const g = await getBack('chunked/unsigned-trailer');
        assert.ok(g.body.equals(payload), 'stored bytes differ from the payload');
        assert.equal(g.headers['x-amz-checksum-crc32'], b64.crc32(payload));
      });

      test('STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER with a signed CRC32 trailer', async () => {
        const r = record(await putChunked(v, bucket, 'chunked/signed-trailer', payload, STREAMING_SIGNED_TRAILER, { trailers: [['x-amz-checksum-crc32', b64.crc32(payload)]] }), 'signed trailer');
        assert.equal(r.status, 200, r.text);
        const g = await getBack('chunked/signed-trailer');
        assert.ok(g.body.equals(payload), 'stored bytes differ from the payload');
        assert.equal(g.headers['x-amz-checksum-crc32'], b64.crc32(payload));
      });

      test('a wrong chunk signature → 403 SignatureDoesNotMatch; the previous object stays, a new key is not created', async () => {
        const v1 = Buffer.from('version one, must survive');
        assert.equal((await req({ method: 'PUT', bucket, key: 'chunked/keep', body: v1 })).status, 200);
        for (const mode of [STREAMING_SIGNED, STREAMING_SIGNED_TRAILER] as const) {
          for (const chunk of [0, 2, 4]) {
            const opts = { corruptChunkSignature: chunk, trailers: mode === STREAMING_SIGNED_TRAILER ? ([['x-amz-checksum-crc32', b64.crc32(payload)]] as Array<[string, string]>) : undefined };
            const r = record(await putChunked(v, bucket, 'chunked/keep', payload, mode, opts), `bad chunk sig ${mode} ${chunk}`);
            expectError(r, 403, 'SignatureDoesNotMatch');
            const r2 = record(await putChunked(v, bucket, `chunked/never-${chunk}`, payload, mode, opts), 'bad chunk sig new');
            expectError(r2, 403, 'SignatureDoesNotMatch');
            assert.equal((await req({ method: 'HEAD', bucket, key: `chunked/never-${chunk}` })).status, 404);
          }
        }
        assert.ok((await req({ method: 'GET', bucket, key: 'chunked/keep' })).body.equals(v1));
        await stillServes();
      });

      test('a wrong trailer checksum → 400 BadDigest, nothing stored; a wrong trailer signature → 403', async () => {
        const v1 = Buffer.from('version one, must survive the bad trailer');
        assert.equal((await req({ method: 'PUT', bucket, key: 'chunked/keep2', body: v1 })).status, 200);
        const wrong: Array<[string, string]> = [['x-amz-checksum-crc32', b64.crc32(Buffer.from('not the payload'))]];
        for (const mode of [STREAMING_UNSIGNED_TRAILER, STREAMING_SIGNED_TRAILER] as const) {
          expectError(record(await putChunked(v, bucket, 'chunked/keep2', payload, mode, { trailers: wrong }), `bad trailer ${mode}`), 400, 'BadDigest');
          expectError(record(await putChunked(v, bucket, 'chunked/never-trailer', payload, mode, { trailers: wrong }), `bad trailer new ${mode}`), 400, 'BadDigest');
        }
        const sha: Array<[string, string]> = [['x-amz-checksum-sha256', b64.sha256(Buffer.from('nope'))]];
        expectError(record(await putChunked(v, bucket, 'chunked/keep2', payload, STREAMING_UNSIGNED_TRAILER, { trailers: sha }), 'bad sha trailer'), 400, 'BadDigest');
        const badSig = record(
          await putChunked(v, bucket, 'chunked/keep2', payload, STREAMING_SIGNED_TRAILER, { trailers: [['x-amz-checksum-crc32', b64.crc32(payload)]], corruptTrailerSignature: true }),
          'bad trailer signature',
        );
        expectError(badSig, 403, 'SignatureDoesNotMatch');
        assert.equal((await req({ method: 'HEAD', bucket, key: 'chunked/never-trailer' })).status, 404);
        assert.ok((await req({ method: 'GET', bucket, key: 'chunked/keep2' })).body.equals(v1));
        await stillServes();
      });

      test('a header CRC32 with a chunked body is checked too', async () => {
        const r = record(
          await putChunked(v, bucket, 'chunked/hdr-crc', payload, STREAMING_SIGNED, { headers: { 'x-amz-checksum-crc32': b64.crc32(Buffer.from('wrong')) } }),
          'header crc on chunked',
        );
        expectError(r, 400, 'BadDigest');
        const ok = record(await putChunked(v, bucket, 'chunked/hdr-crc', payload, STREAMING_SIGNED, { headers: { 'x-amz-checksum-crc32': b64.crc32(payload) } }), 'header crc ok');
        assert.equal(ok.status, 200, ok.text);
        assert.equal((await getBack('chunked/hdr-crc')).headers['x-amz-checksum-crc32'], b64.crc32(payload));
      });

      test('a decoded length that does not match, or a body cut short → 4xx, nothing stored', async () => {
        const lie = record(
          await putChunked(v, bucket, 'chunked/lie', payload, STREAMING_UNSIGNED_TRAILER, {
            trailers: [['x-amz-checksum-crc32', b64.crc32(payload)]],
            headers: { 'x-amz-decoded-content-length': String(payload.length + 10) },
          }),
          'decoded length lie',
        );
        assert.ok(lie.status >= 400 && lie.status < 500, `${lie.status} ${lie.text}`);
        assert.equal((await req({ method: 'HEAD', bucket, key: 'chunked/lie' })).status, 404);
        // garbage framing
        const r = await req({
          method: 'PUT',
          bucket,
          key: 'chunked/garbage',
          body: 'zz;chunk-signature=nothex\r\nabc\r\n',
          payloadHash: STREAMING_SIGNED,
          headers: { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': '3' },
        });
        assert.ok(r.status >= 400 && r.status < 500, `${r.status} ${r.text}`);
        assert.equal((await req({ method: 'HEAD', bucket, key: 'chunked/garbage' })).status, 404);
        await stillServes();
      });
    });

    test('no request in this file got a 5xx', () => {
      const bad = seen.filter((s) => s.status >= 500 && s.status !== 501);
      assert.deepEqual(bad, []);
      assert.ok(seen.length > 50, `only ${seen.length} requests recorded`);
    });
  });
}
