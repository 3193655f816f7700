/**
 * Multipart uploads: the upload documents (`mu/…`), their parts (`mp/…`), and
 * the atomic hand-over of the parts' chunks to an object on completion.
 *
 * Reference counting: a part holds references (r/) to its chunks from the
 * moment it is recorded, exactly like an object record, so a collector never
 * frees them. Replacing a part releases the old one's; aborting releases all;
 * completing moves them: the object references the chunks of the parts it
 * lists, and every part (listed or not) is released, in one kv.update.
 *
 * Consistency: kv.update needs its key set up front, but the parts of an
 * upload are only known from a scan. Every part write therefore bumps the
 * upload document's `partsVersion` in the same update; completion and abort
 * read the document, scan the parts, and inside their update require the
 * version to be unchanged (else they retry): the parts they act on are then
 * exactly the upload's parts. A completion and an abort racing each other both
 * hold the upload document in their update: exactly one finds it, the other
 * answers NoSuchUpload.
 */
import { createHash, randomBytes } from 'node:crypto';
import { S3Error } from '@vaultx/s3-protocol';
import type {
  ChunkRef,
  MetadataInput,
  MetadataOutput,
  ObjectRecord,
  PartRecord,
  PartSummary,
  UploadRecord,
  UploadSummary,
} from '@vaultx/metadata-client';
import type { KvValue, ScanOptions } from '@vaultx/storage';
import { compareUtf8, isWellFormed, prefixEnd, prefixRange } from '@vaultx/storage';
import { assertBucketNameUsable, noSuchBucket, requireWritableBucket } from './buckets.ts';
import { type Ctx, Retry, collect, scanPrefix, withRetry } from './context.ts';
import { refDeltaWrites } from './ref-counts.ts';
import {
  MAX_KEY_BYTES,
  UPLOAD_KEY_SEPARATOR,
  bucketKey,
  escapeUploadKey,
  gcKey,
  inlineDataKey,
  objectKey,
  parseUploadKey,
  partKey,
  partsPrefix,
  refKey,
  uploadKey,
  uploadsPrefix,
} from './keys.ts';

export const MIN_PART_SIZE = 5 * 1024 * 1024;
export const MAX_PARTS = 10_000;
export const MAX_MULTIPART_OBJECT_SIZE = 5 * 1024 ** 4;

/** Room for an escaped key in an mu/ KV key (the embedded KV allows 1,978 bytes per key; bucket and id take < 130). */
const MAX_ESCAPED_KEY_BYTES = 1700;

/** Upload ids: creation time (ms, 12 hex digits, so ids of one key sort by age) + 128 random bits. */
const UPLOAD_ID = /^[0-9a-f]{44}$/;

/** What `mu/…` holds. */
interface UploadDoc extends UploadRecord {
  /** Bumped by every part write (see the header comment). */
  partsVersion: number;
}

export function noSuchUpload(uploadId: string): S3Error {
  return new S3Error('NoSuchUpload', undefined, { UploadId: uploadId });
}

function newUploadId(now: Date): string {
  return now.getTime().toString(16).padStart(12, '0').slice(-12) + randomBytes(16).toString('hex');
}

/** Drops undefined members, so a value equals what a JSON round trip / the zod schema gives. */
function defined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

function publicUpload(d: UploadDoc): UploadRecord {
  return defined({
    bucket: d.bucket,
    key: d.key,
    uploadId: d.uploadId,
    initiated: d.initiated,
    owner: d.owner,
    storageClass: d.storageClass,
    headers: d.headers,
    userMeta: d.userMeta,
    checksumAlgorithm: d.checksumAlgorithm,
    checksumType: d.checksumType,
    tags: d.tags,
  });
}

function uploadSummary(d: UploadDoc): UploadSummary {
  return defined({
    key: d.key,
    uploadId: d.uploadId,
    initiated: d.initiated,
    owner: d.owner,
    storageClass: d.storageClass,
    checksumAlgorithm: d.checksumAlgorithm,
    checksumType: d.checksumType,
  });
}

function partSummary(p: PartRecord): PartSummary {
  return defined({ partNumber: p.partNumber, etag: p.etag, size: p.size, lastModified: p.lastModified, checksum: p.checksum });
}

function assertStorableKey(key: string): void {
  if (!isWellFormed(key)) throw new S3Error('InvalidArgument', 'The object key is not valid UTF-8.', { Key: key });
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) throw new S3Error('KeyTooLongError', undefined, { Key: key });
}

/** An (bucket, key, uploadId) that could name a stored upload; NoSuchUpload otherwise. */
function uploadAddress(bucket: string, key: string, uploadId: string): string {
  assertBucketNameUsable(bucket);
  if (!UPLOAD_ID.test(uploadId) || !isWellFormed(key) || Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) throw noSuchUpload(uploadId);
  return uploadKey(bucket, key, uploadId);
}

/** NoSuchBucket when the bucket is gone (its uploads went with it), else NoSuchUpload. */
async function missingUpload(ctx: Ctx, bucket: string, uploadId: string): Promise<never> {
  if ((await ctx.kv.get(bucketKey(bucket))) === undefined) throw noSuchBucket(bucket);
  throw noSuchUpload(uploadId);
}

// ------------------------------------------------------------ reference counts

function addCounts(m: Map<string, number>, chunks: readonly ChunkRef[] | undefined, sign: 1 | -1): void {
  for (const c of chunks ?? []) m.set(c.id, (m.get(c.id) ?? 0) + sign);
}

function refKeys(ids: Iterable<string>): string[] {
  const keys: string[] = [];
  for (const id of ids) keys.push(refKey(id), gcKey(id));
  return keys;
}

function chunkIds(...lists: Array<readonly ChunkRef[] | undefined>): Set<string> {
  const ids = new Set<string>();
  for (const l of lists) for (const c of l ?? []) ids.add(c.id);
  return ids;
}

// ---------------------------------------------------------------- operations

export async function createUpload(ctx: Ctx, input: MetadataInput<'createUpload'>): Promise<MetadataOutput<'createUpload'>> {
  const { bucket, key } = input;
  assertBucketNameUsable(bucket);
  assertStorableKey(key);
  // A key of many U+0000 (each escaped to two bytes) could outgrow a KV key.
  if (Buffer.byteLength(escapeUploadKey(key), 'utf8') > MAX_ESCAPED_KEY_BYTES) throw new S3Error('KeyTooLongError', undefined, { Key: key });
  if ((input.checksumAlgorithm === undefined) !== (input.checksumType === undefined)) {
    throw new S3Error('InvalidRequest', 'A checksum type requires a checksum algorithm.');
  }
  const now = ctx.now();
  const uploadId = newUploadId(now);
  const doc: UploadDoc = defined({
    bucket,
    key,
    uploadId,
    initiated: now.toISOString(),
    owner: input.owner,
    storageClass: input.storageClass ?? 'STANDARD',
    headers: input.headers ?? {},
    userMeta: input.userMeta ?? {},
    checksumAlgorithm: input.checksumAlgorithm,
    checksumType: input.checksumType,
    tags: input.tags !== undefined && input.tags.length > 0 ? input.tags : undefined,
    partsVersion: 0,
  });
  const bk = bucketKey(bucket);
  const uk = uploadKey(bucket, key, uploadId);
  return ctx.kv.update([bk, uk], (cur) => {
    requireWritableBucket(cur.get(bk), bucket, now);
    return { writes: new Map<string, KvValue | null>([[uk, doc]]), result: publicUpload(doc) };
  });
}

export async function getUpload(ctx: Ctx, input: MetadataInput<'getUpload'>): Promise<MetadataOutput<'getUpload'>> {
  const uk = uploadAddress(input.bucket, input.key, input.uploadId);
  const doc = await ctx.kv.get<UploadDoc>(uk);
  if (!doc) return missingUpload(ctx, input.bucket, input.uploadId);
  return publicUpload(doc);
}

export async function putPart(ctx: Ctx, input: MetadataInput<'putPart'>): Promise<MetadataOutput<'putPart'>> {
  const { bucket, uploadId } = input;
  const uk = uploadAddress(bucket, input.key, uploadId);
  const part: PartRecord = defined({ ...input.part });
  if (part.partNumber < 1 || part.partNumber > MAX_PARTS) {
    throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', { ArgumentName: 'partNumber' });
  }
  const bk = bucketKey(bucket);
  const pk = partKey(uploadId, part.partNumber);
  return withRetry<MetadataOutput<'putPart'>, PartRecord>(async (last) => {
    const seen = last ? last.seen : await ctx.kv.get<PartRecord>(pk);
    const ids = chunkIds(seen?.chunks, part.chunks);
    return ctx.kv.update([bk, uk, pk, ...refKeys(ids)], (cur) => {
      const now = ctx.now();
      requireWritableBucket(cur.get(bk), bucket, now);
      const doc = cur.get(uk) as UploadDoc | undefined;
      if (!doc) throw noSuchUpload(uploadId);
      const prev = cur.get(pk) as PartRecord | undefined;
      if (prev && !prev.chunks.every((c) => ids.has(c.id))) throw new Retry(prev);
      const writes = new Map<string, KvValue | null>([
        [pk, part],
        [uk, { ...doc, partsVersion: doc.partsVersion + 1 } satisfies UploadDoc],
      ]);
      const delta = new Map<string, number>();
      addCounts(delta, part.chunks, 1);
      addCounts(delta, prev?.chunks, -1);
      refDeltaWrites(cur, delta, now, writes);
      return { writes, result: { part: partSummary(part), replaced: prev !== undefined } };
    });
  });
}

export async function listParts(ctx: Ctx, input: MetadataInput<'listParts'>): Promise<MetadataOutput<'listParts'>> {
  const { uploadId, maxParts } = input;
  const marker = input.partNumberMarker ?? 0;
  const uk = uploadAddress(input.bucket, input.key, uploadId);
  const doc = await ctx.kv.get<UploadDoc>(uk);
  if (!doc) return missingUpload(ctx, input.bucket, uploadId);
  const upload = publicUpload(doc);
  if (maxParts <= 0 || marker >= MAX_PARTS) return { upload, parts: [], isTruncated: false };
  const prefix = partsPrefix(uploadId);
  const range = prefixRange(prefix);
  const from: ScanOptions = marker > 0 ? { gt: partKey(uploadId, marker), lt: range.lt } : range;
  const parts: PartSummary[] = [];
  let isTruncated = false;
  for await (const { value } of ctx.kv.scan<PartRecord>({ ...from, limit: maxParts + 1 })) {
    if (parts.length === maxParts) {
      isTruncated = true;
      break;
    }
    parts.push(partSummary(value));
  }
  const lastPart = parts[parts.length - 1];
  return lastPart ? { upload, parts, isTruncated, nextPartNumberMarker: lastPart.partNumber } : { upload, parts, isTruncated };
}

/** The ETag S3 gives a multipart object: hex MD5 of the concatenated binary part MD5s, "-", the part count. */
export function multipartEtag(partEtags: readonly string[]): string {
  const md5 = createHash('md5');
  for (const e of partEtags) md5.update(/^[0-9a-f]{32}$/.test(e) ? Buffer.from(e, 'hex') : Buffer.from(e, 'utf8'));
  return `${md5.digest('hex')}-${partEtags.length}`;
}

/** `"abc"` / `abc` / `W/"abc"` → `abc`, lowercased (MD5 hex). */
function normalizeEtag(e: string): string {
  return e
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1')
    .toLowerCase();
}

function etagList(header: string): string[] {
  return header
    .split(',')
    .map((s) => s.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1'))
    .filter((s) => s.length > 0);
}

/** If-Match / If-None-Match on CompleteMultipartUpload, as for PutObject. */
function checkConditions(prev: ObjectRecord | undefined, key: string, ifMatch?: string, ifNoneMatch?: string): void {
  if (ifMatch !== undefined) {
    if (!prev) throw new S3Error('NoSuchKey', undefined, { Key: key });
    const tags = etagList(ifMatch);
    if (!tags.includes('*') && !tags.includes(prev.etag)) throw new S3Error('PreconditionFailed', undefined, { Condition: 'If-Match' });
  }
  if (ifNoneMatch !== undefined && prev) {
    const tags = etagList(ifNoneMatch);
    if (tags.includes('*') || tags.includes(prev.etag)) throw new S3Error('PreconditionFailed', undefined, { Condition: 'If-None-Match' });
  }
}

type CompleteInput = MetadataInput<'completeUpload'>;
type CompleteOutput = MetadataOutput<'completeUpload'>;

/** True when `obj` is what completing `uploadId` with these parts produced (a retried Complete). */
function isReplay(obj: ObjectRecord | undefined, input: CompleteInput): obj is ObjectRecord {
  if (!obj || obj.uploadId !== input.uploadId || !obj.parts || obj.parts.length !== input.parts.length) return false;
  if (!obj.parts.every((p, i) => p.partNumber === input.parts[i]!.partNumber)) return false;
  return obj.etag === multipartEtag(input.parts.map((p) => normalizeEtag(p.etag)));
}

function assertAscending(parts: CompleteInput['parts']): void {
  for (let i = 1; i < parts.length; i++) {
    if (parts[i]!.partNumber <= parts[i - 1]!.partNumber) throw new S3Error('InvalidPartOrder');
  }
}

function invalidPart(uploadId: string, partNumber: number, etag: string): S3Error {
  return new S3Error('InvalidPart', undefined, { UploadId: uploadId, PartNumber: partNumber, ETag: etag });
}

export async function completeUpload(ctx: Ctx, input: CompleteInput): Promise<CompleteOutput> {
  const { bucket, key, uploadId } = input;
  const uk = uploadAddress(bucket, key, uploadId);
  if (input.parts.length === 0) throw new S3Error('MalformedXML');
  assertAscending(input.parts);
  const bk = bucketKey(bucket);
  const ok = objectKey(bucket, key);
  const dk = inlineDataKey(bucket, key);

  return withRetry<CompleteOutput, { obj?: ObjectRecord }>(async (last) => {
    const seenDoc = await ctx.kv.get<UploadDoc>(uk);
    if (!seenDoc) {
      const obj = await ctx.kv.get<ObjectRecord>(ok);
      if (isReplay(obj, input)) return { record: obj, replayed: true };
      return missingUpload(ctx, bucket, uploadId);
    }
    const stored = new Map<number, PartRecord>();
    for (const { value } of await collect(scanPrefix<PartRecord>(ctx.kv, partsPrefix(uploadId)))) stored.set(value.partNumber, value);
    const seenObj = last?.seen?.obj ?? (await ctx.kv.get<ObjectRecord>(ok));
    const ids = chunkIds(seenObj?.chunks, ...[...stored.values()].map((p) => p.chunks));
    const pks = [...stored.keys()].map((n) => partKey(uploadId, n));

    return ctx.kv.update<CompleteOutput>([bk, uk, ok, dk, ...pks, ...refKeys(ids)], (cur) => {
      const now = ctx.now();
      const doc = cur.get(uk) as UploadDoc | undefined;
      const prev = cur.get(ok) as ObjectRecord | undefined;
      if (!doc) {
        // Completed or aborted meanwhile.
        if (isReplay(prev, input)) return { writes: new Map<string, KvValue | null>(), result: { record: prev, replayed: true } };
        throw noSuchUpload(uploadId);
      }
      if (doc.partsVersion !== seenDoc.partsVersion) throw new Retry({ obj: prev });
      requireWritableBucket(cur.get(bk), bucket, now);
      if (prev && !prev.chunks.every((c) => ids.has(c.id))) throw new Retry({ obj: prev });

      const listed: PartRecord[] = [];
      for (const p of input.parts) {
        const part = p.partNumber >= 1 && p.partNumber <= MAX_PARTS ? stored.get(p.partNumber) : undefined;
        if (!part || normalizeEtag(p.etag) !== part.etag) throw invalidPart(uploadId, p.partNumber, p.etag);
        if (p.size !== undefined && p.size !== part.size) throw invalidPart(uploadId, p.partNumber, p.etag);
        if (input.checksum !== undefined && p.checksum !== part.checksum?.value) throw invalidPart(uploadId, p.partNumber, p.etag);
        listed.push(part);
      }
      let size = 0;
      listed.forEach((part, i) => {
        if (i < listed.length - 1 && part.size < MIN_PART_SIZE) {
          throw new S3Error('EntityTooSmall', undefined, {
            ProposedSize: part.size,
            MinSizeAllowed: MIN_PART_SIZE,
            PartNumber: part.partNumber,
            ETag: part.etag,
          });
        }
        size += part.size;
      });
      if (size > MAX_MULTIPART_OBJECT_SIZE) throw new S3Error('EntityTooLarge', undefined, { ProposedSize: size, MaxSizeAllowed: MAX_MULTIPART_OBJECT_SIZE });
      checkConditions(prev, key, input.ifMatch, input.ifNoneMatch);

      const record: ObjectRecord = defined({
        bucket,
        key,
        size,
        etag: multipartEtag(listed.map((p) => p.etag)),
        lastModified: input.lastModified,
        owner: doc.owner,
        storageClass: doc.storageClass,
        headers: doc.headers,
        userMeta: doc.userMeta,
        tags: doc.tags,
        checksum: input.checksum,
        chunks: listed.flatMap((p) => p.chunks),
        parts: listed.map((p) => {
          const sum = input.checksum && p.checksum?.algorithm === input.checksum.algorithm ? { checksum: p.checksum.value } : {};
          return { partNumber: p.partNumber, size: p.size, etag: p.etag, ...sum };
        }),
        uploadId,
      });
      const writes = new Map<string, KvValue | null>([
        [ok, record],
        [uk, null],
      ]);
      // A multipart object always has chunks; a replaced small object's inline bytes go.
      if (cur.get(dk) !== undefined) writes.set(dk, null);
      for (const pk of pks) writes.set(pk, null);
      const delta = new Map<string, number>();
      addCounts(delta, record.chunks, 1);
      for (const p of stored.values()) addCounts(delta, p.chunks, -1);
      addCounts(delta, prev?.chunks, -1);
      refDeltaWrites(cur, delta, now, writes);
      return { writes, result: { record, replayed: false } };
    });
  });
}

/** Removes an upload and its parts, releasing their chunks. */
async function removeUpload(ctx: Ctx, uk: string, bucket: string, uploadId: string): Promise<void> {
  await withRetry<void>(async () => {
    const seenDoc = await ctx.kv.get<UploadDoc>(uk);
    if (!seenDoc) return missingUpload(ctx, bucket, uploadId);
    const parts = (await collect(scanPrefix<PartRecord>(ctx.kv, partsPrefix(uploadId)))).map((e) => e.value);
    const ids = chunkIds(...parts.map((p) => p.chunks));
    const pks = parts.map((p) => partKey(uploadId, p.partNumber));
    await ctx.kv.update([uk, ...pks, ...refKeys(ids)], (cur) => {
      const doc = cur.get(uk) as UploadDoc | undefined;
      if (!doc) throw noSuchUpload(uploadId);
      if (doc.partsVersion !== seenDoc.partsVersion) throw new Retry();
      const writes = new Map<string, KvValue | null>([[uk, null]]);
      for (const pk of pks) writes.set(pk, null);
      const delta = new Map<string, number>();
      for (const p of parts) addCounts(delta, p.chunks, -1);
      refDeltaWrites(cur, delta, ctx.now(), writes);
      return { writes, result: undefined };
    });
  });
}

export async function abortUpload(ctx: Ctx, input: MetadataInput<'abortUpload'>): Promise<MetadataOutput<'abortUpload'>> {
  const uk = uploadAddress(input.bucket, input.key, input.uploadId);
  await removeUpload(ctx, uk, input.bucket, input.uploadId);
  return {};
}

/**
 * Aborts every upload of a bucket (DeleteBucket, while its deletion mark keeps
 * new uploads and parts out: S3 deletes a bucket whose only content is
 * in-progress uploads, and those go with it).
 */
export async function abortBucketUploads(ctx: Ctx, bucket: string): Promise<number> {
  assertBucketNameUsable(bucket);
  const prefix = uploadsPrefix(bucket);
  let n = 0;
  for (const { key: full } of await collect(scanPrefix<UploadDoc>(ctx.kv, prefix))) {
    const { uploadId } = parseUploadKey(full, prefix);
    try {
      await removeUpload(ctx, full, bucket, uploadId);
      n++;
    } catch (e) {
      if (!(e instanceof S3Error && (e.code === 'NoSuchUpload' || e.code === 'NoSuchBucket'))) throw e;
    }
  }
  return n;
}

/**
 * ListMultipartUploads: uploads by key (UTF-8 order), then by initiation;
 * prefix / delimiter roll-up as ListObjects does (a common prefix counts once
 * toward maxUploads, and the scan skips everything under it). keyMarker alone:
 * keys after it; with uploadIdMarker: that key's uploads after that id, then
 * later keys. A keyMarker inside a common prefix skips the whole prefix.
 */
export async function listUploads(ctx: Ctx, input: MetadataInput<'listUploads'>): Promise<MetadataOutput<'listUploads'>> {
  const { bucket, maxUploads } = input;
  const prefix = input.prefix ?? '';
  const delimiter = input.delimiter === '' ? undefined : input.delimiter;
  const keyMarker = input.keyMarker === '' ? undefined : input.keyMarker;
  const uploadIdMarker = input.uploadIdMarker === '' ? undefined : input.uploadIdMarker;
  assertBucketNameUsable(bucket);
  if ((await ctx.kv.get(bucketKey(bucket))) === undefined) throw noSuchBucket(bucket);
  const empty = { uploads: [], commonPrefixes: [], isTruncated: false };
  if (maxUploads <= 0 || !isWellFormed(prefix) || Buffer.byteLength(prefix, 'utf8') > MAX_KEY_BYTES) return empty;
  if (delimiter !== undefined && !isWellFormed(delimiter)) {
    throw new S3Error('InvalidArgument', 'The delimiter is not valid UTF-8.', { ArgumentName: 'delimiter' });
  }
  if (keyMarker !== undefined && !isWellFormed(keyMarker)) {
    throw new S3Error('InvalidArgument', 'The key marker is not valid UTF-8.', { ArgumentName: 'key-marker' });
  }

  const base = uploadsPrefix(bucket);
  const lower = base + escapeUploadKey(prefix);
  const upper = prefixEnd(lower)!; // defined: base ends with '/'
  const rollUp = (key: string): string | undefined => {
    if (delimiter === undefined) return undefined;
    const i = key.indexOf(delimiter, prefix.length);
    return i < 0 ? undefined : key.slice(0, i + delimiter.length);
  };

  let from: ScanOptions = { gte: lower };
  if (keyMarker !== undefined) {
    const cp = keyMarker.startsWith(prefix) ? rollUp(keyMarker) : undefined;
    let candidate: ScanOptions;
    if (cp !== undefined) {
      const next = prefixEnd(base + escapeUploadKey(cp));
      if (next === undefined) return empty;
      candidate = { gte: next };
    } else if (uploadIdMarker !== undefined) {
      candidate = { gt: base + escapeUploadKey(keyMarker) + UPLOAD_KEY_SEPARATOR + uploadIdMarker };
    } else {
      // Every entry of keyMarker itself sorts below K + U+0000 U+0001; every later key at or above it.
      candidate = { gte: base + escapeUploadKey(keyMarker) + '\u0000\u0001' };
    }
    const at = candidate.gte ?? candidate.gt!;
    if (compareUtf8(at, lower) >= 0) from = candidate;
  }

  const uploads: UploadSummary[] = [];
  const commonPrefixes: string[] = [];
  let count = 0;
  let lastKey: string | undefined;
  let lastUploadId: string | undefined;
  let isTruncated = false;
  scanning: for (;;) {
    let restartAt: string | undefined;
    for await (const { key: full, value } of ctx.kv.scan<UploadDoc>({ ...from, lt: upper })) {
      const { key } = parseUploadKey(full, base);
      const cp = rollUp(key);
      if (count === maxUploads) {
        isTruncated = true;
        break scanning;
      }
      count++;
      if (cp !== undefined) {
        commonPrefixes.push(cp);
        lastKey = cp;
        lastUploadId = undefined;
        restartAt = prefixEnd(base + escapeUploadKey(cp));
        if (restartAt === undefined) break scanning;
        break;
      }
      uploads.push(uploadSummary(value));
      lastKey = key;
      lastUploadId = value.uploadId;
    }
    if (restartAt === undefined) break;
    from = { gte: restartAt };
  }
  if (!isTruncated) return { uploads, commonPrefixes, isTruncated };
  return defined({ uploads, commonPrefixes, isTruncated, nextKeyMarker: lastKey, nextUploadIdMarker: lastUploadId });
}
