import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { PartRecord } from '@vaultx/metadata-client';
import { gcKey, inlineDataKey, refKey } from './keys.ts';
import { cid, openTestEnv, rec, rejectsCode, type TestEnv } from './test-helpers.ts';
import { MIN_PART_SIZE, multipartEtag } from './uploads.ts';

const MiB = 1024 * 1024;

function md5(s: string): string {
  return createHash('md5').update(s).digest('hex');
}

/** A part record: chunk names are turned into ids; size defaults to 5 MiB. */
function part(n: number, chunks: Array<string | number>, opts: { size?: number; etag?: string; checksum?: string } = {}): PartRecord {
  const p: PartRecord = {
    partNumber: n,
    etag: opts.etag ?? md5(`part-${n}-${chunks.join(',')}`),
    size: opts.size ?? MIN_PART_SIZE,
    lastModified: '2025-01-02T03:04:05.000Z',
    chunks: chunks.map((c) => ({ id: cid(c), size: 1 })),
  };
  if (opts.checksum !== undefined) p.checksum = { algorithm: 'CRC32', value: opts.checksum };
  return p;
}

describe('multipart uploads', () => {
  let env: TestEnv;
  const B = 'bkt';

  beforeEach(async () => {
    env = await openTestEnv();
    await env.svc.createBucket({ name: B, owner: 'u-owner', region: 'r' });
  });
  afterEach(async () => {
    await env.cleanup();
  });

  const refs = async (c: string | number) => ((await env.kv.get(refKey(cid(c)))) as { count: number } | undefined)?.count;
  const gc = async (c: string | number) => (await env.kv.get(gcKey(cid(c)))) as { since: string } | undefined;
  const create = (key: string, extra: Record<string, unknown> = {}) =>
    env.svc.createUpload({ bucket: B, key, owner: 'u-owner', storageClass: 'STANDARD', headers: { 'content-type': 'text/plain' }, userMeta: { a: 'b' }, ...extra });

  describe('create / get', () => {
    it('creates an upload with a URL-safe id and reads it back', async () => {
      const u = await create('dir/k', { checksumAlgorithm: 'CRC32', checksumType: 'COMPOSITE' });
      assert.match(u.uploadId, /^[0-9a-f]{44}$/);
      assert.equal(u.initiated, env.clock.now.toISOString());
      assert.deepEqual(await env.svc.getUpload({ bucket: B, key: 'dir/k', uploadId: u.uploadId }), u);
      assert.equal(u.checksumAlgorithm, 'CRC32');
      assert.deepEqual(u.userMeta, { a: 'b' });
    });

    it('ids of later uploads sort after earlier ones', async () => {
      const a = await create('k');
      env.clock.now = new Date(env.clock.now.getTime() + 1);
      const b = await create('k');
      assert.ok(a.uploadId < b.uploadId);
    });

    it('NoSuchUpload for unknown ids, malformed ids and the wrong key; NoSuchBucket for a missing bucket', async () => {
      const u = await create('k');
      await rejectsCode(env.svc.getUpload({ bucket: B, key: 'other', uploadId: u.uploadId }), 'NoSuchUpload');
      await rejectsCode(env.svc.getUpload({ bucket: B, key: 'k', uploadId: 'x/../y' }), 'NoSuchUpload');
      await rejectsCode(env.svc.getUpload({ bucket: B, key: 'k', uploadId: '0'.repeat(44) }), 'NoSuchUpload');
      await rejectsCode(env.svc.getUpload({ bucket: 'nob', key: 'k', uploadId: u.uploadId }), 'NoSuchBucket');
      await rejectsCode(env.svc.createUpload({ bucket: 'nob', key: 'k', owner: 'o', storageClass: 'STANDARD', headers: {}, userMeta: {} }), 'NoSuchBucket');
    });

    it('refuses a checksum type without an algorithm; over-long keys are KeyTooLongError', async () => {
      await rejectsCode(create('k', { checksumType: 'COMPOSITE' }), 'InvalidRequest');
      await rejectsCode(create('x'.repeat(1025)), 'KeyTooLongError');
    });
  });

  describe('parts and references', () => {
    it('a recorded part references its chunks; re-uploading the part number replaces it and releases the old chunks', async () => {
      const u = await create('k');
      const id = { bucket: B, key: 'k', uploadId: u.uploadId };
      const r1 = await env.svc.putPart({ ...id, part: part(1, ['a', 'b', 'a']) });
      assert.equal(r1.replaced, false);
      assert.equal(await refs('a'), 2);
      assert.equal(await refs('b'), 1);
      const r2 = await env.svc.putPart({ ...id, part: part(1, ['b', 'c']) });
      assert.equal(r2.replaced, true);
      assert.equal(await refs('a'), undefined);
      assert.ok(await gc('a'));
      assert.equal(await refs('b'), 1);
      assert.equal(await refs('c'), 1);
      const { parts } = await env.svc.listParts({ ...id, maxParts: 1000 });
      assert.equal(parts.length, 1);
      assert.equal(parts[0]!.etag, r2.part.etag);
    });

    it('putPart on an unknown or aborted upload is NoSuchUpload and references nothing', async () => {
      const u = await create('k');
      await env.svc.abortUpload({ bucket: B, key: 'k', uploadId: u.uploadId });
      await rejectsCode(env.svc.putPart({ bucket: B, key: 'k', uploadId: u.uploadId, part: part(1, ['z']) }), 'NoSuchUpload');
      assert.equal(await refs('z'), undefined);
    });

    it('concurrent uploads of the same part number leave exactly one part and consistent counts', async () => {
      const u = await create('k');
      const id = { bucket: B, key: 'k', uploadId: u.uploadId };
      await Promise.all(Array.from({ length: 8 }, (_, i) => env.svc.putPart({ ...id, part: part(3, [`x${i}`, 'shared']) })));
      const { parts } = await env.svc.listParts({ ...id, maxParts: 1000 });
      assert.equal(parts.length, 1);
      assert.equal(await refs('shared'), 1);
      const live = (await Promise.all(Array.from({ length: 8 }, (_, i) => refs(`x${i}`)))).filter((c) => c !== undefined);
      assert.deepEqual(live, [1]);
    });

    it('abort releases every part; a second abort is NoSuchUpload', async () => {
      const u = await create('k');
      const id = { bucket: B, key: 'k', uploadId: u.uploadId };
      await env.svc.putPart({ ...id, part: part(1, ['a']) });
      await env.svc.putPart({ ...id, part: part(2, ['a', 'b']) });
      assert.equal(await refs('a'), 2);
      assert.deepEqual(await env.svc.abortUpload(id), {});
      assert.equal(await refs('a'), undefined);
      assert.equal(await refs('b'), undefined);
      assert.ok(await gc('b'));
      await rejectsCode(env.svc.abortUpload(id), 'NoSuchUpload');
      await rejectsCode(env.svc.listParts({ ...id, maxParts: 10 }), 'NoSuchUpload');
    });
  });

  describe('listParts', () => {
    it('paginates with maxParts and partNumberMarker (0 allowed)', async () => {
      const u = await create('k');
      const id = { bucket: B, key: 'k', uploadId: u.uploadId };
      for (const n of [1, 2, 3, 5, 10000]) await env.svc.putPart({ ...id, part: part(n, [n]) });
      const p1 = await env.svc.listParts({ ...id, partNumberMarker: 0, maxParts: 2 });
      assert.deepEqual(p1.parts.map((p) => p.partNumber), [1, 2]);
      assert.equal(p1.isTruncated, true);
      assert.equal(p1.nextPartNumberMarker, 2);
      const p2 = await env.svc.listParts({ ...id, partNumberMarker: 2, maxParts: 2 });
      assert.deepEqual(p2.parts.map((p) => p.partNumber), [3, 5]);
      assert.equal(p2.isTruncated, true);
      const p3 = await env.svc.listParts({ ...id, partNumberMarker: 5, maxParts: 2 });
      assert.deepEqual(p3.parts.map((p) => p.partNumber), [10000]);
      assert.equal(p3.isTruncated, false);
      assert.equal(p3.nextPartNumberMarker, 10000);
      const p4 = await env.svc.listParts({ ...id, partNumberMarker: 10000, maxParts: 2 });
      assert.deepEqual(p4.parts, []);
      assert.equal(p4.isTruncated, false);
      assert.equal(p4.upload.uploadId, u.uploadId);
    });
  });

  describe('complete', () => {
    async function setup(key = 'k') {
      const u = await create(key, { checksumAlgorithm: 'CRC32', checksumType: 'COMPOSITE' });
      const id = { bucket: B, key, uploadId: u.uploadId };
      const p1 = part(1, ['a', 'b'], { size: 5 * MiB, checksum: 'AAAAAQ==' });
      const p2 = part(2, ['c'], { size: 6 * MiB, checksum: 'AAAAAg==' });
      const p3 = part(3, ['d', 'a'], { size: 10, checksum: 'AAAAAw==' });
      const p4 = part(4, ['e'], { size: 7 * MiB });
      for (const p of [p1, p2, p3, p4]) await env.svc.putPart({ ...id, part: p });
      return { u, id, p1, p2, p3, p4 };
    }

    it('writes the object from the listed parts: ETag md5-of-MD5s-N, part sizes and ETags, references moved', async () => {
      await env.svc.putObject({ record: rec(B, 'k', { chunks: [cid('old'), cid('a')] }) });
      assert.equal(await refs('a'), 1);
      const { id, p1, p2, p3 } = await setup();
      assert.equal(await refs('a'), 3); // old object + p1 + p3
      const out = await env.svc.completeUpload({
        ...id,
        parts: [p1, p2, p3].map((p) => ({ partNumber: p.partNumber, etag: `"${p.etag}"`, size: p.size, checksum: p.checksum!.value })),
        checksum: { algorithm: 'CRC32', value: 'xyz-3', type: 'COMPOSITE' },
        lastModified: '2025-02-03T04:05:06.000Z',
      });
      assert.equal(out.replayed, false);
      const r = out.record;
      const expected = createHash('md5')
        .update(Buffer.concat([p1, p2, p3].map((p) => Buffer.from(p.etag, 'hex'))))
        .digest('hex');
      assert.equal(r.etag, `${expected}-3`);
      assert.equal(r.etag, multipartEtag([p1.etag, p2.etag, p3.etag]));
      assert.equal(r.size, 11 * MiB + 10);
      assert.deepEqual(r.parts, [
        { partNumber: 1, size: 5 * MiB, etag: p1.etag, checksum: p1.checksum!.value },
        { partNumber: 2, size: 6 * MiB, etag: p2.etag, checksum: p2.checksum!.value },
        { partNumber: 3, size: 10, etag: p3.etag, checksum: p3.checksum!.value },
      ]);
      assert.deepEqual(r.chunks.map((c) => c.id), ['a', 'b', 'c', 'd', 'a'].map((c) => cid(c)));
      assert.deepEqual(r.headers, { 'content-type': 'text/plain' });
      assert.deepEqual(r.userMeta, { a: 'b' });
      assert.deepEqual(r.checksum, { algorithm: 'CRC32', value: 'xyz-3', type: 'COMPOSITE' });
      assert.equal(r.uploadId, id.uploadId);
      assert.deepEqual(await env.svc.getObject({ bucket: B, key: 'k' }), r);
      // exactly the object's chunks stay referenced: old object and unlisted part 4 released
      assert.equal(await refs('a'), 2);
      assert.equal(await refs('b'), 1);
      assert.equal(await refs('c'), 1);
      assert.equal(await refs('d'), 1);
      assert.equal(await refs('e'), undefined);
      assert.ok(await gc('e'));
      assert.equal(await refs('old'), undefined);
      assert.ok(await gc('old'));
      // the upload is gone
      await rejectsCode(env.svc.getUpload(id), 'NoSuchUpload');
      await rejectsCode(env.svc.abortUpload(id), 'NoSuchUpload');
      assert.deepEqual((await env.svc.listUploads({ bucket: B, maxUploads: 10 })).uploads, []);
      // deleting the object frees the rest
      await env.svc.deleteObject({ bucket: B, key: 'k' });
      for (const c of ['a', 'b', 'c', 'd']) assert.equal(await refs(c), undefined);
    });

    it('a retried Complete with the same parts answers the same record; other parts are NoSuchUpload', async () => {
      const { id, p1, p3 } = await setup();
      const parts = [p1, p3].map((p) => ({ partNumber: p.partNumber, etag: p.etag }));
      const first = await env.svc.completeUpload({ ...id, parts, lastModified: '2025-02-03T04:05:06.000Z' });
      const again = await env.svc.completeUpload({ ...id, parts: parts.map((p) => ({ ...p, etag: `"${p.etag}"` })), lastModified: '2025-03-03T04:05:06.000Z' });
      assert.equal(again.replayed, true);
      assert.deepEqual(again.record, first.record);
      await rejectsCode(env.svc.completeUpload({ ...id, parts: [parts[0]!], lastModified: 'x' }), 'NoSuchUpload');
      // once the key is overwritten, the upload is simply gone
      await env.svc.putObject({ record: rec(B, 'k') });
      await rejectsCode(env.svc.completeUpload({ ...id, parts, lastModified: 'x' }), 'NoSuchUpload');
    });

    it('InvalidPartOrder, InvalidPart, EntityTooSmall — and the upload survives each', async () => {
      const { id, p1, p2, p3, p4 } = await setup();
      const lm = '2025-02-03T04:05:06.000Z';
      const ref = (p: PartRecord) => ({ partNumber: p.partNumber, etag: p.etag });
      await rejectsCode(env.svc.completeUpload({ ...id, parts: [ref(p2), ref(p1)], lastModified: lm }), 'InvalidPartOrder');
      await rejectsCode(env.svc.completeUpload({ ...id, parts: [ref(p1), ref(p1)], lastModified: lm }), 'InvalidPartOrder');
      await rejectsCode(env.svc.completeUpload({ ...id, parts: [ref(p1), { partNumber: 9, etag: p2.etag }], lastModified: lm }), 'InvalidPart');
      await rejectsCode(env.svc.completeUpload({ ...id, parts: [ref(p1), { partNumber: 2, etag: p1.etag }], lastModified: lm }), 'InvalidPart');
      await rejectsCode(env.svc.completeUpload({ ...id, parts: [{ ...ref(p1), size: 1 }], lastModified: lm }), 'InvalidPart');
      await rejectsCode(
        env.svc.completeUpload({
          ...id,
          parts: [{ ...ref(p1), checksum: 'wrong' }],
          checksum: { algorithm: 'CRC32', value: 'v-1', type: 'COMPOSITE' },
          lastModified: lm,
        }),
        'InvalidPart',
      );
      const e = await rejectsCode(env.svc.completeUpload({ ...id, parts: [ref(p1), ref(p3), ref(p4)], lastModified: lm }), 'EntityTooSmall');
      assert.equal(e.details.PartNumber, 3);
      assert.equal(e.details.ProposedSize, 10);
      await rejectsCode(env.svc.completeUpload({ ...id, parts: [], lastModified: lm }), 'MalformedXML');
      // nothing changed
      assert.equal((await env.svc.listParts({ ...id, maxParts: 10 })).parts.length, 4);
      await rejectsCode(env.svc.getObject({ bucket: B, key: 'k' }), 'NoSuchKey');
      assert.equal(await refs('a'), 2);
      // a single part below 5 MiB is fine (it is the last)
      const ok = await env.svc.completeUpload({ ...id, parts: [ref(p3)], lastModified: lm });
      assert.equal(ok.record.size, 10);
      assert.equal(await refs('a'), 1);
      assert.equal(await refs('b'), undefined);
    });

    it('replacing a small inline object removes its inline bytes', async () => {
      const small = rec(B, 'k', { size: 3 });
      small.inline = Buffer.from('abc').toString('base64');
      await env.svc.putObject({ record: small });
      assert.equal((await env.svc.getObject({ bucket: B, key: 'k' })).inline, small.inline);
      const { id, p1 } = await setup();
      await env.svc.completeUpload({ ...id, parts: [{ partNumber: 1, etag: p1.etag }], lastModified: 'x' });
      assert.equal(await env.kv.get(inlineDataKey(B, 'k')), undefined);
      const got = await env.svc.getObject({ bucket: B, key: 'k' });
      assert.equal(got.inline, undefined);
      assert.equal(got.size, 5 * MiB);
    });

    it('If-None-Match: * refuses to replace an existing object and keeps the upload', async () => {
      await env.svc.putObject({ record: rec(B, 'k') });
      const { id, p1 } = await setup();
      await rejectsCode(
        env.svc.completeUpload({ ...id, parts: [{ partNumber: 1, etag: p1.etag }], lastModified: 'x', ifNoneMatch: '*' }),
        'PreconditionFailed',
      );
      await env.svc.getUpload(id);
    });

    it('Complete racing Abort: exactly one wins, the other is NoSuchUpload, and no reference leaks', async () => {
      for (let round = 0; round < 10; round++) {
        const key = `race-${round}`;
        const { id, p1, p2 } = await setup(key);
        const parts = [p1, p2].map((p) => ({ partNumber: p.partNumber, etag: p.etag }));
        const [c, a] = await Promise.allSettled([
          env.svc.completeUpload({ ...id, parts, lastModified: '2025-02-03T04:05:06.000Z' }),
          env.svc.abortUpload(id),
        ]);
        const wins = [c, a].filter((r) => r.status === 'fulfilled').length;
        assert.equal(wins, 1, `round ${round}: ${c.status} / ${a.status}`);
        const loser = (c.status === 'rejected' ? c : a) as PromiseRejectedResult;
        assert.equal((loser.reason as { code: string }).code, 'NoSuchUpload');
        if (c.status === 'fulfilled') {
          assert.equal(await refs('a'), 1); // p1 only (p3 released)
          assert.equal(await refs('c'), 1);
          assert.equal(await refs('d'), undefined);
          await env.svc.deleteObject({ bucket: B, key });
        }
        for (const ch of ['a', 'b', 'c', 'd', 'e']) assert.equal(await refs(ch), undefined, `round ${round}: chunk ${ch}`);
      }
    });

    it('a part uploaded while completing is either in the object or released (never leaked)', async () => {
      const { id, p1, p2 } = await setup();
      const parts = [p1, p2].map((p) => ({ partNumber: p.partNumber, etag: p.etag }));
      const [c, p] = await Promise.allSettled([
        env.svc.completeUpload({ ...id, parts, lastModified: 'x' }),
        env.svc.putPart({ ...id, part: part(7, ['late']) }),
      ]);
      assert.equal(c.status, 'fulfilled');
      if (p.status === 'rejected') assert.equal((p.reason as { code: string }).code, 'NoSuchUpload');
      assert.equal(await refs('late'), undefined);
    });
  });

  describe('listUploads', () => {
    it('lists by key then age, with prefix, delimiter and markers', async () => {
      const ids: Record<string, string[]> = {};
      const keys = ['a/1', 'a/2', 'b', 'b', 'c/x/y', 'd', 'nul\u0000x', 'nul'];
      for (const k of keys) {
        env.clock.now = new Date(env.clock.now.getTime() + 1000);
        (ids[k] ??= []).push((await create(k)).uploadId);
      }
      const all = await env.svc.listUploads({ bucket: B, maxUploads: 1000 });
      assert.deepEqual(all.uploads.map((u) => u.key), ['a/1', 'a/2', 'b', 'b', 'c/x/y', 'd', 'nul', 'nul\u0000x']);
      assert.deepEqual(all.uploads.filter((u) => u.key === 'b').map((u) => u.uploadId), ids.b);
      assert.equal(all.isTruncated, false);

      const d = await env.svc.listUploads({ bucket: B, delimiter: '/', maxUploads: 1000 });
      assert.deepEqual(d.commonPrefixes, ['a/', 'c/']);
      assert.deepEqual(d.uploads.map((u) => u.key), ['b', 'b', 'd', 'nul', 'nul\u0000x']);

      const p = await env.svc.listUploads({ bucket: B, prefix: 'c/', delimiter: '/', maxUploads: 1000 });
      assert.deepEqual(p.commonPrefixes, ['c/x/']);
      assert.deepEqual(p.uploads, []);

      // pagination, 2 per page, with the next markers
      const seen: string[] = [];
      let keyMarker: string | undefined;
      let uploadIdMarker: string | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await env.svc.listUploads({ bucket: B, delimiter: '/', keyMarker, uploadIdMarker, maxUploads: 2 });
        const items = [
          ...page.uploads.map((u) => ({ k: u.key, s: `${u.key}#${u.uploadId}` })),
          ...page.commonPrefixes.map((cp) => ({ k: cp, s: cp })),
        ];
        items.sort((x, y) => (x.k < y.k ? -1 : x.k > y.k ? 1 : 0)); // stable: one key's uploads keep their order
        seen.push(...items.map((x) => x.s));
        if (!page.isTruncated) break;
        keyMarker = page.nextKeyMarker;
        uploadIdMarker = page.nextUploadIdMarker;
      }
      assert.deepEqual(seen, [
        'a/',
        `b#${ids.b![0]}`,
        `b#${ids.b![1]}`,
        'c/',
        `d#${ids.d![0]}`,
        `nul#${ids.nul![0]}`,
        `nul\u0000x#${ids['nul\u0000x']![0]}`,
      ]);

      // key-marker alone skips every upload of that key
      const km = await env.svc.listUploads({ bucket: B, keyMarker: 'b', maxUploads: 1000 });
      assert.deepEqual(km.uploads.map((u) => u.key), ['c/x/y', 'd', 'nul', 'nul\u0000x']);
      const kmNul = await env.svc.listUploads({ bucket: B, keyMarker: 'nul', maxUploads: 1000 });
      assert.deepEqual(kmNul.uploads.map((u) => u.key), ['nul\u0000x']);
      await rejectsCode(env.svc.listUploads({ bucket: 'nob', maxUploads: 1 }), 'NoSuchBucket');
      assert.deepEqual((await env.svc.listUploads({ bucket: B, maxUploads: 0 })).uploads, []);
    });
  });

  describe('DeleteBucket', () => {
    it('aborts in-progress uploads of an otherwise empty bucket and releases their chunks', async () => {
      const u = await create('k');
      await env.svc.putPart({ bucket: B, key: 'k', uploadId: u.uploadId, part: part(1, ['p']) });
      assert.equal(await refs('p'), 1);
      await env.svc.deleteBucket({ name: B });
      assert.equal(await refs('p'), undefined);
      assert.ok(await gc('p'));
      await rejectsCode(env.svc.getUpload({ bucket: B, key: 'k', uploadId: u.uploadId }), 'NoSuchBucket');
      // a new bucket of the same name has no uploads
      await env.svc.createBucket({ name: B, owner: 'u-owner', region: 'r' });
      assert.deepEqual((await env.svc.listUploads({ bucket: B, maxUploads: 10 })).uploads, []);
    });

    it('leaves uploads alone when the bucket is not empty', async () => {
      const u = await create('k');
      await env.svc.putObject({ record: rec(B, 'obj') });
      await rejectsCode(env.svc.deleteBucket({ name: B }), 'BucketNotEmpty');
      await env.svc.getUpload({ bucket: B, key: 'k', uploadId: u.uploadId });
    });
  });
});
