/**
 * ListObjects (the engine behind S3 ListObjects v1 and v2).
 *
 * Keys come back in UTF-8 byte order (the KV's order). With a delimiter, a
 * key that contains it after the prefix rolls up into a common prefix
 * (prefix + … + first delimiter), which counts once toward maxKeys. After
 * emitting a common prefix CP the scan does not walk the keys under it: it
 * restarts at prefixEnd(CP) — CP with its last code point incremented, the
 * smallest string above every string starting with CP in UTF-8 order — so a
 * page costs O(maxKeys) seeks however many keys hide under each prefix.
 *
 * startAfter is exclusive. If it lies inside a common prefix (in particular if
 * it IS a common prefix returned as nextMarker), everything under that prefix
 * is skipped: the prefix itself sorts at or before startAfter, so it is not
 * "after" it — and that is what makes nextMarker pagination terminate.
 *
 * isTruncated is exact: true only when one more key or common prefix exists.
 * nextMarker (only when truncated) is the last key or common prefix returned.
 */
import { S3Error } from '@vaultx/s3-protocol';
import type { MetadataInput, MetadataOutput, ObjectRecord, ObjectSummary } from '@vaultx/metadata-client';
import type { ScanOptions } from '@vaultx/storage';
import { compareUtf8, isWellFormed, prefixEnd, truncateUtf8 } from '@vaultx/storage';
import { noSuchBucket } from './buckets.ts';
import type { Ctx } from './context.ts';
import { MAX_KEY_BYTES, bucketKey, objectsPrefix } from './keys.ts';

type ListOutput = MetadataOutput<'listObjects'>;

function summary(r: ObjectRecord): ObjectSummary {
  return {
    key: r.key,
    size: r.size,
    etag: r.etag,
    lastModified: r.lastModified,
    owner: r.owner,
    storageClass: r.storageClass ?? 'STANDARD',
  };
}

const EMPTY: ListOutput = { objects: [], commonPrefixes: [], isTruncated: false };

export async function listObjects(ctx: Ctx, input: MetadataInput<'listObjects'>): Promise<ListOutput> {
  const { bucket, maxKeys, startAfter } = input;
  const prefix = input.prefix ?? '';
  const delimiter = input.delimiter === '' ? undefined : input.delimiter;
  if (bucket.includes('/') || (await ctx.kv.get(bucketKey(bucket))) === undefined) throw noSuchBucket(bucket);
  if (delimiter !== undefined && !isWellFormed(delimiter)) {
    throw new S3Error('InvalidArgument', 'The delimiter is not valid UTF-8.', { ArgumentName: 'delimiter' });
  }
  if (startAfter !== undefined && !isWellFormed(startAfter)) {
    throw new S3Error('InvalidArgument', 'The marker is not valid UTF-8.', { ArgumentName: 'start-after' });
  }
  // S3: max-keys=0 answers an empty, untruncated page.
  if (maxKeys <= 0) return { ...EMPTY, objects: [], commonPrefixes: [] };
  // No stored key can start with an ill-formed or over-long prefix.
  if (!isWellFormed(prefix) || Buffer.byteLength(prefix, 'utf8') > MAX_KEY_BYTES) {
    return { ...EMPTY, objects: [], commonPrefixes: [] };
  }

  const base = objectsPrefix(bucket); // 'o/<bucket>/', no '/' in bucket
  const upper = prefixEnd(base + prefix)!; // defined: base ends with '/', which increments to '0'

  /** The common prefix `key` rolls up into, if any. `key` starts with `prefix`. */
  const rollUp = (key: string): string | undefined => {
    if (delimiter === undefined) return undefined;
    const i = key.indexOf(delimiter, prefix.length);
    return i < 0 ? undefined : key.slice(0, i + delimiter.length);
  };

  // Where the scan starts (all relative to `base`).
  let from: ScanOptions = { gte: base + prefix };
  /** Set when startAfter was too long to seek to exactly: skip keys ≤ it. */
  let skipThrough: string | undefined;
  if (startAfter !== undefined && compareUtf8(startAfter, prefix) >= 0) {
    const cp = startAfter.startsWith(prefix) ? rollUp(startAfter) : undefined;
    if (cp !== undefined) {
      const next = prefixEnd(base + cp);
      if (next === undefined) return { ...EMPTY, objects: [], commonPrefixes: [] };
      from = { gte: next };
    } else if (Buffer.byteLength(startAfter, 'utf8') <= MAX_KEY_BYTES) {
      from = { gt: base + startAfter };
    } else {
      // Longer than any stored key: seek to its storable prefix, filter the rest.
      const t = truncateUtf8(startAfter, MAX_KEY_BYTES);
      from = { gte: base + (compareUtf8(t, prefix) > 0 ? t : prefix) };
      skipThrough = startAfter;
    }
  }

  const objects: ObjectSummary[] = [];
  const commonPrefixes: string[] = [];
  let count = 0;
  let last: string | undefined;
  let isTruncated = false;

  // Each pass scans forward from `from`; emitting a common prefix ends the
  // pass and the next one seeks past everything under it.
  scanning: for (;;) {
    let restartAt: string | undefined;
    for await (const { key: fullKey, value } of ctx.kv.scan<ObjectRecord>({ ...from, lt: upper })) {
      const key = fullKey.slice(base.length);
      if (skipThrough !== undefined) {
        if (compareUtf8(key, skipThrough) <= 0) continue;
        skipThrough = undefined;
      }
      const cp = rollUp(key);
      if (count === maxKeys) {
        isTruncated = true; // there is one more key or common prefix
        break scanning;
      }
      count++;
      if (cp !== undefined) {
        commonPrefixes.push(cp);
        last = cp;
        restartAt = prefixEnd(base + cp);
        if (restartAt === undefined) break scanning; // nothing can sort after it
        break;
      }
      objects.push(summary(value));
      last = key;
    }
    if (restartAt === undefined) break;
    from = { gte: restartAt };
  }

  return isTruncated ? { objects, commonPrefixes, isTruncated, nextMarker: last } : { objects, commonPrefixes, isTruncated };
}
