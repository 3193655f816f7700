/**
 * Debian's aws CLI (/usr/bin/aws, v2) against VaultX, in both wirings.
 */
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, readdirSync, statSync, existsSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startVaultx, wirings, itWithLogs, awsCli, curl, bucketName, sleep, withLogs, type Vaultx, type ExecResult } from './harness.ts';
import { md5Hex } from './lib/checksums.ts';

function ok(r: ExecResult, what = 'aws'): ExecResult {
  assert.equal(r.code, 0, `${what} failed (exit ${r.code})\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}
function json(r: ExecResult): any {
  ok(r);
  return JSON.parse(r.stdout);
}
function listFiles(dir: string, base = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, base))) {
    const rel = base ? `${base}/${name}` : name;
    if (statSync(join(dir, rel)).isDirectory()) out.push(...listFiles(dir, rel));
    else out.push(rel);
  }
  return out.sort();
}
/** Sets every file's mtime a minute into the past. */
function ageTree(dir: string): void {
  const t = new Date(Date.now() - 60_000);
  for (const f of listFiles(dir)) utimesSync(join(dir, f), t, t);
}
/** S3's encoding-type=url form: decode %XX and '+' as space. */
function urlDecodeKey(s: string): string {
  return decodeURIComponent(s.replace(/\+/g, ' '));
}

for (const wiring of wirings()) {
  describe(`aws cli (${wiring})`, () => {
    let v: Vaultx;
    let work: string;
    const test = itWithLogs(() => v);
    const bucket = bucketName('cli');
    const aws = (...args: string[]) => awsCli(v, args, { cwd: work });

    before(withLogs(() => v, async () => {
      v = await startVaultx({ wiring });
      work = mkdtempSync(join(tmpdir(), 'vaultx-e2e-cli-work-'));
      ok(await aws('s3', 'mb', `s3://${bucket}`));
    }));
    after(async () => {
      await v?.dispose();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    test('s3 mb makes a bucket that s3 ls lists; mb again succeeds (us-east-1 legacy, as S3)', async () => {
      const b = bucketName('mb');
      const r = ok(await aws('s3', 'mb', `s3://${b}`));
      assert.match(r.stdout, new RegExp(`make_bucket: ${b}`));
      const ls = ok(await aws('s3', 'ls'));
      assert.ok(ls.stdout.split('\n').some((l) => l.trim().endsWith(` ${b}`)), ls.stdout);
      assert.ok(ls.stdout.includes(bucket), ls.stdout);
      ok(await aws('s3', 'mb', `s3://${b}`));
      ok(await aws('s3', 'rb', `s3://${b}`));
      const ls2 = ok(await aws('s3', 'ls'));
      assert.ok(!ls2.stdout.includes(b), ls2.stdout);
    });

    test('s3 cp up and down: small, 0-byte, spaces and unicode in the name', async () => {
      const up = join(work, 'cp-up');
      mkdirSync(up, { recursive: true });
      const files: Record<string, Buffer> = {
        'small.txt': Buffer.from('hello from the aws cli\n'.repeat(50)),
        'empty.bin': Buffer.alloc(0),
        'naïve ünïcode 文件 with spaces.dat': randomBytes(70_000),
      };
      for (const [name, data] of Object.entries(files)) {
        writeFileSync(join(up, name), data);
        const r = ok(await aws('s3', 'cp', join(up, name), `s3://${bucket}/cp/${name}`));
        assert.match(r.stdout, /upload:/);
      }
      const down = join(work, 'cp-down');
      mkdirSync(down, { recursive: true });
      for (const [name, data] of Object.entries(files)) {
        ok(await aws('s3', 'cp', `s3://${bucket}/cp/${name}`, join(down, name)));
        assert.ok(readFileSync(join(down, name)).equals(data), `downloaded ${name} differs`);
      }
      // content-type guessed by the CLI from the extension is stored and returned
      const head = json(await aws('s3api', 'head-object', '--bucket', bucket, '--key', 'cp/small.txt'));
      assert.equal(head.ContentType, 'text/plain');
      assert.equal(head.ContentLength, files['small.txt'].length);
      const headEmpty = json(await aws('s3api', 'head-object', '--bucket', bucket, '--key', 'cp/empty.bin'));
      assert.equal(headEmpty.ContentLength, 0);
      assert.equal(headEmpty.ETag, '"d41d8cd98f00b204e9800998ecf8427e"');
      // cp to stdout
      const cat = ok(await aws('s3', 'cp', `s3://${bucket}/cp/small.txt`, '-'));
      assert.equal(cat.stdout, files['small.txt'].toString());
      // missing key
      const missing = await aws('s3', 'cp', `s3://${bucket}/cp/nope.txt`, join(down, 'nope.txt'));
      assert.notEqual(missing.code, 0);
      assert.match(missing.stderr, /404|Not Found/);
      assert.ok(!existsSync(join(down, 'nope.txt')));
    });

    test('s3 ls: buckets, prefixes, recursive with sizes', async () => {
      const b = bucketName('ls');
      ok(await aws('s3', 'mb', `s3://${b}`));
      const src = join(work, 'ls-src');
      mkdirSync(join(src, 'dir a', 'deep'), { recursive: true });
      mkdirSync(join(src, 'dirb'), { recursive: true });
      writeFileSync(join(src, 'top.txt'), 'top');
      writeFileSync(join(src, 'dir a', 'one.txt'), '12345');
      writeFileSync(join(src, 'dir a', 'deep', 'two.txt'), '1234567');
      writeFileSync(join(src, 'dirb', 'zero'), '');
      ok(await aws('s3', 'cp', src, `s3://${b}/`, '--recursive'));

      const top = ok(await aws('s3', 'ls', `s3://${b}/`)).stdout;
      assert.match(top, /^\s+PRE dir a\/$/m);
      assert.match(top, /^\s+PRE dirb\/$/m);
      assert.match(top, /\s3 top\.txt$/m);
      assert.equal(top.trim().split('\n').length, 3, top);

      const sub = ok(await aws('s3', 'ls', `s3://${b}/dir a/`)).stdout;
      assert.match(sub, /^\s+PRE deep\/$/m);
      assert.match(sub, /\s5 one\.txt$/m);
      assert.equal(sub.trim().split('\n').length, 2, sub);

      const rec = ok(await aws('s3', 'ls', `s3://${b}/`, '--recursive')).stdout;
      const lines = rec.trim().split('\n').map((l) => l.trim().split(/\s+/));
      const entries = lines.map((f) => [f.slice(3).join(' '), Number(f[2])]);
      assert.deepEqual(entries, [
        ['dir a/deep/two.txt', 7],
        ['dir a/one.txt', 5],
        ['dirb/zero', 0],
        ['top.txt', 3],
      ]);
      // a partial name works like a prefix
      const partial = ok(await aws('s3', 'ls', `s3://${b}/to`)).stdout;
      assert.match(partial, /top\.txt/);
      ok(await aws('s3', 'rb', `s3://${b}`, '--force'));
    });

    test('s3 sync up and down; a second sync transfers nothing; --delete removes', async () => {
      const src = join(work, 'sync-src');
      mkdirSync(join(src, 'sub', 'deep'), { recursive: true });
      writeFileSync(join(src, 'a.txt'), 'alpha');
      writeFileSync(join(src, 'sub', 'b.txt'), 'bravo bravo');
      writeFileSync(join(src, 'sub', 'deep', 'c.bin'), randomBytes(100_000));
      writeFileSync(join(src, 'empty'), '');
      // S3 LastModified has 1 s resolution: files written in the same second as
      // their upload would look newer than the copy. Real files are older.
      ageTree(src);

      const first = ok(await aws('s3', 'sync', src, `s3://${bucket}/sync/`)).stdout;
      assert.equal((first.match(/^upload:/gm) ?? []).length, 4, first);
      const second = ok(await aws('s3', 'sync', src, `s3://${bucket}/sync/`)).stdout;
      assert.equal((second.match(/^upload:/gm) ?? []).length, 0, second);

      // change one file's size: only it is uploaded
      writeFileSync(join(src, 'sub', 'b.txt'), 'bravo bravo bravo');
      ageTree(src);
      const third = ok(await aws('s3', 'sync', src, `s3://${bucket}/sync/`)).stdout;
      assert.deepEqual(third.match(/^upload:.*$/gm)?.map((l) => l.replace(/\\/g, '/')).length, 1, third);
      assert.match(third, /sub\/b\.txt/);

      const dst = join(work, 'sync-dst');
      mkdirSync(dst);
      const down = ok(await aws('s3', 'sync', `s3://${bucket}/sync/`, dst)).stdout;
      assert.equal((down.match(/^download:/gm) ?? []).length, 4, down);
      assert.deepEqual(listFiles(dst), listFiles(src));
      for (const f of listFiles(src)) assert.ok(readFileSync(join(dst, f)).equals(readFileSync(join(src, f))), f);
      const down2 = ok(await aws('s3', 'sync', `s3://${bucket}/sync/`, dst)).stdout;
      assert.equal((down2.match(/^download:/gm) ?? []).length, 0, down2);

      rmSync(join(src, 'a.txt'));
      const del = ok(await aws('s3', 'sync', src, `s3://${bucket}/sync/`, '--delete')).stdout;
      assert.match(del, /^delete: s3:\/\/.*\/sync\/a\.txt$/m);
      const ls = ok(await aws('s3', 'ls', `s3://${bucket}/sync/`, '--recursive')).stdout;
      assert.ok(!ls.includes('sync/a.txt'), ls);
      assert.match(ls, /sync\/sub\/b\.txt/);
    });

    test('s3 rm: one key, then --recursive', async () => {
      const src = join(work, 'rm-src');
      mkdirSync(join(src, 'x'), { recursive: true });
      for (let i = 0; i < 5; i++) writeFileSync(join(src, 'x', `f${i}`), `file ${i}`);
      ok(await aws('s3', 'cp', src, `s3://${bucket}/rm/`, '--recursive'));
      const one = ok(await aws('s3', 'rm', `s3://${bucket}/rm/x/f0`)).stdout;
      assert.match(one, /delete: s3:\/\/.*\/rm\/x\/f0/);
      const head = await aws('s3api', 'head-object', '--bucket', bucket, '--key', 'rm/x/f0');
      assert.notEqual(head.code, 0);
      assert.match(head.stderr, /404|Not Found/);
      const ls1 = ok(await aws('s3', 'ls', `s3://${bucket}/rm/`, '--recursive')).stdout;
      assert.equal(ls1.trim().split('\n').length, 4, ls1);
      const rec = ok(await aws('s3', 'rm', `s3://${bucket}/rm/`, '--recursive')).stdout;
      assert.equal((rec.match(/^delete:/gm) ?? []).length, 4, rec);
      const ls2 = await aws('s3', 'ls', `s3://${bucket}/rm/`, '--recursive');
      assert.equal(ls2.stdout.trim(), '');
    });

    test('s3 rb: non-empty fails with BucketNotEmpty, --force empties and removes', async () => {
      const b = bucketName('rb');
      ok(await aws('s3', 'mb', `s3://${b}`));
      writeFileSync(join(work, 'rb.txt'), 'x');
      ok(await aws('s3', 'cp', join(work, 'rb.txt'), `s3://${b}/a/rb.txt`));
      ok(await aws('s3', 'cp', join(work, 'rb.txt'), `s3://${b}/rb.txt`));
      const r = await aws('s3', 'rb', `s3://${b}`);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /BucketNotEmpty/);
      ok(await aws('s3api', 'head-bucket', '--bucket', b));
      const f = ok(await aws('s3', 'rb', `s3://${b}`, '--force')).stdout;
      assert.match(f, /remove_bucket: /);
      const h = await aws('s3api', 'head-bucket', '--bucket', b);
      assert.notEqual(h.code, 0);
      assert.match(h.stderr, /404|Not Found/);
    });

    test('s3 presign: curl fetches it; tampered → SignatureDoesNotMatch; expired → AccessDenied', async () => {
      const body = randomBytes(5000);
      writeFileSync(join(work, 'presign.bin'), body);
      ok(await aws('s3', 'cp', join(work, 'presign.bin'), `s3://${bucket}/pre/sign me.bin`));
      const url = ok(await aws('s3', 'presign', `s3://${bucket}/pre/sign me.bin`)).stdout.trim();
      assert.match(url, /X-Amz-Signature=/);
      const got = await curl(url);
      assert.equal(got.status, 200, got.body.toString());
      assert.ok(got.body.equals(body));

      const tampered = url.replace(/(X-Amz-Signature=[0-9a-f]*)([0-9a-f])/, (_m, a: string, c: string) => a + (c === '0' ? '1' : '0'));
      assert.notEqual(tampered, url);
      const bad = await curl(tampered);
      assert.equal(bad.status, 403);
      assert.match(bad.headers, /content-type: application\/xml/i);
      assert.match(bad.body.toString(), /<Code>SignatureDoesNotMatch<\/Code>/);

      const other = url.replace('sign%20me.bin', 'other.bin');
      assert.notEqual(other, url);
      const badKey = await curl(other);
      assert.equal(badKey.status, 403);
      assert.match(badKey.body.toString(), /<Code>SignatureDoesNotMatch<\/Code>/);

      const short = ok(await aws('s3', 'presign', `s3://${bucket}/pre/sign me.bin`, '--expires-in', '1')).stdout.trim();
      await sleep(2100);
      const expired = await curl(short);
      assert.equal(expired.status, 403);
      assert.match(expired.body.toString(), /<Code>AccessDenied<\/Code>/);
      assert.match(expired.body.toString(), /Request has expired/);
    });

    test('s3api put-object + head-object: ContentLength, ETag, Metadata, ContentType', async () => {
      const data = randomBytes(12345);
      writeFileSync(join(work, 'head.bin'), data);
      const put = json(
        await aws('s3api', 'put-object', '--bucket', bucket, '--key', 'head/obj', '--body', join(work, 'head.bin'), '--content-type', 'application/x-test', '--metadata', 'color=blue,Shape=Round', '--cache-control', 'max-age=60', '--content-disposition', 'attachment; filename="h.bin"'),
      );
      assert.equal(put.ETag, `"${md5Hex(data)}"`);
      const head = json(await aws('s3api', 'head-object', '--bucket', bucket, '--key', 'head/obj'));
      assert.equal(head.ContentLength, data.length);
      assert.equal(head.ETag, `"${md5Hex(data)}"`);
      assert.equal(head.ContentType, 'application/x-test');
      assert.equal(head.CacheControl, 'max-age=60');
      assert.equal(head.ContentDisposition, 'attachment; filename="h.bin"');
      assert.deepEqual(head.Metadata, { color: 'blue', shape: 'Round' });
      assert.ok(!Number.isNaN(Date.parse(head.LastModified)), head.LastModified);
      const missing = await aws('s3api', 'head-object', '--bucket', bucket, '--key', 'head/none');
      assert.notEqual(missing.code, 0);
      assert.match(missing.stderr, /\(404\)/);
    });

    test('s3api get-object --range returns the slice and Content-Range', async () => {
      const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
      writeFileSync(join(work, 'range.bin'), data);
      ok(await aws('s3api', 'put-object', '--bucket', bucket, '--key', 'range/obj', '--body', join(work, 'range.bin')));
      const out = join(work, 'range.out');
      const r = json(await aws('s3api', 'get-object', '--bucket', bucket, '--key', 'range/obj', '--range', 'bytes=100-199', out));
      assert.equal(r.ContentLength, 100);
      assert.equal(r.ContentRange, 'bytes 100-199/1000');
      assert.ok(readFileSync(out).equals(data.subarray(100, 200)));
      const r2 = json(await aws('s3api', 'get-object', '--bucket', bucket, '--key', 'range/obj', '--range', 'bytes=-10', out));
      assert.equal(r2.ContentRange, 'bytes 990-999/1000');
      assert.ok(readFileSync(out).equals(data.subarray(990)));
      const r3 = json(await aws('s3api', 'get-object', '--bucket', bucket, '--key', 'range/obj', '--range', 'bytes=995-', out));
      assert.equal(r3.ContentRange, 'bytes 995-999/1000');
      assert.ok(readFileSync(out).equals(data.subarray(995)));
      const bad = await aws('s3api', 'get-object', '--bucket', bucket, '--key', 'range/obj', '--range', 'bytes=5000-', out);
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /InvalidRange/);
    });

    describe('listings', () => {
      const lb = bucketName('list');
      const keys = Array.from({ length: 25 }, (_, i) => `page/key-${String(i).padStart(2, '0')}`);
      before(withLogs(() => v, async () => {
        ok(await aws('s3', 'mb', `s3://${lb}`));
        const src = join(work, 'list-src');
        mkdirSync(join(src, 'page', 'sub'), { recursive: true });
        mkdirSync(join(src, 'enc'), { recursive: true });
        for (const k of keys) writeFileSync(join(src, k), k);
        writeFileSync(join(src, 'page', 'sub', 'x'), 'x');
        writeFileSync(join(src, 'page', 'sub', 'y'), 'y');
        for (const n of ['a b.txt', 'c&d.txt', 'ü é.txt', 'pct%41.txt']) writeFileSync(join(src, 'enc', n), n);
        writeFileSync(join(src, 'other'), 'o');
        ok(await aws('s3', 'sync', src, `s3://${lb}/`));
      }));

      test('list-objects-v2 --prefix --delimiter', async () => {
        const r = json(await aws('s3api', 'list-objects-v2', '--bucket', lb, '--prefix', 'page/', '--delimiter', '/', '--no-paginate'));
        assert.deepEqual(r.Contents.map((c: any) => c.Key), keys);
        assert.deepEqual(r.CommonPrefixes, [{ Prefix: 'page/sub/' }]);
        assert.equal(r.KeyCount, 26);
        assert.equal(r.Contents[3].Size, keys[3].length);
        assert.equal(r.Contents[3].ETag, `"${md5Hex(keys[3])}"`);
        const root = json(await aws('s3api', 'list-objects-v2', '--bucket', lb, '--delimiter', '/'));
        assert.deepEqual(root.Contents.map((c: any) => c.Key), ['other']);
        assert.deepEqual(root.CommonPrefixes.map((p: any) => p.Prefix), ['enc/', 'page/']);
      });

      test('list-objects-v2 --max-keys: truncated with a continuation token', async () => {
        const r = json(await aws('s3api', 'list-objects-v2', '--bucket', lb, '--prefix', 'page/key-', '--max-keys', '5', '--no-paginate'));
        assert.deepEqual(r.Contents.map((c: any) => c.Key), keys.slice(0, 5));
        assert.equal(r.IsTruncated, true);
        assert.equal(r.KeyCount, 5);
        assert.equal(r.MaxKeys, 5);
        assert.ok(r.NextContinuationToken, 'NextContinuationToken');
        const r2 = json(await aws('s3api', 'list-objects-v2', '--bucket', lb, '--prefix', 'page/key-', '--max-keys', '5', '--continuation-token', r.NextContinuationToken, '--no-paginate'));
        assert.deepEqual(r2.Contents.map((c: any) => c.Key), keys.slice(5, 10));
        assert.equal(r2.ContinuationToken, r.NextContinuationToken);
      });

      test('list-objects-v2 --page-size pages through all 25 keys; --max-items/--starting-token', async () => {
        const all = json(await aws('s3api', 'list-objects-v2', '--bucket', lb, '--prefix', 'page/key-', '--page-size', '4'));
        assert.deepEqual(all.Contents.map((c: any) => c.Key), keys);
        const seen: string[] = [];
        let token: string | undefined;
        let pages = 0;
        do {
          const args = ['s3api', 'list-objects-v2', '--bucket', lb, '--prefix', 'page/key-', '--page-size', '7', '--max-items', '10'];
          if (token) args.push('--starting-token', token);
          const page = json(await aws(...args));
          seen.push(...page.Contents.map((c: any) => c.Key));
          token = page.NextToken;
          pages += 1;
        } while (token && pages < 10);
        assert.equal(pages, 3);
        assert.deepEqual(seen, keys);
      });

      test('list-objects-v2 --start-after', async () => {
        const r = json(await aws('s3api', 'list-objects-v2', '--bucket', lb, '--prefix', 'page/key-', '--start-after', 'page/key-20', '--no-paginate'));
        assert.deepEqual(r.Contents.map((c: any) => c.Key), keys.slice(21));
        assert.equal(r.StartAfter, 'page/key-20');
      });

      test('list-objects-v2 --encoding-type url encodes keys; the CLI\'s own listing decodes them', async () => {
        const r = json(await aws('s3api', 'list-objects-v2', '--bucket', lb, '--prefix', 'enc/', '--encoding-type', 'url', '--no-paginate'));
        assert.equal(r.EncodingType, 'url');
        const rawKeys: string[] = r.Contents.map((c: any) => c.Key);
        const want = ['enc/a b.txt', 'enc/c&d.txt', 'enc/pct%41.txt', 'enc/ü é.txt'];
        assert.deepEqual(rawKeys.map(urlDecodeKey), want);
        assert.ok(rawKeys.every((k) => !/[ &ü]/.test(k)), `keys not encoded: ${rawKeys.join(', ')}`);
        assert.ok(rawKeys.includes('enc/pct%2541.txt'), rawKeys.join(', '));
        const ls = ok(await aws('s3', 'ls', `s3://${lb}/enc/`)).stdout;
        for (const n of ['a b.txt', 'c&d.txt', 'ü é.txt', 'pct%41.txt']) assert.ok(ls.includes(` ${n}`), ls);
      });

      test('list-objects (v1) with --marker and truncation', async () => {
        const r = json(await aws('s3api', 'list-objects', '--bucket', lb, '--prefix', 'page/key-', '--marker', 'page/key-19', '--no-paginate'));
        assert.deepEqual(r.Contents.map((c: any) => c.Key), keys.slice(20));
        assert.equal(r.Marker, 'page/key-19');
        assert.equal(r.IsTruncated, false);
        const t = json(await aws('s3api', 'list-objects', '--bucket', lb, '--prefix', 'page/key-', '--max-keys', '6', '--no-paginate'));
        assert.equal(t.Contents.length, 6);
        assert.equal(t.IsTruncated, true);
        const all = json(await aws('s3api', 'list-objects', '--bucket', lb, '--prefix', 'page/', '--page-size', '6'));
        assert.deepEqual(all.Contents.map((c: any) => c.Key), [...keys, 'page/sub/x', 'page/sub/y']);
        const d = json(await aws('s3api', 'list-objects', '--bucket', lb, '--delimiter', '/', '--prefix', 'page/', '--max-keys', '30', '--no-paginate'));
        assert.deepEqual(d.CommonPrefixes, [{ Prefix: 'page/sub/' }]);
      });

      test('s3api delete-objects: deletes, reports a missing key as deleted, --quiet', async () => {
        const del = JSON.stringify({ Objects: [{ Key: 'page/key-00' }, { Key: 'page/key-01' }, { Key: 'page/does-not-exist' }] });
        const r = json(await aws('s3api', 'delete-objects', '--bucket', lb, '--delete', del));
        assert.deepEqual(r.Deleted.map((d: any) => d.Key).sort(), ['page/does-not-exist', 'page/key-00', 'page/key-01']);
        assert.equal(r.Errors, undefined);
        const q = await aws('s3api', 'delete-objects', '--bucket', lb, '--delete', JSON.stringify({ Objects: [{ Key: 'page/key-02' }], Quiet: true }));
        ok(q);
        const qj = q.stdout.trim() ? JSON.parse(q.stdout) : {};
        assert.equal(qj.Deleted, undefined);
        const left = json(await aws('s3api', 'list-objects-v2', '--bucket', lb, '--prefix', 'page/key-'));
        assert.deepEqual(left.Contents.map((c: any) => c.Key), keys.slice(3));
      });
    });

    test('s3api copy-object: COPY keeps metadata, REPLACE replaces it and the content type', async () => {
      const data = randomBytes(3000);
      writeFileSync(join(work, 'copy.bin'), data);
      ok(await aws('s3api', 'put-object', '--bucket', bucket, '--key', 'copy/src file ü', '--body', join(work, 'copy.bin'), '--content-type', 'text/x-src', '--metadata', 'a=1,b=two'));
      const c1 = json(await aws('s3api', 'copy-object', '--bucket', bucket, '--key', 'copy/dst1', '--copy-source', `${bucket}/copy/src file ü`, '--metadata-directive', 'COPY'));
      assert.equal(c1.CopyObjectResult.ETag, `"${md5Hex(data)}"`);
      const h1 = json(await aws('s3api', 'head-object', '--bucket', bucket, '--key', 'copy/dst1'));
      assert.deepEqual(h1.Metadata, { a: '1', b: 'two' });
      assert.equal(h1.ContentType, 'text/x-src');
      assert.equal(h1.ContentLength, data.length);

      json(await aws('s3api', 'copy-object', '--bucket', bucket, '--key', 'copy/dst2', '--copy-source', `${bucket}/copy/src file ü`, '--metadata-directive', 'REPLACE', '--metadata', 'c=3', '--content-type', 'application/json'));
      const h2 = json(await aws('s3api', 'head-object', '--bucket', bucket, '--key', 'copy/dst2'));
      assert.deepEqual(h2.Metadata, { c: '3' });
      assert.equal(h2.ContentType, 'application/json');
      assert.equal(h2.ETag, `"${md5Hex(data)}"`);
      const out = join(work, 'copy.out');
      ok(await aws('s3api', 'get-object', '--bucket', bucket, '--key', 'copy/dst2', out));
      assert.ok(readFileSync(out).equals(data));
      // the source is unchanged
      const hs = json(await aws('s3api', 'head-object', '--bucket', bucket, '--key', 'copy/src file ü'));
      assert.deepEqual(hs.Metadata, { a: '1', b: 'two' });
      // copying a missing source
      const miss = await aws('s3api', 'copy-object', '--bucket', bucket, '--key', 'copy/dst3', '--copy-source', `${bucket}/copy/nope`);
      assert.notEqual(miss.code, 0);
      assert.match(miss.stderr, /NoSuchKey/);
    });

    test('s3api get-bucket-location and head-bucket', async () => {
      const loc = json(await aws('s3api', 'get-bucket-location', '--bucket', bucket));
      // us-east-1 buckets have a null LocationConstraint, as in Amazon S3
      assert.equal(loc.LocationConstraint ?? null, null);
      ok(await aws('s3api', 'head-bucket', '--bucket', bucket));
      const missing = await aws('s3api', 'head-bucket', '--bucket', bucketName('missing'));
      assert.notEqual(missing.code, 0);
      assert.match(missing.stderr, /\(404\)/);
      const gl = await aws('s3api', 'get-bucket-location', '--bucket', bucketName('missing'));
      assert.notEqual(gl.code, 0);
      assert.match(gl.stderr, /NoSuchBucket/);
    });
  });
}
