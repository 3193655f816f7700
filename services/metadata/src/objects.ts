/**
 * Objects: the current record of a key (`o/<bucket>/<key>`), replaced whole
 * (last writer wins), with chunk reference counts kept in the same atomic
 * update (see keys.ts for r/ and g/).
 *
 * kv.update needs its key set up front, but the r/ keys to touch depend on the
 * record being replaced. So each write first reads that record (optimistic),
 * then runs the update over o/, b/ and the r/ + g/ keys of: the old chunks,
 * the new chunks, and the chunks other writers of this process are about to
 * put under the same key (ctx.intents). If, inside the update, the current
 * record references a chunk outside that set (a writer in another process, or
 * one that started meanwhile, replaced it), the update aborts and is retried
 * with the record it found added to the set. Concurrent writers of one key in
 * one process therefore batch into one LMDB transaction without retrying.
 */
import { S3Error } from '@vaultx/s3-protocol';
import type { ObjectRecord, MetadataInput, MetadataOutput } from '@vaultx/metadata-client';
import type { KvValue } from '@vaultx/storage';
import { isWellFormed } from '@vaultx/storage';
import { assertBucketNameUsable, noSuchBucket, requireWritableBucket } from './buckets.ts';
import { type Ctx, Retry, withRetry } from './context.ts';
import { MAX_KEY_BYTES, bucketKey, gcKey, inlineDataKey, objectKey, refKey } from './keys.ts';
import { refDeltaWrites } from './ref-counts.ts';

export function noSuchKey(key: string): S3Error {
  return new S3Error('NoSuchKey', undefined, { Key: key });
}

/** True when `key` could be stored at all (well-formed, at most 1,024 UTF-8 bytes). */
export function isStorableKey(key: string): boolean {
  return isWellFormed(key) && Buffer.byteLength(key, 'utf8') <= MAX_KEY_BYTES;
}

function assertStorableKey(key: string): void {
  if (!isWellFormed(key)) throw new S3Error('InvalidArgument', 'The object key is not valid UTF-8.', { Key: key });
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) throw new S3Error('KeyTooLongError', undefined, { Key: key });
}

/** Applies zod's defaults for callers that skipped the schema (in-process wiring). */
function normalizeRecord(r: MetadataInput<'putObject'>['record']): ObjectRecord {
  return { ...r, storageClass: r.storageClass ?? 'STANDARD', headers: r.headers ?? {}, userMeta: r.userMeta ?? {} };
}

function chunkCounts(rec: ObjectRecord | undefined): Map<string, number> {
  const m = new Map<string, number>();
  for (const c of rec?.chunks ?? []) m.set(c.id, (m.get(c.id) ?? 0) + 1);
  return m;
}

/** The r/ and g/ keys an update must hold to re-count the chunks of these records and in-flight writes. */
function refKeysFor(
  intents: Map<string, number> | undefined,
  ...recs: Array<ObjectRecord | undefined>
): { ids: Set<string>; keys: string[] } {
  const ids = new Set<string>(intents?.keys() ?? []);
  for (const r of recs) for (const c of r?.chunks ?? []) ids.add(c.id);
  const keys: string[] = [];
  for (const id of ids) keys.push(refKey(id), gcKey(id));
  return { ids, keys };
}

/** Announces the chunks a write is about to reference under `ok`; returns the undo. */
function announce(ctx: Ctx, ok: string, rec: ObjectRecord): () => void {
  let m = ctx.intents.get(ok);
  if (!m) ctx.intents.set(ok, (m = new Map()));
  const ids = [...new Set(rec.chunks.map((c) => c.id))];
  for (const id of ids) m.set(id, (m.get(id) ?? 0) + 1);
  return () => {
    for (const id of ids) {
      const n = (m.get(id) ?? 1) - 1;
      if (n > 0) m.set(id, n);
      else m.delete(id);
    }
    if (m.size === 0 && ctx.intents.get(ok) === m) ctx.intents.delete(ok);
  };
}

/**
 * The writes that move reference counts from `prev` to `next` (either may be
 * undefined): +1 per occurrence in next, −1 per occurrence in prev.
 */
function refWrites(
  cur: Map<string, KvValue | undefined>,
  prev: ObjectRecord | undefined,
  next: ObjectRecord | undefined,
  now: Date,
  writes: Map<string, KvValue | null>,
): void {
  const delta = chunkCounts(next);
  for (const [id, n] of chunkCounts(prev)) delta.set(id, (delta.get(id) ?? 0) - n);
  refDeltaWrites(cur, delta, now, writes);
}

/** Normalises an If-Match / If-None-Match value to a list of bare ETags ('*' kept). */
function etagList(header: string): string[] {
  return header
    .split(',')
    .map((s) => s.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1'))
    .filter((s) => s.length > 0);
}

function checkConditions(prev: ObjectRecord | undefined, key: string, ifMatch?: string, ifNoneMatch?: string): void {
  if (ifMatch !== undefined) {
    // S3: If-Match on a key that does not exist is 404 NoSuchKey; a different ETag is 412.
    if (!prev) throw noSuchKey(key);
    const tags = etagList(ifMatch);
    if (!tags.includes('*') && !tags.includes(prev.etag)) {
      throw new S3Error('PreconditionFailed', undefined, { Condition: 'If-Match' });
    }
  }
  if (ifNoneMatch !== undefined && prev) {
    const tags = etagList(ifNoneMatch);
    if (tags.includes('*') || tags.includes(prev.etag)) {
      throw new S3Error('PreconditionFailed', undefined, { Condition: 'If-None-Match' });
    }
  }
}

export async function putObject(ctx: Ctx, input: MetadataInput<'putObject'>): Promise<MetadataOutput<'putObject'>> {
  const record = normalizeRecord(input.record);
  const { bucket, key } = record;
  assertBucketNameUsable(bucket);
  assertStorableKey(key);
  const bk = bucketKey(bucket);
  const ok = objectKey(bucket, key);
  const dk = inlineDataKey(bucket, key);
  // The record under o/ never carries inline bytes: a non-empty record without chunks has them under d/.
  const { inline, ...stored } = record;
  const done = announce(ctx, ok, record);
  try {
    return await withRetry<MetadataOutput<'putObject'>, ObjectRecord>(async (last) => {
      const seen = last ? last.seen : await ctx.kv.get<ObjectRecord>(ok);
      const { ids, keys } = refKeysFor(ctx.intents.get(ok), seen, record);
      return ctx.kv.update([bk, ok, dk, ...keys], (cur) => {
        const now = ctx.now();
        requireWritableBucket(cur.get(bk), bucket, now);
        const prev = cur.get(ok) as ObjectRecord | undefined;
        if (prev && !prev.chunks.every((c) => ids.has(c.id))) throw new Retry(prev);
        checkConditions(prev, key, input.ifMatch, input.ifNoneMatch);
        const writes = new Map<string, KvValue | null>([
          [ok, stored],
          [dk, inline ?? null],
        ]);
        refWrites(cur, prev, record, now, writes);
        return { writes, result: { record } };
      });
    });
  } finally {
    done();
  }
}

/** A non-empty object without chunks keeps its bytes inline (under d/). */
export function isInline(rec: ObjectRecord): boolean {
  return rec.size > 0 && rec.chunks.length === 0;
}

async function readInline(ctx: Ctx, bucket: string, key: string): Promise<string> {
  const data = await ctx.kv.get<string>(inlineDataKey(bucket, key));
  // The record and its data are written in one atomic update; a gap here is corruption.
  if (typeof data !== 'string') throw new S3Error('InternalError', `inline data missing for ${bucket}/${key}`);
  return data;
}

export async function getObject(ctx: Ctx, input: MetadataInput<'getObject'>): Promise<MetadataOutput<'getObject'>> {
  const { bucket, key } = input;
  assertBucketNameUsable(bucket);
  if (isStorableKey(key)) {
    const rec = await ctx.kv.get<ObjectRecord>(objectKey(bucket, key));
    if (rec) return isInline(rec) ? { ...rec, inline: await readInline(ctx, bucket, key) } : rec;
  }
  if ((await ctx.kv.get(bucketKey(bucket))) === undefined) throw noSuchBucket(bucket);
  throw noSuchKey(key);
}

/** S3 DeleteObject is idempotent: a missing key is `{ deleted: false }`, not an error. */
/** A conditional delete's preconditions on the existing object (S3: 412 PreconditionFailed when one fails). */
function checkDeleteConditions(prev: ObjectRecord, input: MetadataInput<'deleteObject'>): void {
  checkConditions(prev, input.key, input.ifMatch);
  const fail = (condition: string) => new S3Error('PreconditionFailed', undefined, { Condition: condition });
  if (input.ifMatchLastModifiedTime !== undefined) {
    const want = Math.floor(Date.parse(input.ifMatchLastModifiedTime) / 1000);
    if (want !== Math.floor(Date.parse(prev.lastModified) / 1000)) throw fail('x-amz-if-match-last-modified-time');
  }
  if (input.ifMatchSize !== undefined && input.ifMatchSize !== prev.size) throw fail('x-amz-if-match-size');
}

export async function deleteObject(ctx: Ctx, input: MetadataInput<'deleteObject'>): Promise<MetadataOutput<'deleteObject'>> {
  const { bucket, key } = input;
  assertBucketNameUsable(bucket);
  const bk = bucketKey(bucket);
  if (!isStorableKey(key)) {
    if ((await ctx.kv.get(bk)) === undefined) throw noSuchBucket(bucket);
    return { deleted: false };
  }
  const ok = objectKey(bucket, key);
  return withRetry<{ deleted: boolean }, ObjectRecord>(async (last) => {
    const seen = last ? last.seen : await ctx.kv.get<ObjectRecord>(ok);
    const { ids, keys } = refKeysFor(ctx.intents.get(ok), seen);
    return ctx.kv.update<{ deleted: boolean }>([bk, ok, inlineDataKey(bucket, key), ...keys], (cur) => {
      if (cur.get(bk) === undefined) throw noSuchBucket(bucket);
      const prev = cur.get(ok) as ObjectRecord | undefined;
      if (!prev) return { writes: new Map<string, KvValue | null>(), result: { deleted: false } };
      checkDeleteConditions(prev, input);
      if (!prev.chunks.every((c) => ids.has(c.id))) throw new Retry(prev);
      const writes = new Map<string, KvValue | null>([[ok, null]]);
      if (isInline(prev)) writes.set(inlineDataKey(bucket, key), null);
      refWrites(cur, prev, undefined, ctx.now(), writes);
      return { writes, result: { deleted: true } };
    });
  });
}
