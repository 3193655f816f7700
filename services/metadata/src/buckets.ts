/**
 * Buckets: one global namespace (`b/<name>`), plus a per-owner index.
 *
 * DeleteBucket vs a concurrent PutObject: emptiness is a scan, which cannot
 * run inside kv.update, so deletion is three steps:
 *   1. mark the bucket record `deleting` (one update, with a fresh token);
 *   2. scan `o/<bucket>/` for any object;
 *   3. objects found → clear the mark, BucketNotEmpty; none → delete the
 *      record, but only if our mark is still there (same token).
 * PutObject reads the bucket record inside its own update and refuses while
 * the mark is set. LMDB serialises updates, so a put either committed before
 * step 1 (and the scan in step 2 sees its object) or runs after it (and sees
 * the mark): an object can never be left behind in a deleted bucket. A mark
 * older than DELETE_MARK_TTL_MS is ignored (a crash between steps 1 and 3
 * must not wedge the bucket); step 2 takes milliseconds. While a fresh mark
 * is set, object writes and other DeleteBuckets get 503 SlowDown, which SDKs
 * retry (S3 itself answers 409 OperationAborted for such conflicts).
 */
import { randomBytes } from 'node:crypto';
import { S3Error } from '@vaultx/s3-protocol';
import type { BucketRecord, MetadataInput, MetadataOutput } from '@vaultx/metadata-client';
import type { KvValue } from '@vaultx/storage';
import { type Ctx, scanPrefix } from './context.ts';
import { abortBucketUploads } from './uploads.ts';
import { BUCKETS_PREFIX, bucketKey, objectsPrefix, ownerBucketKey, ownerBucketsPrefix } from './keys.ts';

export const DELETE_MARK_TTL_MS = 60_000;

/** What `b/<name>` holds. */
export interface BucketDoc extends BucketRecord {
  deleting?: { token: string; since: string };
}

export function publicBucket(doc: BucketDoc): BucketRecord {
  return { name: doc.name, owner: doc.owner, region: doc.region, createdAt: doc.createdAt };
}

export function noSuchBucket(name: string): S3Error {
  return new S3Error('NoSuchBucket', undefined, { BucketName: name });
}

/** Bucket names with '/' can never exist (they would break the `o/<bucket>/` prefix). */
export function assertBucketNameUsable(name: string): void {
  if (name.includes('/')) throw noSuchBucket(name);
}

/** True while a DeleteBucket holds a fresh mark on the bucket. */
export function isBeingDeleted(doc: BucketDoc, now: Date): boolean {
  return !!doc.deleting && now.getTime() - Date.parse(doc.deleting.since) < DELETE_MARK_TTL_MS;
}

/**
 * For object writes, inside their kv.update: the bucket must exist and not be
 * in the middle of a DeleteBucket (then the client should retry: 503 SlowDown,
 * which SDKs retry; afterwards it gets NoSuchBucket or succeeds).
 */
export function requireWritableBucket(doc: KvValue | undefined, name: string, now: Date): BucketDoc {
  if (doc === undefined) throw noSuchBucket(name);
  const b = doc as BucketDoc;
  if (isBeingDeleted(b, now)) {
    throw new S3Error('SlowDown', 'The bucket is being deleted; please retry.', { BucketName: name });
  }
  return b;
}

export async function createBucket(ctx: Ctx, input: MetadataInput<'createBucket'>): Promise<MetadataOutput<'createBucket'>> {
  const { name, owner, region } = input;
  if (name.includes('/')) throw new S3Error('InvalidBucketName', undefined, { BucketName: name });
  const record: BucketRecord = { name, owner, region, createdAt: ctx.now().toISOString() };
  const bk = bucketKey(name);
  const ok = ownerBucketKey(owner, name);
  // One update: of two concurrent creates exactly one sees the key absent.
  return ctx.kv.update([bk, ok], (cur) => {
    const existing = cur.get(bk) as BucketDoc | undefined;
    if (existing) {
      throw existing.owner === owner
        ? new S3Error('BucketAlreadyOwnedByYou', undefined, { BucketName: name })
        : new S3Error('BucketAlreadyExists', undefined, { BucketName: name });
    }
    return {
      writes: new Map<string, KvValue | null>([
        [bk, record],
        [ok, record],
      ]),
      result: record,
    };
  });
}

/** The bucket as getBucket returns it: the record plus its configurations (listings leave those out). */
function bucketWithConfig(doc: BucketDoc): BucketRecord {
  const b: BucketRecord = publicBucket(doc);
  if (doc.cors !== undefined) b.cors = doc.cors;
  if (doc.tags !== undefined) b.tags = doc.tags;
  return b;
}

export async function getBucket(ctx: Ctx, input: MetadataInput<'getBucket'>): Promise<MetadataOutput<'getBucket'>> {
  if (input.name.includes('/')) throw noSuchBucket(input.name);
  const doc = await ctx.kv.get<BucketDoc>(bucketKey(input.name));
  if (!doc) throw noSuchBucket(input.name);
  return bucketWithConfig(doc);
}

/**
 * Rewrites `b/<name>` with the configurations named in the input (null
 * removes one), all else kept, a DeleteBucket's mark included. The per-owner
 * index copy does not carry configurations, so it is left alone.
 */
export async function putBucketConfig(ctx: Ctx, input: MetadataInput<'putBucketConfig'>): Promise<MetadataOutput<'putBucketConfig'>> {
  const { name } = input;
  if (name.includes('/')) throw noSuchBucket(name);
  const bk = bucketKey(name);
  return ctx.kv.update([bk], (cur) => {
    const doc = cur.get(bk) as BucketDoc | undefined;
    if (!doc) throw noSuchBucket(name);
    const next: BucketDoc = { ...doc };
    if (input.cors === null) delete next.cors;
    else if (input.cors !== undefined) next.cors = input.cors;
    if (input.tags === null) delete next.tags;
    else if (input.tags !== undefined) next.tags = input.tags;
    return { writes: new Map<string, KvValue | null>([[bk, next]]), result: bucketWithConfig(next) };
  });
}

export async function listBuckets(ctx: Ctx, input: MetadataInput<'listBuckets'>): Promise<MetadataOutput<'listBuckets'>> {
  const buckets: BucketRecord[] = [];
  if (input.owner === undefined) {
    for await (const { value } of scanPrefix<BucketDoc>(ctx.kv, BUCKETS_PREFIX)) buckets.push(publicBucket(value));
  } else {
    for await (const { value } of scanPrefix<BucketRecord>(ctx.kv, ownerBucketsPrefix(input.owner))) {
      // The owner id could itself contain '/': keep only exact matches.
      if (value.owner === input.owner) buckets.push(publicBucket(value));
    }
  }
  // Scans return UTF-8 order, which is the order S3 lists bucket names in.
  return { buckets };
}

export async function deleteBucket(ctx: Ctx, input: MetadataInput<'deleteBucket'>): Promise<MetadataOutput<'deleteBucket'>> {
  const { name } = input;
  if (name.includes('/')) throw noSuchBucket(name);
  const bk = bucketKey(name);
  const busy = () => new S3Error('SlowDown', 'Another request is deleting this bucket; please retry.', { BucketName: name });
  // 1. mark (a fresh mark of a concurrent DeleteBucket is left alone: that one decides)
  const token = randomBytes(8).toString('hex');
  const marked = await ctx.kv.update([bk], (cur) => {
    const doc = cur.get(bk) as BucketDoc | undefined;
    if (!doc) throw noSuchBucket(name);
    if (isBeingDeleted(doc, ctx.now())) throw busy();
    const next: BucketDoc = { ...doc, deleting: { token, since: ctx.now().toISOString() } };
    return { writes: new Map<string, KvValue | null>([[bk, next]]), result: next };
  });
  // 2. emptiness (any object; later also versions, …). In-progress multipart
  //    uploads do not keep a bucket alive (as on S3): they are aborted here,
  //    while the mark keeps new uploads and parts out.
  let empty = true;
  for await (const _ of scanPrefix(ctx.kv, objectsPrefix(name), 1)) empty = false;
  if (empty) await abortBucketUploads(ctx, name);
  // 3. unmark, or delete — only while our mark is still the one in place
  const ok = ownerBucketKey(marked.owner, name);
  await ctx.kv.update([bk, ok], (cur) => {
    const doc = cur.get(bk) as BucketDoc | undefined;
    if (!doc) throw noSuchBucket(name);
    if (doc.deleting?.token !== token) throw busy(); // our mark went stale and was taken over
    if (!empty) {
      const { deleting: _, ...rest } = doc;
      return { writes: new Map<string, KvValue | null>([[bk, rest]]), result: undefined };
    }
    return {
      writes: new Map<string, KvValue | null>([
        [bk, null],
        [ok, null],
      ]),
      result: undefined,
    };
  });
  if (!empty) throw new S3Error('BucketNotEmpty', undefined, { BucketName: name });
  return {};
}
