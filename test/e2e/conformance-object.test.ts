/**
 * Object operations as Amazon S3 answers them, case by case: what the public
 * Ceph S3 conformance suite (s3-tests) checks for PutObject, GetObject,
 * HeadObject, DeleteObject and CopyObject — metadata, stored headers,
 * conditional requests, ranges, response-* overrides, copies, and the
 * header-level cases (Content-MD5, Content-Length, Expect). Each test names
 * the s3-tests cases it stands for.
 */
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  S3Client,
  PutObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  DeleteObjectCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  UploadPartCopyCommand,
  CompleteMultipartUploadCommand,
  PutObjectTaggingCommand,
  GetObjectTaggingCommand,
  DeleteObjectTaggingCommand,
} from '@aws-sdk/client-s3';
import { startVaultx, wirings, itWithLogs, s3Client, bucketName, createUserWithKey, withLogs, type Vaultx } from './harness.ts';
import { expectS3Error } from './lib/expect-error.ts';
import { raw, buildRequest, encodePath, type RawOptions, type RawResponse } from './lib/raw.ts';
import { b64, md5Hex } from './lib/checksums.ts';
import { socketRequest } from './lib/socket.ts';

function expectError(r: RawResponse, status: number, code: string): void {
  assert.equal(r.status, status, `expected ${status} ${code}, got ${r.status}: ${r.text.slice(0, 400)}`);
  assert.equal(r.error?.Code, code, r.text.slice(0, 400));
}

async function bytesOf(body: unknown): Promise<Buffer> {
  const b = body as { transformToByteArray(): Promise<Uint8Array> };
  return Buffer.from(await b.transformToByteArray());
}

const httpDate = (d: Date) => d.toUTCString();
const BODY_IDLE_MS = 3000;

for (const wiring of wirings()) {
  describe(`object conformance (${wiring})`, () => {
    let v: Vaultx;
    let s3: S3Client;
    const test = itWithLogs(() => v);
    const bucket = bucketName('conf');
    const other = bucketName('conf2');

    const req = (o: RawOptions) => raw(v, o);
    const put = (key: string, body: string | Buffer, headers: Record<string, string> = {}) => req({ method: 'PUT', bucket, key, body, headers });
    const get = (key: string, headers: Record<string, string> = {}, query: Array<[string, string]> = []) => req({ method: 'GET', bucket, key, headers, query });
    const head = (key: string, headers: Record<string, string> = {}) => req({ method: 'HEAD', bucket, key, headers });

    /** A signed request sent over a bare socket; `edit` may change the header lines before they go. */
    function signedHead(o: RawOptions & { contentLength?: string | null }, edit: (lines: string[]) => string[] = (l) => l): string[] {
      const { url, headers } = buildRequest(v, o);
      const u = new URL(url);
      const lines = [`${o.method} ${u.pathname}${u.search} HTTP/1.1`, `host: ${u.host}`];
      for (const [k, val] of Object.entries(headers)) lines.push(`${k}: ${val}`);
      const len = o.contentLength === undefined ? String(o.body === undefined ? 0 : Buffer.byteLength(o.body)) : o.contentLength;
      if (len !== null) lines.push(`content-length: ${len}`);
      return edit(lines);
    }

    before(withLogs(() => v, async () => {
      // S3 waits about 20 s for a stalled body; a short limit keeps the test quick
      v = await startVaultx({ wiring, env: { VAULTX_BODY_IDLE_TIMEOUT_MS: String(BODY_IDLE_MS) } });
      s3 = s3Client(v);
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new CreateBucketCommand({ Bucket: other }));
    }));
    after(async () => {
      s3?.destroy();
      await v?.dispose();
    });

    // --- basics --------------------------------------------------------------

    test('PUT returns the MD5 ETag; zero-byte objects have Content-Length 0 (test_object_write_check_etag, test_object_head_zero_bytes)', async () => {
      const p = await put('etag', 'bar');
      assert.equal(p.status, 200);
      assert.equal(p.headers.etag, '"37b51d194a7513e45b56f6524f2d51f2"');
      const z = await put('zero', '');
      assert.equal(z.status, 200);
      assert.equal(z.headers.etag, '"d41d8cd98f00b204e9800998ecf8427e"');
      const h = await head('zero');
      assert.equal(h.status, 200);
      assert.equal(h.headers['content-length'], '0');
      const g = await get('zero');
      assert.equal(g.status, 200);
      assert.equal(g.body.length, 0);
    });

    test('GET of a missing key → 404 NoSuchKey whose RequestId is the x-amz-request-id header (test_object_read_not_exist, test_object_requestid_matches_header_on_error)', async () => {
      const r = await get('never-written');
      expectError(r, 404, 'NoSuchKey');
      assert.ok(r.error?.RequestId, 'RequestId in the body');
      assert.equal(r.error?.RequestId, r.headers['x-amz-request-id']);
      const h = await head('never-written');
      assert.equal(h.status, 404);
      assert.equal(h.body.length, 0);
    });

    test('write, read, overwrite, read, delete; deleting a missing key is 204 (test_object_write_read_update_read_delete)', async () => {
      await put('cycle', 'bar');
      assert.equal((await get('cycle')).text, 'bar');
      await put('cycle', 'soup');
      assert.equal((await get('cycle')).text, 'soup');
      assert.equal((await req({ method: 'DELETE', bucket, key: 'cycle' })).status, 204);
      expectError(await get('cycle'), 404, 'NoSuchKey');
      assert.equal((await req({ method: 'DELETE', bucket, key: 'cycle' })).status, 204);
      assert.equal((await req({ method: 'DELETE', bucket, key: 'no/such/key' })).status, 204);
    });

    test('PUT into a missing bucket → 404 NoSuchBucket (test_object_write_to_nonexist_bucket)', async () => {
      expectError(await req({ method: 'PUT', bucket: bucketName('gone'), key: 'foo', body: 'foo' }), 404, 'NoSuchBucket');
      expectError(await req({ method: 'DELETE', bucket: bucketName('gone'), key: 'foo' }), 404, 'NoSuchBucket');
    });

    test('keys with special characters round-trip (test_bucket_create_special_key_names)', async () => {
      for (const key of [' ', '"', '$', '%', '&', "'", '<', '>', '_', '_ ', '_ _', '__', 'foo+1/bar', 'a?b', '#hash', 'ünï ©ode', 'x%20y']) {
        const p = await put(key, key);
        assert.equal(p.status, 200, `${JSON.stringify(key)}: ${p.text}`);
        const g = await get(key);
        assert.equal(g.status, 200, JSON.stringify(key));
        assert.equal(g.text, key);
      }
    });

    // --- stored headers ------------------------------------------------------

    test('Cache-Control, Expires, Content-Disposition/-Encoding/-Language come back on HEAD and GET (test_object_write_cache_control, test_object_write_expires)', async () => {
      const expires = new Date(Math.floor(Date.now() / 1000) * 1000 + 6_000_000);
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: 'headers',
          Body: 'bar',
          CacheControl: 'public, max-age=14400',
          Expires: expires,
          ContentDisposition: 'attachment; filename="a b.txt"',
          ContentEncoding: 'gzip',
          ContentLanguage: 'de-CH',
          ContentType: 'text/x-special',
        }),
      );
      const h = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'headers' }));
      assert.equal(h.CacheControl, 'public, max-age=14400');
      assert.equal(h.Expires?.getTime(), expires.getTime());
      assert.equal(h.ContentDisposition, 'attachment; filename="a b.txt"');
      assert.equal(h.ContentEncoding, 'gzip');
      assert.equal(h.ContentLanguage, 'de-CH');
      assert.equal(h.ContentType, 'text/x-special');
      const g = await get('headers');
      assert.equal(g.headers['cache-control'], 'public, max-age=14400');
      assert.equal(g.headers.expires, httpDate(expires));
    });

    test('no Content-Type or an empty one → binary/octet-stream (test_object_create_bad_contenttype_none, _empty, _invalid)', async () => {
      assert.equal((await put('ct/none', 'bar')).status, 200);
      assert.equal((await head('ct/none')).headers['content-type'], 'binary/octet-stream');
      assert.equal((await put('ct/empty', 'bar', { 'content-type': '' })).status, 200);
      assert.equal((await head('ct/empty')).headers['content-type'], 'binary/octet-stream');
      assert.equal((await put('ct/plain', 'bar', { 'content-type': 'text/plain' })).status, 200);
      assert.equal((await head('ct/plain')).headers['content-type'], 'text/plain');
    });

    test('response-* query parameters override the response headers (test_object_raw_response_headers)', async () => {
      await put('override', 'bar', { 'x-amz-acl': 'private', 'content-type': 'text/plain' });
      const r = await get('override', {}, [
        ['response-cache-control', 'no-cache'],
        ['response-content-disposition', 'bla'],
        ['response-content-encoding', 'aaa'],
        ['response-content-language', 'esperanto'],
        ['response-content-type', 'foo/bar'],
        ['response-expires', '123'],
      ]);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers['content-type'], 'foo/bar');
      assert.equal(r.headers['content-disposition'], 'bla');
      assert.equal(r.headers['content-language'], 'esperanto');
      assert.equal(r.headers['content-encoding'], 'aaa');
      assert.equal(r.headers['cache-control'], 'no-cache');
      assert.equal(r.headers.expires, '123');
      assert.equal(r.text, 'bar');
    });

    // --- user metadata -------------------------------------------------------

    test('user metadata: set, empty value, overwrite to empty, replaced by a PUT without metadata (test_object_set_get_metadata_*, test_object_metadata_replaced_on_put)', async () => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'meta', Body: 'bar', Metadata: { meta1: 'mymeta' } }));
      assert.deepEqual((await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'meta' }))).Metadata, { meta1: 'mymeta' });
      await put('meta', 'bar', { 'x-amz-meta-meta1': '' });
      const g = await get('meta');
      assert.ok('x-amz-meta-meta1' in g.headers, `empty metadata value dropped: ${JSON.stringify(g.headers)}`);
      assert.equal(g.headers['x-amz-meta-meta1'], '');
      await put('meta', 'bar');
      const g2 = await get('meta');
      assert.deepEqual(Object.keys(g2.headers).filter((k) => k.startsWith('x-amz-meta-')), []);
    });

    test('metadata names are folded to lower case, values kept as sent (test_object_set_get_metadata_none_to_good)', async () => {
      await put('meta/case', 'bar', { 'X-Amz-Meta-MixedCase': 'Value With Spaces' });
      const h = await head('meta/case');
      assert.equal(h.headers['x-amz-meta-mixedcase'], 'Value With Spaces');
    });

    test('a latin-1 byte in a metadata value comes back as the same byte (test_object_set_get_unicode_metadata)', async () => {
      const lines = signedHead({ method: 'PUT', bucket, key: 'meta/latin1', body: 'bar', headers: { 'x-amz-meta-meta1': 'Hello World\u00e9' } });
      const r = await socketRequest(v.ports.s3, lines, { body: Buffer.from('bar') });
      assert.equal(r.statuses.at(-1), 200, r.body.toString());
      const g = await socketRequest(v.ports.s3, signedHead({ method: 'GET', bucket, key: 'meta/latin1' }));
      assert.equal(g.headers['x-amz-meta-meta1'], 'Hello World\u00e9');
    });

    test('control characters in a metadata value → 400, nothing stored (test_object_set_get_non_utf8_metadata, _empty_to_unreadable_*)', async () => {
      for (const value of ['\x04mymeta', '\x04w', 'h\x04', 'h\x04w']) {
        const key = `meta/ctl-${value.length}-${value.indexOf('\x04')}`;
        const lines = signedHead({ method: 'PUT', bucket, key, body: 'bar', headers: { 'x-amz-meta-meta1': value } });
        const r = await socketRequest(v.ports.s3, lines, { body: Buffer.from('bar') });
        assert.equal(r.statuses.at(-1), 400, `${JSON.stringify(value)}: ${r.statuses} ${r.body.toString()}`);
        assert.match(r.body.toString(), /^<\?xml[^>]*>\s*<Error><Code>BadRequest<\/Code>/, r.body.toString());
        assert.equal((await head(key)).status, 404);
      }
    });

    test('more than 2 KB of metadata → 400 MetadataTooLarge', async () => {
      expectError(await put('meta/big', 'bar', { 'x-amz-meta-big': 'x'.repeat(2100) }), 400, 'MetadataTooLarge');
      assert.equal((await put('meta/fits', 'bar', { 'x-amz-meta-big': 'x'.repeat(2000) })).status, 200);
    });

    // --- conditional requests ------------------------------------------------

    test('conditional GET and HEAD (test_get_object_ifmatch_*, _ifnonematch_*, _ifmodifiedsince_*, _ifunmodifiedsince_*)', async () => {
      const p = await put('cond', 'bar');
      const etag = p.headers.etag!;
      assert.equal((await get('cond', { 'if-match': etag })).text, 'bar');
      expectError(await get('cond', { 'if-match': '"ABCORZ"' }), 412, 'PreconditionFailed');
      const nm = await get('cond', { 'if-none-match': etag });
      assert.equal(nm.status, 304);
      assert.equal(nm.body.length, 0);
      assert.equal(nm.headers.etag, etag);
      assert.equal((await get('cond', { 'if-none-match': 'ABCORZ' })).text, 'bar');
      assert.equal((await get('cond', { 'if-modified-since': 'Sat, 29 Oct 1994 19:43:31 GMT' })).text, 'bar');
      const lm = new Date((await head('cond')).headers['last-modified']!);
      assert.equal((await get('cond', { 'if-modified-since': httpDate(lm) })).status, 304);
      expectError(await get('cond', { 'if-unmodified-since': 'Sat, 29 Oct 1994 19:43:31 GMT' }), 412, 'PreconditionFailed');
      assert.equal((await get('cond', { 'if-unmodified-since': 'Sat, 29 Oct 2100 19:43:31 GMT' })).text, 'bar');
      // HEAD: the same statuses, never a body
      const h412 = await head('cond', { 'if-match': '"nope"' });
      assert.equal(h412.status, 412);
      assert.equal(h412.body.length, 0);
      assert.equal((await head('cond', { 'if-none-match': etag })).status, 304);
    });

    test('conditional PUT: If-Match and If-None-Match (test_put_object_ifmatch_*, test_put_object_ifnonmatch_*)', async () => {
      const p = await put('cput', 'bar');
      const etag = p.headers.etag!;
      assert.equal((await put('cput', 'zar', { 'if-match': etag })).status, 200);
      assert.equal((await get('cput')).text, 'zar');
      expectError(await put('cput', 'nope', { 'if-match': '"ABCORZ"' }), 412, 'PreconditionFailed');
      assert.equal((await get('cput')).text, 'zar');
      assert.equal((await put('cput', 'star', { 'if-match': '*' })).status, 200);
      assert.equal((await get('cput')).text, 'star');
      expectError(await put('cput', 'nope', { 'if-none-match': '*' }), 412, 'PreconditionFailed');
      assert.equal((await get('cput')).text, 'star');
      assert.equal((await put('cput-new', 'bar', { 'if-none-match': '*' })).status, 200);
      assert.equal((await get('cput-new')).text, 'bar');
      // If-None-Match with another ETag than the current one: the write goes ahead
      assert.equal((await put('cput-new', 'zar', { 'if-none-match': 'ABCORZ' })).status, 200);
      // If-Match on a key with no object: 404 NoSuchKey, nothing created (test_put_object_ifmatch_nonexisted_failed)
      expectError(await put('cput-none', 'bar', { 'if-match': '*' }), 404, 'NoSuchKey');
      expectError(await get('cput-none'), 404, 'NoSuchKey');
    });

    test('conditional DELETE: If-Match, x-amz-if-match-last-modified-time, x-amz-if-match-size (test_delete_object_if_match, _if_match_last_modified_time, _if_match_size)', async () => {
      const p = await put('cdel', 'bar');
      const del = (h: Record<string, string>) => req({ method: 'DELETE', bucket, key: 'cdel', headers: h });
      expectError(await del({ 'if-match': '"ABCORZ"' }), 412, 'PreconditionFailed');
      expectError(await del({ 'x-amz-if-match-last-modified-time': 'Thu, 01 Jan 2015 00:00:00 GMT' }), 412, 'PreconditionFailed');
      expectError(await del({ 'x-amz-if-match-size': '9999' }), 412, 'PreconditionFailed');
      expectError(await del({ 'x-amz-if-match-size': 'many' }), 400, 'InvalidArgument');
      assert.equal((await get('cdel')).text, 'bar');
      const lm = (await head('cdel')).headers['last-modified']!;
      assert.equal((await del({ 'if-match': p.headers.etag!, 'x-amz-if-match-last-modified-time': lm, 'x-amz-if-match-size': '3' })).status, 204);
      expectError(await get('cdel'), 404, 'NoSuchKey');
      // no object: nothing to check, 204 as for any delete of a missing key
      assert.equal((await del({ 'if-match': '*' })).status, 204);
      assert.equal((await del({ 'if-match': '"ABCORZ"' })).status, 204);
      assert.equal((await del({ 'x-amz-if-match-size': '9999' })).status, 204);
      await put('cdel', 'again');
      assert.equal((await del({ 'if-match': '*' })).status, 204);
      assert.equal((await head('cdel')).status, 404);
    });

    test('DeleteObjects with ETag, LastModifiedTime, Size per object: a mismatch is a PreconditionFailed <Error>, the object kept (test_delete_objects_if_match, _if_match_last_modified_time, _if_match_size)', async () => {
      const p = await put('mdel', 'bar');
      const lm = new Date((await head('mdel')).headers['last-modified']!).toISOString();
      const multi = async (object: string) => {
        const body = `<Delete><Object><Key>mdel</Key>${object}</Object></Delete>`;
        const r = await req({ method: 'POST', bucket, query: [['delete', '']], body, headers: { 'content-md5': b64.md5(Buffer.from(body)) } });
        assert.equal(r.status, 200, r.text);
        return r.xml?.DeleteResult as { Deleted?: { Key: string }; Error?: { Key: string; Code: string } };
      };
      for (const cond of ['<ETag>"badetag"</ETag>', '<LastModifiedTime>2015-01-01T00:00:00Z</LastModifiedTime>', '<Size>9999</Size>']) {
        const r = await multi(cond);
        assert.equal(r.Error?.Code, 'PreconditionFailed', `${cond}: ${JSON.stringify(r)}`);
        assert.equal(r.Error?.Key, 'mdel');
        assert.equal((await get('mdel')).text, 'bar', cond);
      }
      const ok = await multi(`<ETag>${p.headers.etag}</ETag><LastModifiedTime>${lm}</LastModifiedTime><Size>3</Size>`);
      assert.equal(ok.Deleted?.Key, 'mdel', JSON.stringify(ok));
      expectError(await get('mdel'), 404, 'NoSuchKey');
      // no object: nothing to check
      const gone = await multi('<ETag>"badetag"</ETag>');
      assert.equal(gone.Error, undefined, JSON.stringify(gone));
    });

    // --- ranges --------------------------------------------------------------

    test('Range requests (test_ranged_request_response_code, _skip_leading_bytes_, _return_trailing_bytes_, _invalid_range, _empty_object)', async () => {
      await put('range', 'testcontent');
      const cases: Array<[string, number, string, string | undefined]> = [
        ['bytes=4-7', 206, 'cont', 'bytes 4-7/11'],
        ['bytes=4-', 206, 'content', 'bytes 4-10/11'],
        ['bytes=-7', 206, 'content', 'bytes 4-10/11'],
        ['bytes=0-100', 206, 'testcontent', 'bytes 0-10/11'],
        ['bytes=-100', 206, 'testcontent', 'bytes 0-10/11'],
        ['bytes=10-10', 206, 't', 'bytes 10-10/11'],
        // not a satisfiable-or-not range at all: ignored, the whole object
        ['bytes=7-4', 200, 'testcontent', undefined],
        ['bytes=abc', 200, 'testcontent', undefined],
        ['items=0-1', 200, 'testcontent', undefined],
      ];
      for (const [range, status, body, contentRange] of cases) {
        const r = await get('range', { range });
        assert.equal(r.status, status, range);
        assert.equal(r.text, body, range);
        assert.equal(r.headers['content-range'], contentRange, range);
        assert.equal(r.headers['content-length'], String(body.length), range);
      }
      expectError(await get('range', { range: 'bytes=40-50' }), 416, 'InvalidRange');
      expectError(await get('range', { range: 'bytes=11-' }), 416, 'InvalidRange');
      await put('range-empty', '');
      expectError(await get('range-empty', { range: 'bytes=40-50' }), 416, 'InvalidRange');
      expectError(await get('range-empty', { range: 'bytes=0-' }), 416, 'InvalidRange');
    });

    test('a range inside a chunked 8 MiB object (test_ranged_big_request_response_code)', async () => {
      const data = randomBytes(8 * 1024 * 1024);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'range-big', Body: data }));
      const r = await get('range-big', { range: 'bytes=3145728-5242880' });
      assert.equal(r.status, 206);
      assert.equal(r.headers['content-range'], 'bytes 3145728-5242880/8388608');
      assert.ok(r.body.equals(data.subarray(3145728, 5242881)));
    });

    // --- copy ----------------------------------------------------------------

    test('copy in the same bucket, to another bucket, a zero-size object; Content-Type kept (test_object_copy_same_bucket, _diff_bucket, _zero_size, _verify_contenttype)', async () => {
      await put('copy/src', 'foo', { 'content-type': 'text/bla' });
      const c = await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy/dst', CopySource: `${bucket}/copy/src` }));
      assert.equal(c.CopyObjectResult?.ETag, `"${md5Hex('foo')}"`);
      assert.ok(c.CopyObjectResult?.LastModified instanceof Date);
      const g = await get('copy/dst');
      assert.equal(g.text, 'foo');
      assert.equal(g.headers['content-type'], 'text/bla');
      await s3.send(new CopyObjectCommand({ Bucket: other, Key: 'copied', CopySource: `${bucket}/copy/src` }));
      assert.equal((await req({ method: 'GET', bucket: other, key: 'copied' })).text, 'foo');
      await put('copy/zero', '');
      await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy/zero2', CopySource: `${bucket}/copy/zero` }));
      assert.equal((await head('copy/zero2')).headers['content-length'], '0');
    });

    test('the CopyObjectResult document (LastModified as ISO 8601, quoted ETag)', async () => {
      await put('copy/xml', 'foo');
      const r = await req({ method: 'PUT', bucket, key: 'copy/xml2', headers: { 'x-amz-copy-source': `/${bucket}/copy/xml` } });
      assert.equal(r.status, 200, r.text);
      assert.match(r.headers['content-type'] ?? '', /xml/);
      assert.equal(r.xml?.CopyObjectResult?.ETag, `"${md5Hex('foo')}"`);
      assert.match(r.xml?.CopyObjectResult?.LastModified ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/);
    });

    test('copy onto itself: without changes → 400 InvalidRequest; with REPLACE metadata → allowed (test_object_copy_to_itself, _to_itself_with_metadata)', async () => {
      await put('copy/self', 'foo', { 'x-amz-meta-old': '1' });
      await expectS3Error(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy/self', CopySource: `${bucket}/copy/self` })), 'InvalidRequest', 400);
      await s3.send(
        new CopyObjectCommand({ Bucket: bucket, Key: 'copy/self', CopySource: `${bucket}/copy/self`, Metadata: { foo: 'bar' }, MetadataDirective: 'REPLACE' }),
      );
      const g = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'copy/self' }));
      assert.deepEqual(g.Metadata, { foo: 'bar' });
      assert.equal((await bytesOf(g.Body)).toString(), 'foo');
    });

    test('COPY keeps metadata and Content-Type; REPLACE takes them from the request (test_object_copy_retaining_metadata, _replacing_metadata)', async () => {
      for (const size of [3, 1024 * 1024]) {
        const body = Buffer.alloc(size);
        await s3.send(
          new PutObjectCommand({ Bucket: bucket, Key: `copy/meta-${size}`, Body: body, ContentType: 'audio/ogg', Metadata: { key1: 'value1', key2: 'value2' }, CacheControl: 'max-age=1' }),
        );
        await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: `copy/kept-${size}`, CopySource: `${bucket}/copy/meta-${size}` }));
        const k = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `copy/kept-${size}` }));
        assert.equal(k.ContentType, 'audio/ogg');
        assert.deepEqual(k.Metadata, { key1: 'value1', key2: 'value2' });
        assert.equal(k.CacheControl, 'max-age=1');
        assert.equal(k.ContentLength, size);
        await s3.send(
          new CopyObjectCommand({
            Bucket: bucket,
            Key: `copy/replaced-${size}`,
            CopySource: `${bucket}/copy/meta-${size}`,
            MetadataDirective: 'REPLACE',
            ContentType: 'audio/mpeg',
            Metadata: { key3: 'value3', key2: 'value2' },
          }),
        );
        const r = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `copy/replaced-${size}` }));
        assert.equal(r.ContentType, 'audio/mpeg');
        assert.deepEqual(r.Metadata, { key3: 'value3', key2: 'value2' });
        assert.equal(r.CacheControl, undefined, 'REPLACE drops the stored headers not sent again');
        assert.equal(r.ContentLength, size);
      }
    });

    test('copy from a missing bucket or key → 404; an unknown metadata directive → 400 (test_object_copy_bucket_not_found, _key_not_found)', async () => {
      await expectS3Error(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy/x', CopySource: `${bucket}-fake/foo123bar` })), 'NoSuchBucket', 404);
      await expectS3Error(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy/x', CopySource: `${bucket}/foo123bar` })), 'NoSuchKey', 404);
      await put('copy/d', 'foo');
      expectError(
        await req({ method: 'PUT', bucket, key: 'copy/x', headers: { 'x-amz-copy-source': `${bucket}/copy/d`, 'x-amz-metadata-directive': 'MERGE' } }),
        400,
        'InvalidArgument',
      );
    });

    test('copy sources with special characters, URL-encoded, with ?versionId=null (test_object_copy_versioned_url_encoding, test_multipart_copy_special_names)', async () => {
      for (const src of ['foo?bar', ' ', '_', '__', '?versionId', 'a+b', '100%', 'ünï/©', 'x&y=z']) {
        await put(`csrc/${src}`, `body of ${src}`);
        const enc = encodePath(bucket, `csrc/${src}`);
        const r = await req({ method: 'PUT', bucket, key: 'bar&foo', headers: { 'x-amz-copy-source': enc } });
        assert.equal(r.status, 200, `${JSON.stringify(src)}: ${r.text}`);
        assert.equal((await get('bar&foo')).text, `body of ${src}`);
        // without the leading slash, and with the (only) version of a non-versioned object
        const r2 = await req({ method: 'PUT', bucket, key: 'bar&foo2', headers: { 'x-amz-copy-source': `${enc.slice(1)}?versionId=null` } });
        assert.equal(r2.status, 200, `${JSON.stringify(src)} ?versionId=null: ${r2.text}`);
        assert.equal((await get('bar&foo2')).text, `body of ${src}`);
      }
    });

    test('x-amz-copy-source-if-* preconditions → 412 PreconditionFailed when they fail (test_copy_object_ifmatch_*, test_copy_object_ifnonematch_*)', async () => {
      const p = await put('copy/cond', 'bar');
      const etag = p.headers.etag!;
      const copy = (h: Record<string, string>) => req({ method: 'PUT', bucket, key: 'copy/cond-dst', headers: { 'x-amz-copy-source': `${bucket}/copy/cond`, ...h } });
      assert.equal((await copy({ 'x-amz-copy-source-if-match': etag })).status, 200);
      assert.equal((await get('copy/cond-dst')).text, 'bar');
      expectError(await copy({ 'x-amz-copy-source-if-match': 'ABCORZ' }), 412, 'PreconditionFailed');
      expectError(await copy({ 'x-amz-copy-source-if-none-match': etag }), 412, 'PreconditionFailed');
      assert.equal((await copy({ 'x-amz-copy-source-if-none-match': 'ABCORZ' })).status, 200);
      assert.equal((await copy({ 'x-amz-copy-source-if-modified-since': 'Sat, 29 Oct 1994 19:43:31 GMT' })).status, 200);
      const lm = (await head('copy/cond')).headers['last-modified']!;
      expectError(await copy({ 'x-amz-copy-source-if-modified-since': lm }), 412, 'PreconditionFailed');
      expectError(await copy({ 'x-amz-copy-source-if-unmodified-since': 'Sat, 29 Oct 1994 19:43:31 GMT' }), 412, 'PreconditionFailed');
      assert.equal((await copy({ 'x-amz-copy-source-if-unmodified-since': 'Sat, 29 Oct 2100 19:43:31 GMT' })).status, 200);
    });

    test("copy from another user's bucket → 403 (test_object_copy_not_owned_bucket)", async () => {
      await put('copy/private', 'foo');
      const alt = await createUserWithKey(v, `alt-${randomBytes(3).toString('hex')}`);
      const altS3 = s3Client(v, alt.creds);
      try {
        const altBucket = bucketName('alt');
        await altS3.send(new CreateBucketCommand({ Bucket: altBucket }));
        await expectS3Error(altS3.send(new CopyObjectCommand({ Bucket: altBucket, Key: 'x', CopySource: `${bucket}/copy/private` })), 'AccessDenied', 403);
      } finally {
        altS3.destroy();
      }
    });

    test('a copy source over 5 GiB → 400 InvalidRequest (CopyObject copies at most 5 GiB)', async () => {
      // 81 whole-object part copies of 64 MiB share the source's chunks: a 5.06 GiB object without writing it
      const part = Buffer.alloc(64 * 1024 * 1024, 7);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'copy/part-src', Body: part }));
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'copy/huge' }));
      const parts: Array<{ PartNumber: number; ETag?: string }> = [];
      for (let n = 1; n <= 81; n++) {
        const r = await s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: 'copy/huge', UploadId, PartNumber: n, CopySource: `${bucket}/copy/part-src` }));
        parts.push({ PartNumber: n, ETag: r.CopyPartResult?.ETag });
      }
      await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'copy/huge', UploadId, MultipartUpload: { Parts: parts } }));
      assert.equal((await head('copy/huge')).headers['content-length'], String(81 * part.length));
      const r = await req({ method: 'PUT', bucket, key: 'copy/huge2', headers: { 'x-amz-copy-source': `${bucket}/copy/huge` } });
      expectError(r, 400, 'InvalidRequest');
      assert.match(r.error?.Message ?? '', /larger than the maximum allowable size for a copy source: 5368709120/);
      assert.equal((await head('copy/huge2')).status, 404);
    });

    // --- object tagging ----------------------------------------------------------

    test('object tagging: put, get, replace, delete; x-amz-tagging-count on GET and HEAD; data and Last-Modified untouched (test_get_obj_tagging, test_get_obj_head_tagging, test_put_modify_tags, test_put_delete_tags)', async () => {
      const p = await put('tags/obj', 'bar');
      const lm = (await head('tags/obj')).headers['last-modified'];
      assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tags/obj' }))).TagSet, []);
      const set1 = [{ Key: 'Hello', Value: 'World' }, { Key: 'foo', Value: '' }];
      const r = await s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'tags/obj', Tagging: { TagSet: set1 } }));
      assert.equal(r.$metadata.httpStatusCode, 200);
      assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tags/obj' }))).TagSet, set1);
      const h = await head('tags/obj');
      assert.equal(h.headers['x-amz-tagging-count'], '2');
      assert.equal(h.headers.etag, p.headers.etag);
      assert.equal(h.headers['last-modified'], lm);
      assert.equal((await get('tags/obj')).headers['x-amz-tagging-count'], '2');
      assert.equal((await get('tags/obj')).text, 'bar');
      const set2 = [{ Key: 'key', Value: 'val' }];
      await s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'tags/obj', Tagging: { TagSet: set2 } }));
      assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tags/obj' }))).TagSet, set2);
      const d = await s3.send(new DeleteObjectTaggingCommand({ Bucket: bucket, Key: 'tags/obj' }));
      assert.equal(d.$metadata.httpStatusCode, 204);
      assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tags/obj' }))).TagSet, []);
      assert.equal((await head('tags/obj')).headers['x-amz-tagging-count'], undefined);
      assert.equal((await get('tags/obj')).text, 'bar');
      await expectS3Error(s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tags/missing' })), 'NoSuchKey', 404);
    });

    test('object tagging limits: 10 tags of 128/256 characters fit; 11 → BadRequest; a longer key or value → InvalidTag, tags unchanged (test_put_max_tags, test_put_excess_tags, test_put_max_kvsize_tags, test_put_excess_key_tags, test_put_excess_val_tags)', async () => {
      await put('tags/limits', 'bar');
      const tagSet = (n: number, k: number, v: number) => Array.from({ length: n }, (_, i) => ({ Key: `${i}`.padEnd(k, 'k'), Value: 'v'.repeat(v) }));
      await s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'tags/limits', Tagging: { TagSet: tagSet(10, 128, 256) } }));
      assert.equal((await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tags/limits' }))).TagSet?.length, 10);
      await s3.send(new DeleteObjectTaggingCommand({ Bucket: bucket, Key: 'tags/limits' }));
      await expectS3Error(s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'tags/limits', Tagging: { TagSet: tagSet(11, 5, 5) } })), 'BadRequest', 400);
      await expectS3Error(s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'tags/limits', Tagging: { TagSet: tagSet(10, 129, 256) } })), 'InvalidTag', 400);
      await expectS3Error(s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'tags/limits', Tagging: { TagSet: tagSet(10, 128, 257) } })), 'InvalidTag', 400);
      assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tags/limits' }))).TagSet, []);
    });

    test('tags with PutObject (x-amz-tagging) and CopyObject (x-amz-tagging-directive COPY / REPLACE) (test_put_obj_with_tags)', async () => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'tags/put', Body: 'bar', Tagging: 'foo=bar&bar' }));
      // returned sorted by key, a tag without '=' has an empty value
      const want = [{ Key: 'bar', Value: '' }, { Key: 'foo', Value: 'bar' }];
      assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tags/put' }))).TagSet, want);
      await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'tags/copied', CopySource: `${bucket}/tags/put` }));
      assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tags/copied' }))).TagSet, want);
      await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'tags/replaced', CopySource: `${bucket}/tags/put`, TaggingDirective: 'REPLACE', Tagging: 'x=y' }));
      assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tags/replaced' }))).TagSet, [{ Key: 'x', Value: 'y' }]);
      // a plain overwrite replaces the tags with none
      await put('tags/put', 'baz');
      assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tags/put' }))).TagSet, []);
      expectError(await put('tags/bad', 'bar', { 'x-amz-tagging': 'a=1&a=2' }), 400, 'InvalidTag');
    });

    test('odd input to the object operations is a 4xx in XML, never a 5xx', async () => {
      await put('odd', 'bar');
      const cases: RawOptions[] = [
        { method: 'PUT', bucket, key: 'odd', query: [['tagging', '']], body: 'not xml' },
        { method: 'PUT', bucket, key: 'odd', query: [['tagging', '']], body: '<Tagging><TagSet><Tag><Key>k</Key><Value><x/></Value></Tag></TagSet></Tagging>' },
        { method: 'PUT', bucket, key: 'odd', query: [['tagging', '']] },
        { method: 'PUT', bucket, key: 'odd', headers: { 'x-amz-tagging': '=' } },
        { method: 'PUT', bucket, key: 'odd', headers: { 'x-amz-copy-source': '%' } },
        { method: 'PUT', bucket, key: 'odd', headers: { 'x-amz-copy-source': '/' } },
        { method: 'PUT', bucket, key: 'odd', headers: { 'x-amz-copy-source': `${bucket}/odd`, 'x-amz-tagging-directive': 'MERGE' } },
        { method: 'PUT', bucket, key: 'odd', headers: { 'x-amz-copy-source': `${bucket}/odd?versionId=%zz` } },
        { method: 'GET', bucket, key: 'odd', headers: { range: 'bytes=99999999999999999999999-' } },
        { method: 'GET', bucket, key: 'odd', headers: { 'if-modified-since': 'garbage', 'if-match': ',,,' } },
        { method: 'DELETE', bucket, key: 'odd', headers: { 'x-amz-if-match-last-modified-time': 'not a date' } },
        { method: 'GET', bucket, key: 'odd', query: [['versionId', 'x']] },
      ];
      for (const o of cases) {
        const r = await req(o);
        assert.ok(r.status >= 200 && r.status < 500, `${o.method} ${JSON.stringify(o.query ?? [])} ${JSON.stringify(o.headers ?? {})}: ${r.status} ${r.text.slice(0, 300)}`);
        if (r.status >= 400) assert.ok(r.error?.Code, `no S3 error code: ${r.text.slice(0, 200)}`);
      }
      assert.equal((await get('odd')).text, 'bar');
    });

    // --- header-level cases (test_headers.py) --------------------------------

    test('Content-MD5: too short, empty, garbage → InvalidDigest; mismatch → BadDigest; none → fine (test_object_create_bad_md5_*)', async () => {
      expectError(await put('md5', 'bar', { 'content-md5': 'YWJyYWNhZGFicmE=' }), 400, 'InvalidDigest');
      expectError(await put('md5', 'bar', { 'content-md5': '' }), 400, 'InvalidDigest');
      expectError(await put('md5', 'bar', { 'content-md5': 'AWS HAHAHA' }), 400, 'InvalidDigest');
      expectError(await put('md5', 'bar', { 'content-md5': 'rL0Y20xC+Fzt72VPzMSk2A==' }), 400, 'BadDigest');
      assert.equal((await head('md5')).status, 404);
      assert.equal((await put('md5', 'bar', { 'content-md5': b64.md5(Buffer.from('bar')) })).status, 200);
    });

    test('Expect: 200 and an empty Expect are ignored (test_object_create_bad_expect_mismatch, _empty, _none)', async () => {
      for (const expect of ['200', '']) {
        const lines = signedHead({ method: 'PUT', bucket, key: `expect-${expect || 'empty'}`, body: 'bar' }, (l) => [...l, `expect: ${expect}`]);
        const r = await socketRequest(v.ports.s3, lines, { body: Buffer.from('bar') });
        assert.deepEqual(r.statuses, [200], `Expect: ${JSON.stringify(expect)} → ${r.statuses} ${r.body.toString()}`);
        assert.equal((await get(`expect-${expect || 'empty'}`)).text, 'bar');
      }
    });

    test('Expect: 100-continue: refused before the body when unauthenticated, 100 then 200 when signed (test_100_continue)', async () => {
      const anon = await socketRequest(
        v.ports.s3,
        [`PUT ${encodePath(bucket, 'testobj')} HTTP/1.1`, `host: 127.0.0.1:${v.ports.s3}`, 'content-length: 123', 'expect: 100-continue'],
        { timeoutMs: 3000 },
      );
      assert.deepEqual(anon.statuses, [403], `anonymous: ${anon.statuses}`);
      const body = randomBytes(123);
      const lines = signedHead({ method: 'PUT', bucket, key: 'testobj', body }, (l) => [...l, 'expect: 100-continue']);
      const ok = await socketRequest(v.ports.s3, lines, { body, waitForContinue: true });
      assert.deepEqual(ok.statuses, [100, 200]);
      assert.ok((await get('testobj')).body.equals(body));
    });

    test('bad Content-Length (empty, negative, not a number) → 400 BadRequest in XML (test_object_create_bad_contentlength_*)', async () => {
      for (const cl of ['', '-1', 'abc']) {
        const lines = signedHead({ method: 'PUT', bucket, key: 'badlen', body: 'bar', contentLength: cl });
        const r = await socketRequest(v.ports.s3, lines, { body: Buffer.from('bar') });
        assert.equal(r.statuses.at(-1), 400, `Content-Length: ${JSON.stringify(cl)} → ${r.statuses}`);
        // in S3's XML, like every other error
        assert.match(r.headers['content-type'] ?? '', /^application\/xml/);
        assert.match(r.body.toString(), /<Code>BadRequest<\/Code>/, r.body.toString());
        assert.ok(r.headers['x-amz-request-id']);
      }
      assert.equal((await head('badlen')).status, 404);
    });

    test('PUT with Transfer-Encoding: chunked and no Content-Length stores the body (test_object_write_with_chunked_transfer_encoding)', async () => {
      const lines = signedHead({ method: 'PUT', bucket, key: 'te-chunked', body: 'bar', contentLength: null }, (l) => [...l, 'transfer-encoding: chunked']);
      const r = await socketRequest(v.ports.s3, lines, { body: Buffer.from('3\r\nbar\r\n0\r\n\r\n') });
      assert.deepEqual(r.statuses, [200], `${r.statuses} ${r.body.toString()}`);
      assert.equal(r.headers.etag, `"${md5Hex('bar')}"`);
      const g = await get('te-chunked');
      assert.equal(g.text, 'bar');
      assert.equal(g.headers['content-length'], '3');
      // several chunks, larger than the inline limit
      const big = randomBytes(100_000);
      const framed = Buffer.concat([
        Buffer.from(`${(60_000).toString(16)}\r\n`), big.subarray(0, 60_000), Buffer.from('\r\n'),
        Buffer.from(`${(40_000).toString(16)}\r\n`), big.subarray(60_000), Buffer.from('\r\n0\r\n\r\n'),
      ]);
      const lines2 = signedHead({ method: 'PUT', bucket, key: 'te-chunked-big', body: big, contentLength: null }, (l) => [...l, 'transfer-encoding: chunked']);
      const r2 = await socketRequest(v.ports.s3, lines2, { body: framed });
      assert.deepEqual(r2.statuses, [200], `${r2.statuses} ${r2.body.toString()}`);
      assert.ok((await get('te-chunked-big')).body.equals(big));
    });

    test('a body shorter than its Content-Length → 400 RequestTimeout once no byte arrives for the idle limit (test_object_create_bad_contentlength_mismatch_above)', async () => {
      const t0 = Date.now();
      const lines = signedHead({ method: 'PUT', bucket, key: 'stalled', body: 'bar', contentLength: '4', payloadHash: 'UNSIGNED-PAYLOAD' });
      const r = await socketRequest(v.ports.s3, lines, { body: Buffer.from('bar'), timeoutMs: BODY_IDLE_MS + 10_000 });
      const took = Date.now() - t0;
      assert.deepEqual(r.statuses, [400], `${r.statuses} after ${took} ms`);
      assert.match(r.body.toString(), /<Code>RequestTimeout<\/Code>/);
      assert.ok(took >= BODY_IDLE_MS - 200 && took < BODY_IDLE_MS + 5000, `answered after ${took} ms`);
      assert.equal((await head('stalled')).status, 404);
      // a stalled XML body (DeleteObjects) too
      const xml = '<Delete><Object><Key>x</Key></Object></Delete>';
      const lines2 = signedHead({ method: 'POST', bucket, query: [['delete', '']], body: xml, contentLength: String(xml.length + 10), payloadHash: 'UNSIGNED-PAYLOAD', headers: { 'content-md5': b64.md5(Buffer.from(xml)) } });
      const r2 = await socketRequest(v.ports.s3, lines2, { body: Buffer.from(xml), timeoutMs: BODY_IDLE_MS + 10_000 });
      assert.deepEqual(r2.statuses, [400], `${r2.statuses} ${r2.body.toString()}`);
    });
  });
}
