/**
 * Listing conformance: ListObjects (V1), ListObjectsV2 and ListBuckets behave
 * as Amazon S3 does, case by case as the public Ceph S3 conformance suite
 * (ceph/s3-tests, s3tests_boto3/functional/test_s3.py) checks them. Each
 * test names the s3-tests cases it covers; the expectations are re-expressed
 * here against @aws-sdk/client-s3 (and raw signed requests where the SDK
 * would hide what is on the wire), in both wirings.
 */
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  S3Client,
  CreateBucketCommand,
  PutObjectCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListBucketsCommand,
  type ListObjectsCommandOutput,
  type ListObjectsV2CommandOutput,
} from '@aws-sdk/client-s3';
import { startVaultx, wirings, itWithLogs, s3Client, bucketName, createUserWithKey, type Vaultx } from './harness.ts';
import { expectS3Error } from './lib/expect-error.ts';
import { XMLParser } from 'fast-xml-parser';
import { raw } from './lib/raw.ts';

type Version = 1 | 2;

// Reads character references (S3 sends a newline in text as `&#xa;`) and keeps whitespace, as botocore's reader does.
const xml = new XMLParser({ ignoreAttributes: true, parseTagValue: false, processEntities: true, htmlEntities: true, trimValues: false });

interface ListArgs {
  prefix?: string;
  delimiter?: string;
  maxKeys?: number;
  /** V1 marker / V2 start-after */
  after?: string;
  /** V2 only */
  token?: string;
  encodingType?: 'url';
  fetchOwner?: boolean;
}

interface Listed {
  keys: string[];
  prefixes: string[];
  isTruncated: boolean | undefined;
  /** V1 NextMarker / V2 NextContinuationToken */
  next: string | undefined;
  out: ListObjectsCommandOutput | ListObjectsV2CommandOutput;
}

for (const wiring of wirings()) {
  describe(`listing conformance (${wiring})`, () => {
    let v: Vaultx;
    let s3: S3Client;
    const test = itWithLogs(() => v);

    before(async () => {
      v = await startVaultx({ wiring });
      s3 = s3Client(v);
    });
    after(async () => {
      s3?.destroy();
      await v?.dispose();
    });

    /** A new bucket holding `keys`, each object's body being its key. */
    async function bucketWith(keys: string[], client: S3Client = s3): Promise<string> {
      const b = bucketName('conf');
      await client.send(new CreateBucketCommand({ Bucket: b }));
      for (const k of keys) await client.send(new PutObjectCommand({ Bucket: b, Key: k, Body: k }));
      return b;
    }

    async function list(version: Version, bucket: string, a: ListArgs = {}): Promise<Listed> {
      if (version === 1) {
        const out = await s3.send(
          new ListObjectsCommand({
            Bucket: bucket, Prefix: a.prefix, Delimiter: a.delimiter, MaxKeys: a.maxKeys, Marker: a.after, EncodingType: a.encodingType,
          }),
        );
        return {
          keys: (out.Contents ?? []).map((c) => c.Key as string),
          prefixes: (out.CommonPrefixes ?? []).map((p) => p.Prefix as string),
          isTruncated: out.IsTruncated,
          next: out.NextMarker,
          out,
        };
      }
      const out = await s3.send(
        new ListObjectsV2Command({
          Bucket: bucket, Prefix: a.prefix, Delimiter: a.delimiter, MaxKeys: a.maxKeys, StartAfter: a.after,
          ContinuationToken: a.token, EncodingType: a.encodingType, FetchOwner: a.fetchOwner,
        }),
      );
      return {
        keys: (out.Contents ?? []).map((c) => c.Key as string),
        prefixes: (out.CommonPrefixes ?? []).map((p) => p.Prefix as string),
        isTruncated: out.IsTruncated,
        next: out.NextContinuationToken,
        out,
      };
    }

    /** The parsed <ListBucketResult> of a raw signed GET (what is on the wire, no SDK in between). */
    async function rawList(bucket: string, query: [string, string][]): Promise<{ status: number; r: Record<string, unknown>; text: string }> {
      const res = await raw(v, { method: 'GET', bucket, query });
      const doc = xml.parse(res.text) as { ListBucketResult?: Record<string, unknown> };
      return { status: res.status, r: doc.ListBucketResult ?? {}, text: res.text };
    }

    for (const version of [1, 2] as const) {
      const V = version === 1 ? 'ListObjects' : 'ListObjectsV2';

      test(`${V}: an empty bucket lists nothing; buckets are distinct (list_empty, list_distinct)`, async () => {
        const empty = await bucketWith([]);
        await bucketWith(['asdf']);
        const r = await list(version, empty);
        assert.deepEqual(r.keys, []);
        assert.equal(r.out.Contents, undefined);
        assert.equal(r.isTruncated, false);
      });

      test(`${V}: max-keys pages, continued by marker/start-after (list_many, listv2_many, maxkeys_one)`, async () => {
        const b = await bucketWith(['foo', 'bar', 'baz', 'quxx']);
        const p1 = await list(version, b, { maxKeys: 2 });
        assert.deepEqual(p1.keys, ['bar', 'baz']);
        assert.equal(p1.isTruncated, true);
        const p2 = await list(version, b, { maxKeys: 2, after: 'baz' });
        assert.deepEqual(p2.keys, ['foo', 'quxx']);
        assert.equal(p2.isTruncated, false);
        const one = await list(version, b, { maxKeys: 1 });
        assert.deepEqual(one.keys, ['bar']);
        assert.equal(one.isTruncated, true);
        const rest = await list(version, b, { after: 'bar' });
        assert.deepEqual(rest.keys, ['baz', 'foo', 'quxx']);
        assert.equal(rest.isTruncated, false);
      });

      test(`${V}: max-keys 0 is an empty, untruncated page; absent is 1000 (maxkeys_zero, maxkeys_none)`, async () => {
        const b = await bucketWith(['bar', 'baz', 'foo', 'quxx']);
        const zero = await list(version, b, { maxKeys: 0 });
        assert.deepEqual(zero.keys, []);
        assert.equal(zero.isTruncated, false);
        assert.equal(zero.out.MaxKeys, 0);
        const none = await list(version, b);
        assert.deepEqual(none.keys, ['bar', 'baz', 'foo', 'quxx']);
        assert.equal(none.isTruncated, false);
        assert.equal(none.out.MaxKeys, 1000);
      });

      test(`${V}: max-keys that is not an integer, or negative, is InvalidArgument (maxkeys_invalid)`, async () => {
        const b = await bucketWith(['bar']);
        const base: [string, string][] = version === 2 ? [['list-type', '2']] : [];
        for (const bad of ['blah', '-1', '1.5', '', '99999999999999999999']) {
          const res = await raw(v, { method: 'GET', bucket: b, query: [...base, ['max-keys', bad]] });
          assert.equal(res.status, 400, `max-keys=${bad}: ${res.text}`);
          assert.equal(res.error?.Code, 'InvalidArgument', `max-keys=${bad}`);
        }
        // above 1000 is clamped to 1000, not refused
        const big = await list(version, b, { maxKeys: 5000 });
        assert.deepEqual(big.keys, ['bar']);
        assert.equal(big.out.MaxKeys, 1000);
      });

      test(`${V}: delimiter rolls keys up into common prefixes (delimiter_basic)`, async () => {
        const b = await bucketWith(['foo/bar', 'foo/bar/xyzzy', 'quux/thud', 'asdf']);
        const r = await list(version, b, { delimiter: '/' });
        assert.equal(r.out.Delimiter, '/');
        assert.deepEqual(r.keys, ['asdf']);
        assert.deepEqual(r.prefixes, ['foo/', 'quux/']);
        if (version === 2) assert.equal((r.out as ListObjectsV2CommandOutput).KeyCount, 3);
      });

      test(`${V}: encoding-type=url encodes keys and prefixes, '+' as %2B and ' ' as %20 (list_encoding_basic)`, async () => {
        const b = await bucketWith(['foo+1/bar', 'foo/bar/xyzzy', 'quux ab/thud', 'asdf+b']);
        const r = await list(version, b, { delimiter: '/', encodingType: 'url' });
        assert.equal(r.out.Delimiter, '/');
        assert.equal(r.out.EncodingType, 'url');
        assert.deepEqual(r.keys, ['asdf%2Bb']);
        assert.deepEqual(r.prefixes, ['foo%2B1/', 'foo/', 'quux%20ab/']);
      });

      test(`${V}: encoding-type other than url is InvalidArgument`, async () => {
        const b = await bucketWith(['a']);
        const base: [string, string][] = version === 2 ? [['list-type', '2']] : [];
        const res = await raw(v, { method: 'GET', bucket: b, query: [...base, ['encoding-type', 'base64']] });
        assert.equal(res.status, 400);
        assert.equal(res.error?.Code, 'InvalidArgument');
      });

      test(`${V}: common prefixes count toward max-keys while paging with a delimiter (delimiter_prefix, delimiter_prefix_underscore)`, async () => {
        for (const [keys, k0, cp1, cp2, sub, subKey, subCp] of [
          [['asdf', 'boo/bar', 'boo/baz/xyzzy', 'cquux/thud', 'cquux/bla'], 'asdf', 'boo/', 'cquux/', 'boo/', 'boo/bar', 'boo/baz/'],
          [['_obj1_', '_under1/bar', '_under1/baz/xyzzy', '_under2/thud', '_under2/bla'], '_obj1_', '_under1/', '_under2/', '_under1/', '_under1/bar', '_under1/baz/'],
        ] as const) {
          const b = await bucketWith([...keys]);
          // 1 per page
          let r = await list(version, b, { delimiter: '/', maxKeys: 1 });
          assert.deepEqual([r.keys, r.prefixes, r.isTruncated], [[k0], [], true]);
          if (version === 1) assert.equal(r.next, k0);
          r = await list(version, b, { delimiter: '/', maxKeys: 1, ...(version === 1 ? { after: r.next } : { token: r.next }) });
          assert.deepEqual([r.keys, r.prefixes, r.isTruncated], [[], [cp1], true]);
          if (version === 1) assert.equal(r.next, cp1);
          r = await list(version, b, { delimiter: '/', maxKeys: 1, ...(version === 1 ? { after: r.next } : { token: r.next }) });
          assert.deepEqual([r.keys, r.prefixes, r.isTruncated, r.next], [[], [cp2], false, undefined]);
          // 2 per page
          r = await list(version, b, { delimiter: '/', maxKeys: 2 });
          assert.deepEqual([r.keys, r.prefixes, r.isTruncated], [[k0], [cp1], true]);
          if (version === 1) assert.equal(r.next, cp1);
          r = await list(version, b, { delimiter: '/', maxKeys: 2, ...(version === 1 ? { after: r.next } : { token: r.next }) });
          assert.deepEqual([r.keys, r.prefixes, r.isTruncated, r.next], [[], [cp2], false, undefined]);
          // inside a prefix
          r = await list(version, b, { prefix: sub, delimiter: '/', maxKeys: 1 });
          assert.deepEqual([r.keys, r.prefixes, r.isTruncated], [[subKey], [], true]);
          if (version === 1) assert.equal(r.next, subKey);
          r = await list(version, b, { prefix: sub, delimiter: '/', maxKeys: 1, ...(version === 1 ? { after: r.next } : { token: r.next }) });
          assert.deepEqual([r.keys, r.prefixes, r.isTruncated, r.next], [[], [subCp], false, undefined]);
          r = await list(version, b, { prefix: sub, delimiter: '/', maxKeys: 2 });
          assert.deepEqual([r.keys, r.prefixes, r.isTruncated, r.next], [[subKey], [subCp], false, undefined]);
        }
      });

      test(`${V}: a key equal to a prefix ending in the delimiter is a key, not a common prefix (delimiter_prefix_ends_with_delimiter)`, async () => {
        const b = await bucketWith(['asdf/']);
        const r = await list(version, b, { prefix: 'asdf/', delimiter: '/', maxKeys: 1000 });
        assert.deepEqual([r.keys, r.prefixes, r.isTruncated, r.next], [['asdf/'], [], false, undefined]);
      });

      test(`${V}: delimiters other than '/' ('a', '%', ' ', '.') (delimiter_alt, _percentage, _whitespace, _dot)`, async () => {
        for (const d of ['a', '%', ' ', '.']) {
          const keys = d === 'a' ? ['bar', 'baz', 'cab', 'foo'] : [`b${d}ar`, `b${d}az`, `c${d}ab`, 'foo'];
          const b = await bucketWith(keys);
          const r = await list(version, b, { delimiter: d });
          assert.equal(r.out.Delimiter, d);
          assert.deepEqual(r.keys, ['foo']);
          assert.deepEqual(r.prefixes, d === 'a' ? ['ba', 'ca'] : [`b${d}`, `c${d}`]);
        }
      });

      test(`${V}: a delimiter no key contains, an empty one and none at all (delimiter_not_exist, _empty, _none, _unreadable)`, async () => {
        const keys = ['bar', 'baz', 'cab', 'foo'];
        const b = await bucketWith(keys);
        const slash = await list(version, b, { delimiter: '/' });
        assert.equal(slash.out.Delimiter, '/');
        assert.deepEqual([slash.keys, slash.prefixes], [keys, []]);
        const empty = await list(version, b, { delimiter: '' });
        assert.equal(empty.out.Delimiter, undefined);
        assert.deepEqual([empty.keys, empty.prefixes], [keys, []]);
        const none = await list(version, b);
        assert.equal(none.out.Delimiter, undefined);
        assert.deepEqual([none.keys, none.prefixes], [keys, []]);
        // '\n' as the delimiter: echoed as sent (checked on the wire: the SDK's
        // XML reader turns whitespace-only text into '')
        const base: [string, string][] = version === 2 ? [['list-type', '2']] : [];
        const nl = await rawList(b, [...base, ['delimiter', '\n']]);
        assert.equal(nl.status, 200, nl.text);
        assert.equal(nl.r.Delimiter, '\n');
        assert.equal(nl.r.CommonPrefixes, undefined);
        assert.equal((nl.r.Contents as unknown[]).length, 4);
      });

      test(`${V}: a common prefix with more than max-keys keys under it counts once (delimiter_not_skip_special)`, async () => {
        const under = ['0/', ...Array.from({ length: 999 }, (_, i) => `0/${1000 + i}`)];
        const top = ['1999', '1999#', '1999+', '2000'];
        const b = await bucketWith([]);
        for (let i = 0; i < under.length; i += 50) {
          await Promise.all(under.slice(i, i + 50).map((k) => s3.send(new PutObjectCommand({ Bucket: b, Key: k, Body: k }))));
        }
        for (const k of top) await s3.send(new PutObjectCommand({ Bucket: b, Key: k, Body: k }));
        const r = await list(version, b, { delimiter: '/' });
        assert.equal(r.out.Delimiter, '/');
        assert.deepEqual(r.keys, top);
        assert.deepEqual(r.prefixes, ['0/']);
        assert.equal(r.isTruncated, false);
      });

      test(`${V}: prefix filters and is echoed (prefix_basic, _alt, _empty, _none, _not_exist, _unreadable)`, async () => {
        const b = await bucketWith(['foo/bar', 'foo/baz', 'quux']);
        const basic = await list(version, b, { prefix: 'foo/' });
        assert.equal(basic.out.Prefix, 'foo/');
        assert.deepEqual([basic.keys, basic.prefixes], [['foo/bar', 'foo/baz'], []]);
        const empty = await list(version, b, { prefix: '' });
        assert.equal(empty.out.Prefix ?? '', '');
        assert.deepEqual(empty.keys, ['foo/bar', 'foo/baz', 'quux']);
        const none = await list(version, b);
        assert.deepEqual(none.keys, ['foo/bar', 'foo/baz', 'quux']);
        const missing = await list(version, b, { prefix: 'd' });
        assert.equal(missing.out.Prefix, 'd');
        assert.deepEqual([missing.keys, missing.prefixes], [[], []]);
        const b2 = await bucketWith(['bar', 'baz', 'foo']);
        const alt = await list(version, b2, { prefix: 'ba' });
        assert.equal(alt.out.Prefix, 'ba');
        assert.deepEqual(alt.keys, ['bar', 'baz']);
        const base: [string, string][] = version === 2 ? [['list-type', '2']] : [];
        const nl = await rawList(b, [...base, ['prefix', '\n']]);
        assert.equal(nl.status, 200, nl.text);
        assert.equal(nl.r.Prefix, '\n');
        assert.equal(nl.r.Contents, undefined);
      });

      test(`${V}: prefix with delimiter (prefix_delimiter_basic, _alt, _prefix_not_exist, _delimiter_not_exist, _prefix_delimiter_not_exist)`, async () => {
        const b = await bucketWith(['foo/bar', 'foo/baz/xyzzy', 'quux/thud', 'asdf']);
        const basic = await list(version, b, { prefix: 'foo/', delimiter: '/' });
        assert.deepEqual([basic.out.Prefix, basic.out.Delimiter], ['foo/', '/']);
        assert.deepEqual([basic.keys, basic.prefixes], [['foo/bar'], ['foo/baz/']]);
        const b2 = await bucketWith(['bar', 'bazar', 'cab', 'foo']);
        const alt = await list(version, b2, { prefix: 'ba', delimiter: 'a' });
        assert.deepEqual([alt.out.Prefix, alt.out.Delimiter], ['ba', 'a']);
        assert.deepEqual([alt.keys, alt.prefixes], [['bar'], ['baza']]);
        const b3 = await bucketWith(['b/a/r', 'b/a/c', 'b/a/g', 'g']);
        const r1 = await list(version, b3, { prefix: '/', delimiter: 'd' });
        assert.deepEqual([r1.keys, r1.prefixes], [[], []]);
        const r2 = await list(version, b3, { prefix: 'b', delimiter: 'z' });
        assert.deepEqual([r2.keys, r2.prefixes], [['b/a/c', 'b/a/g', 'b/a/r'], []]);
        const r3 = await list(version, b3, { prefix: 'y', delimiter: 'z' });
        assert.deepEqual([r3.keys, r3.prefixes], [[], []]);
      });

      test(`${V}: marker/start-after before, between and after the keys (marker_*, startafter_*)`, async () => {
        const keys = ['bar', 'baz', 'foo', 'quxx'];
        const b = await bucketWith(keys);
        const echo = (r: Listed) => (version === 1 ? (r.out as ListObjectsCommandOutput).Marker : (r.out as ListObjectsV2CommandOutput).StartAfter);
        const notIn = await list(version, b, { after: 'blah' });
        assert.equal(echo(notIn), 'blah');
        assert.deepEqual(notIn.keys, ['foo', 'quxx']);
        const past = await list(version, b, { after: 'zzz' });
        assert.equal(echo(past), 'zzz');
        assert.deepEqual(past.keys, []);
        assert.equal(past.isTruncated, false);
        const empty = await list(version, b, { after: '' });
        assert.deepEqual(empty.keys, keys);
        assert.equal(empty.isTruncated, false);
        if (version === 1) {
          assert.equal((empty.out as ListObjectsCommandOutput).Marker, '');
          assert.equal(((await list(1, b)).out as ListObjectsCommandOutput).Marker, ''); // marker_none
        }
        // '\n' sorts before every key: everything is listed, and it is echoed
        const base: [string, string][] = version === 2 ? [['list-type', '2']] : [];
        const nl = await rawList(b, [...base, [version === 1 ? 'marker' : 'start-after', '\n']]);
        assert.equal(nl.status, 200, nl.text);
        assert.equal(version === 1 ? nl.r.Marker : nl.r.StartAfter, '\n');
        assert.equal(nl.r.IsTruncated, 'false');
        assert.equal((nl.r.Contents as unknown[]).length, 4);
      });

      test(`${V}: a missing bucket is NoSuchBucket; an anonymous caller is AccessDenied (bucket_notexist, bucketv2_notexist, objects_anonymous_fail)`, async () => {
        const missing = bucketName('gone');
        await expectS3Error(list(version, missing), 'NoSuchBucket', 404);
        const b = await bucketWith(['x']);
        const base: [string, string][] = version === 2 ? [['list-type', '2']] : [];
        const anon = await raw(v, { method: 'GET', bucket: b, query: base, auth: 'none' });
        assert.equal(anon.status, 403, anon.text);
        assert.equal(anon.error?.Code, 'AccessDenied');
      });

      test(`${V}: entries carry ETag, Size, LastModified and StorageClass as HEAD reports them (list_return_data)`, async () => {
        const keys = ['bar', 'baz', 'foo'];
        const b = await bucketWith(keys);
        const r = await list(version, b, { fetchOwner: true });
        for (const c of r.out.Contents ?? []) {
          const h = await s3.send(new HeadObjectCommand({ Bucket: b, Key: c.Key }));
          assert.equal(c.ETag, h.ETag);
          assert.equal(c.Size, h.ContentLength);
          assert.equal(c.StorageClass, 'STANDARD');
          assert.equal(Math.floor((c.LastModified as Date).getTime() / 1000), Math.floor((h.LastModified as Date).getTime() / 1000));
          assert.ok(c.Owner?.ID, 'Owner.ID');
        }
      });

      test(`${V}: keys with special characters list in byte order and round-trip (create_special_key_names, list_special_prefix)`, async () => {
        const keys = [' ', '"', '$', '%', '&', "'", '<', '>', '_', '_ ', '_ _', '__'];
        const b = await bucketWith(keys);
        assert.deepEqual((await list(version, b)).keys, keys);
        const b2 = await bucketWith(['_bla/1', '_bla/2', '_bla/3', '_bla/4', 'abcd']);
        assert.equal((await list(version, b2)).keys.length, 5);
        assert.equal((await list(version, b2, { prefix: '_bla/' })).keys.length, 4);
      });

      test(`${V}: leading, trailing and doubled slashes, whitespace and unicode under a '/' delimiter, plain and url-encoded`, async () => {
        const keys = ['/lead', '//double/x', 'trail/', 'trail/in', ' sp/ace', 'tab\there', 'ü/ñ.txt', '日本/語', 'z '];
        const b = await bucketWith(keys);
        const sorted = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
        assert.deepEqual((await list(version, b)).keys, sorted);
        const r = await list(version, b, { delimiter: '/' });
        assert.deepEqual(r.keys, ['tab\there', 'z ']);
        assert.deepEqual(r.prefixes, [' sp/', '/', 'trail/', 'ü/', '日本/']);
        const inner = await list(version, b, { prefix: '/', delimiter: '/' });
        assert.deepEqual([inner.keys, inner.prefixes], [['/lead'], ['//']]);
        const trail = await list(version, b, { prefix: 'trail/', delimiter: '/' });
        assert.deepEqual([trail.keys, trail.prefixes], [['trail/', 'trail/in'], []]);
        const enc = await list(version, b, { delimiter: '/', encodingType: 'url' });
        assert.deepEqual(enc.keys, ['tab%09here', 'z%20']);
        assert.deepEqual(enc.prefixes, ['%20sp/', '/', 'trail/', '%C3%BC/', '%E6%97%A5%E6%9C%AC/']);
        assert.deepEqual(enc.prefixes.map((p) => decodeURIComponent(p)), r.prefixes);
      });
    }

    test('ListObjects: NextMarker only with a delimiter; without one the last key continues the listing', async () => {
      const b = await bucketWith(['a', 'b', 'c']);
      const r = await list(1, b, { maxKeys: 2 });
      assert.equal(r.isTruncated, true);
      assert.equal(r.next, undefined);
      const r2 = await list(1, b, { maxKeys: 2, after: r.keys[r.keys.length - 1] });
      assert.deepEqual([r2.keys, r2.isTruncated], [['c'], false]);
    });

    test('ListObjectsV2: KeyCount counts keys and common prefixes (basic_key_count)', async () => {
      const b = await bucketWith(['0', '1', '2', '3', '4']);
      const r = await list(2, b);
      assert.equal((r.out as ListObjectsV2CommandOutput).KeyCount, 5);
      const empty = await list(2, await bucketWith([]));
      assert.equal((empty.out as ListObjectsV2CommandOutput).KeyCount, 0);
    });

    test('ListObjectsV2: Owner only with fetch-owner=true (listv2_fetchowner_notempty, _defaultempty, _empty)', async () => {
      const b = await bucketWith(['foo/bar', 'foo/baz', 'quux']);
      assert.ok((await list(2, b, { fetchOwner: true })).out.Contents?.[0]?.Owner);
      assert.equal((await list(2, b)).out.Contents?.[0]?.Owner, undefined);
      assert.equal((await list(2, b, { fetchOwner: false })).out.Contents?.[0]?.Owner, undefined);
      // V1 always has it
      assert.ok((await list(1, b)).out.Contents?.[0]?.Owner?.ID);
    });

    test('ListObjectsV2: continuation tokens (listv2_continuationtoken, _continuationtoken_empty, _both_continuationtoken_startafter)', async () => {
      const b = await bucketWith(['bar', 'baz', 'foo', 'quxx']);
      const empty = await list(2, b, { token: '' });
      assert.equal((empty.out as ListObjectsV2CommandOutput).ContinuationToken, '');
      assert.deepEqual([empty.keys, empty.isTruncated], [['bar', 'baz', 'foo', 'quxx'], false]);
      const p1 = await list(2, b, { maxKeys: 1 });
      assert.ok(p1.next);
      const p2 = await list(2, b, { token: p1.next });
      assert.equal((p2.out as ListObjectsV2CommandOutput).ContinuationToken, p1.next);
      assert.deepEqual([p2.keys, p2.isTruncated], [['baz', 'foo', 'quxx'], false]);
      const s1 = await list(2, b, { after: 'bar', maxKeys: 1 });
      assert.deepEqual(s1.keys, ['baz']);
      const s2 = await list(2, b, { after: 'bar', token: s1.next });
      assert.equal((s2.out as ListObjectsV2CommandOutput).ContinuationToken, s1.next);
      assert.equal((s2.out as ListObjectsV2CommandOutput).StartAfter, 'bar');
      assert.deepEqual([s2.keys, s2.isTruncated], [['foo', 'quxx'], false]);
      // a token that is not one of ours
      const bad = await raw(v, { method: 'GET', bucket: b, query: [['list-type', '2'], ['continuation-token', 'not a token!']] });
      assert.equal(bad.status, 400, bad.text);
      assert.equal(bad.error?.Code, 'InvalidArgument');
    });

    test('a bucket with a 61-character name lists empty (list_long_name)', async () => {
      const prefix = bucketName('long');
      const name = prefix + 'a'.repeat(61 - prefix.length);
      await s3.send(new CreateBucketCommand({ Bucket: name }));
      const r = await list(2, name);
      assert.deepEqual(r.keys, []);
    });

    describe('ListBuckets', () => {
      test('lists every bucket the caller created, with a recent CreationDate (buckets_create_then_list, buckets_list_ctime)', async () => {
        const since = Date.now() - 24 * 3600 * 1000;
        const names = Array.from({ length: 5 }, () => bucketName('lb'));
        for (const n of names) await s3.send(new CreateBucketCommand({ Bucket: n }));
        const r = await s3.send(new ListBucketsCommand({}));
        const listed = new Map((r.Buckets ?? []).map((b) => [b.Name, b.CreationDate]));
        for (const n of names) {
          assert.ok(listed.has(n), n);
          assert.ok((listed.get(n) as Date).getTime() >= since);
        }
        assert.ok(r.Owner?.ID);
      });

      test('bad credentials are refused with 403 (list_buckets_invalid_auth, list_buckets_bad_auth)', async () => {
        const badKey = s3Client(v, { accessKeyId: 'VXNOSUCHACCESSKEY000', secretAccessKey: 'x'.repeat(40) });
        await expectS3Error(badKey.send(new ListBucketsCommand({})), 'InvalidAccessKeyId', 403);
        badKey.destroy();
        const badSecret = s3Client(v, { accessKeyId: v.accessKeyId, secretAccessKey: 'y'.repeat(40) });
        await expectS3Error(badSecret.send(new ListBucketsCommand({})), 'SignatureDoesNotMatch', 403);
        badSecret.destroy();
      });

      test('max-buckets pages with a continuation token (list_buckets_paginated)', async () => {
        const { creds } = await createUserWithKey(v, `lb-${Date.now()}`);
        const u = s3Client(v, creds);
        try {
          let r = await u.send(new ListBucketsCommand({ MaxBuckets: 1 }));
          assert.deepEqual(r.Buckets ?? [], []);
          assert.equal(r.ContinuationToken, undefined);
          const b1 = bucketName('pg1');
          await u.send(new CreateBucketCommand({ Bucket: b1 }));
          r = await u.send(new ListBucketsCommand({ MaxBuckets: 1 }));
          assert.deepEqual(r.Buckets?.map((b) => b.Name), [b1]);
          assert.equal(r.ContinuationToken, undefined);
          const b2 = bucketName('pg2');
          await u.send(new CreateBucketCommand({ Bucket: b2 }));
          r = await u.send(new ListBucketsCommand({ MaxBuckets: 1 }));
          assert.deepEqual(r.Buckets?.map((b) => b.Name), [b1]);
          assert.ok(r.ContinuationToken);
          r = await u.send(new ListBucketsCommand({ MaxBuckets: 1, ContinuationToken: r.ContinuationToken }));
          assert.deepEqual(r.Buckets?.map((b) => b.Name), [b2]);
          assert.equal(r.ContinuationToken, undefined);
          // no max-buckets: all of them, no token
          r = await u.send(new ListBucketsCommand({}));
          assert.deepEqual(r.Buckets?.map((b) => b.Name), [b1, b2]);
          assert.equal(r.ContinuationToken, undefined);
          // prefix filters and is echoed
          r = await u.send(new ListBucketsCommand({ Prefix: 'pg2-' }));
          assert.deepEqual(r.Buckets?.map((b) => b.Name), [b2]);
          assert.equal(r.Prefix, 'pg2-');
          // max-buckets out of 1..10000 or not a number
          for (const bad of ['0', '-1', '10001', 'x']) {
            const res = await raw(v, { method: 'GET', query: [['max-buckets', bad]], creds });
            assert.equal(res.status, 400, `max-buckets=${bad}: ${res.text}`);
            assert.equal(res.error?.Code, 'InvalidArgument', `max-buckets=${bad}`);
          }
        } finally {
          u.destroy();
        }
      });
    });
  });
}
