/**
 * The metadata service's key layout in the MetaKV (one ordered keyspace,
 * keys compared by UTF-8 bytes). Every value is JSON.
 *
 *   b/<bucket>                 BucketDoc: the BucketRecord (with its `cors`
 *                              configuration and `tags` when set), plus `deleting`
 *                              while a DeleteBucket is checking emptiness.
 *   ob/<owner>/<bucket>        BucketRecord copy: the per-owner index for
 *                              ListBuckets. Owner ids are not guaranteed to be
 *                              '/'-free, so readers also filter on value.owner.
 *   o/<bucket>/<key>           ObjectRecord: the current version of a key.
 *                              Bucket names never contain '/' (createBucket
 *                              refuses them and every object operation rejects
 *                              them), so `o/<bucket>/` is a safe prefix and
 *                              the keys under it sort exactly as S3 lists them.
 *   d/<bucket>/<key>           string (base64): a small object's bytes, stored
 *                              inline instead of in chunks. Present exactly when
 *                              o/ holds a non-empty record without chunks;
 *                              written and deleted in the same update as o/.
 *   u/<userId>                 User.
 *   k/<accessKeyId>            AccessKey (with its secret).
 *   uk/<userId>/<accessKeyId>  { accessKeyId, userId, createdAt }: the per-user
 *                              key index (no secret; filter on value.userId).
 *   r/<chunkId>                { count }: how many object records reference
 *                              the chunk (each occurrence counts). Absent = 0.
 *   g/<chunkId>                { since }: GC candidate, written when a count
 *                              drops to 0, cleared when it rises again. A later
 *                              collector deletes a chunk only when g/ is older
 *                              than the grace period and r/ is still absent.
 *
 *   mu/<bucket>/<K>\0\0<uploadId>
 *                              UploadDoc: an in-progress multipart upload of
 *                              key K (see uploads.ts). K is the object key with
 *                              every U+0000 written as U+0000 U+0001, so the
 *                              U+0000 U+0000 separator sorts before any longer
 *                              key: entries list by key, then by upload id
 *                              (ids start with their creation time in hex).
 *   mp/<uploadId>/<NNNNN>      PartRecord (5-digit part number): an uploaded
 *                              part. Parts hold chunk references (r/) exactly
 *                              like object records do.
 *
 * Object writes and deletes change o/, r/ and g/ in one kv.update, so
 * reference counts can never drift from the records they count; so do part
 * writes, completions (parts → object) and aborts.
 */

/** S3's limit on an object key, in UTF-8 bytes (the KV also enforces its own limit). */
export const MAX_KEY_BYTES = 1024;

export const bucketKey = (bucket: string): string => `b/${bucket}`;
export const BUCKETS_PREFIX = 'b/';
export const ownerBucketKey = (owner: string, bucket: string): string => `ob/${owner}/${bucket}`;
export const ownerBucketsPrefix = (owner: string): string => `ob/${owner}/`;

/** Prefix of every object key of a bucket. The caller must have checked the bucket name has no '/'. */
export const objectsPrefix = (bucket: string): string => `o/${bucket}/`;
export const objectKey = (bucket: string, key: string): string => `o/${bucket}/${key}`;
/** A small object's bytes (base64), kept apart from its record so listings never read them. */
export const inlineDataKey = (bucket: string, key: string): string => `d/${bucket}/${key}`;

export const userKey = (id: string): string => `u/${id}`;
export const USERS_PREFIX = 'u/';
export const accessKeyKey = (accessKeyId: string): string => `k/${accessKeyId}`;
export const userAccessKeyKey = (userId: string, accessKeyId: string): string => `uk/${userId}/${accessKeyId}`;
export const userAccessKeysPrefix = (userId: string): string => `uk/${userId}/`;

/** Order-preserving escape of an object key inside an mu/ key (see above). */
export const escapeUploadKey = (key: string): string => key.replaceAll('\u0000', '\u0000\u0001');
export const UPLOAD_KEY_SEPARATOR = '\u0000\u0000';
/** Prefix of every upload of a bucket. The caller must have checked the bucket name has no '/'. */
export const uploadsPrefix = (bucket: string): string => `mu/${bucket}/`;
export const uploadKey = (bucket: string, key: string, uploadId: string): string =>
  `mu/${bucket}/${escapeUploadKey(key)}${UPLOAD_KEY_SEPARATOR}${uploadId}`;
/** The object key and upload id of an mu/ entry, given its full KV key and uploadsPrefix(bucket). */
export function parseUploadKey(fullKey: string, prefix: string): { key: string; uploadId: string } {
  const rest = fullKey.slice(prefix.length);
  const sep = rest.indexOf(UPLOAD_KEY_SEPARATOR);
  return { key: rest.slice(0, sep).replaceAll('\u0000\u0001', '\u0000'), uploadId: rest.slice(sep + 2) };
}
export const partsPrefix = (uploadId: string): string => `mp/${uploadId}/`;
export const partKey = (uploadId: string, partNumber: number): string => `mp/${uploadId}/${String(partNumber).padStart(5, '0')}`;

export const refKey = (chunkId: string): string => `r/${chunkId}`;
export const gcKey = (chunkId: string): string => `g/${chunkId}`;

export interface RefDoc {
  count: number;
}
export interface GcDoc {
  since: string;
}
