/**
 * The metadata service's API: one zod input schema and one output schema per
 * method. The service implements MetadataApi directly (in-process wiring);
 * the HTTP client implements it by POSTing the input to /v1/<method>.
 */
import { z } from 'zod';
import {
  AccessKey,
  BucketRecord,
  CorsConfiguration,
  ChecksumAlgorithm,
  ChecksumType,
  ObjectRecord,
  ObjectSummary,
  PartRecord,
  PartSummary,
  Tag,
  UploadRecord,
  UploadSummary,
  User,
} from './types.ts';

const BucketName = z.string().min(1).max(255);
const Key = z.string().max(4096);

export const metadataMethods = {
  createBucket: {
    input: z.object({ name: BucketName, owner: z.string(), region: z.string() }),
    output: BucketRecord,
  },
  getBucket: { input: z.object({ name: BucketName }), output: BucketRecord },
  listBuckets: {
    /** owner undefined = every bucket (root). */
    input: z.object({ owner: z.string().optional() }),
    output: z.object({ buckets: z.array(BucketRecord) }),
  },
  deleteBucket: { input: z.object({ name: BucketName }), output: z.object({}) },
  /**
   * Sets the bucket's configurations named in the input (null removes one;
   * one left out is kept); NoSuchBucket when there is no bucket.
   */
  putBucketConfig: {
    input: z.object({ name: BucketName, cors: CorsConfiguration.nullable().optional(), tags: z.array(Tag).nullable().optional() }),
    output: BucketRecord,
  },

  putObject: {
    input: z.object({
      record: ObjectRecord,
      /** Conditional write: current ETag must equal (If-Match) / no object may exist (If-None-Match: *). */
      ifMatch: z.string().optional(),
      ifNoneMatch: z.string().optional(),
    }),
    output: z.object({ record: ObjectRecord }),
  },
  getObject: { input: z.object({ bucket: BucketName, key: Key }), output: ObjectRecord },
  deleteObject: {
    /**
     * Conditional delete: when an object exists, its ETag (If-Match; '*' any),
     * Last-Modified (ISO time, compared to the second) and size must match,
     * else PreconditionFailed. With no object there is nothing to check.
     */
    input: z.object({
      bucket: BucketName,
      key: Key,
      ifMatch: z.string().optional(),
      ifMatchLastModifiedTime: z.string().optional(),
      ifMatchSize: z.number().int().nonnegative().optional(),
    }),
    output: z.object({ deleted: z.boolean() }),
  },
  listObjects: {
    input: z.object({
      bucket: BucketName,
      prefix: z.string().default(''),
      delimiter: z.string().optional(),
      /** Exclusive: list keys (and common prefixes) strictly after this. */
      startAfter: z.string().optional(),
      maxKeys: z.number().int().min(0).max(1000),
    }),
    output: z.object({
      objects: z.array(ObjectSummary),
      commonPrefixes: z.array(z.string()),
      isTruncated: z.boolean(),
      /** Last key or common prefix returned; where the next page starts (exclusive). */
      nextMarker: z.string().optional(),
    }),
  },

  createUser: { input: z.object({ name: z.string().min(1).max(128) }), output: User },
  getUser: { input: z.object({ id: z.string() }), output: User },
  listUsers: { input: z.object({}), output: z.object({ users: z.array(User) }) },
  deleteUser: { input: z.object({ id: z.string() }), output: z.object({}) },
  createAccessKey: {
    input: z.object({
      userId: z.string(),
      accessKeyId: z.string().min(3).max(128).optional(),
      secretAccessKey: z.string().min(8).max(128).optional(),
    }),
    output: AccessKey,
  },
  /** Used by the gateway on every request (it caches); AccessDenied-free: undefined if unknown. */
  getAccessKey: {
    input: z.object({ accessKeyId: z.string() }),
    output: z.object({ key: AccessKey.optional() }),
  },
  listAccessKeys: {
    input: z.object({ userId: z.string() }),
    output: z.object({ keys: z.array(AccessKey.omit({ secretAccessKey: true })) }),
  },
  deleteAccessKey: { input: z.object({ accessKeyId: z.string() }), output: z.object({}) },
  /** Idempotent: makes sure the root user exists and owns this key pair. */
  ensureRootUser: {
    input: z.object({ accessKeyId: z.string(), secretAccessKey: z.string() }),
    output: User,
  },

  // ---------------------------------------------------------- multipart uploads
  // Upload ids are minted by the service; any other string is NoSuchUpload.

  createUpload: {
    input: UploadRecord.omit({ uploadId: true, initiated: true }),
    output: UploadRecord,
  },
  /** NoSuchUpload unless the upload exists under exactly this bucket and key. */
  getUpload: {
    input: z.object({ bucket: BucketName, key: Key, uploadId: z.string() }),
    output: UploadRecord,
  },
  /** Records (or replaces) a part; the part's chunks are referenced from now on, the replaced part's released. */
  putPart: {
    input: z.object({ bucket: BucketName, key: Key, uploadId: z.string(), part: PartRecord }),
    output: z.object({ part: PartSummary, replaced: z.boolean() }),
  },
  listParts: {
    input: z.object({
      bucket: BucketName,
      key: Key,
      uploadId: z.string(),
      /** Exclusive: parts with a number above this. */
      partNumberMarker: z.number().int().min(0).default(0),
      maxParts: z.number().int().min(0).max(10000),
    }),
    output: z.object({
      upload: UploadRecord,
      parts: z.array(PartSummary),
      isTruncated: z.boolean(),
      /** Number of the last part returned (absent when none was). */
      nextPartNumberMarker: z.number().int().optional(),
    }),
  },
  /**
   * Atomically turns the upload into the object at its key: checks the listed
   * parts (InvalidPartOrder, InvalidPart, EntityTooSmall), writes the record
   * (ETag md5-of-MD5s-N), releases every part not listed, removes the upload.
   * `size` / `checksum` per part, when given, must equal the stored ones (they
   * are what the caller computed `checksum` from). When the upload is gone but
   * the key holds the object it produced from these same parts, that record is
   * returned again (`replayed`); otherwise NoSuchUpload.
   */
  completeUpload: {
    input: z.object({
      bucket: BucketName,
      key: Key,
      uploadId: z.string(),
      parts: z
        .array(
          z.object({
            partNumber: z.number().int(),
            etag: z.string(),
            size: z.number().int().nonnegative().optional(),
            checksum: z.string().optional(),
          }),
        )
        .min(1)
        .max(10000),
      checksum: z.object({ algorithm: ChecksumAlgorithm, value: z.string(), type: ChecksumType }).optional(),
      lastModified: z.string(),
      ifMatch: z.string().optional(),
      ifNoneMatch: z.string().optional(),
    }),
    output: z.object({ record: ObjectRecord, replayed: z.boolean() }),
  },
  /** Removes the upload and releases its parts' chunks. NoSuchUpload when unknown. */
  abortUpload: {
    input: z.object({ bucket: BucketName, key: Key, uploadId: z.string() }),
    output: z.object({}),
  },
  listUploads: {
    input: z.object({
      bucket: BucketName,
      prefix: z.string().default(''),
      delimiter: z.string().optional(),
      /** Uploads of keys after this one (or, with uploadIdMarker, of this key after that upload). */
      keyMarker: z.string().optional(),
      uploadIdMarker: z.string().optional(),
      maxUploads: z.number().int().min(0).max(1000),
    }),
    output: z.object({
      uploads: z.array(UploadSummary),
      commonPrefixes: z.array(z.string()),
      isTruncated: z.boolean(),
      nextKeyMarker: z.string().optional(),
      nextUploadIdMarker: z.string().optional(),
    }),
  },

  // ---- chunk collection (services/lifecycle; see services/metadata/src/gc.ts) ----
  /** g/ entries (chunks whose reference count dropped to 0) in id order, those older than minAgeMs. */
  listGcCandidates: {
    input: z.object({
      after: z.string().regex(/^[0-9a-f]{64}$/).optional(),
      limit: z.number().int().min(1).max(10_000).optional(),
      minAgeMs: z.number().int().min(0).optional(),
    }),
    output: z.object({
      candidates: z.array(z.object({ id: z.string(), since: z.string() })),
      /** Where the next page starts (exclusive); absent on the last page. */
      next: z.string().optional(),
    }),
  },
  /** Reference count of each chunk (0 = none) and, when it is a GC candidate, for how long (metadata clock). */
  getChunkRefs: {
    input: z.object({ ids: z.array(z.string().regex(/^[0-9a-f]{64}$/)).max(10_000) }),
    output: z.object({
      chunks: z.array(z.object({ id: z.string(), refs: z.number().int(), gcAgeMs: z.number().optional() })),
    }),
  },
  /** Drops g/<id> in an update that re-checks r/<id> is absent; `referenced` when it is not. */
  dropGcCandidate: {
    input: z.object({ id: z.string().regex(/^[0-9a-f]{64}$/) }),
    output: z.object({ dropped: z.boolean(), referenced: z.boolean() }),
  },
} as const;

export type MetadataMethods = typeof metadataMethods;
export type MetadataMethod = keyof MetadataMethods;
export type MetadataInput<M extends MetadataMethod> = z.input<MetadataMethods[M]['input']>;
export type MetadataOutput<M extends MetadataMethod> = z.output<MetadataMethods[M]['output']>;

export type MetadataApi = {
  [M in MetadataMethod]: (input: MetadataInput<M>, ctx?: CallContext) => Promise<MetadataOutput<M>>;
};

/** Carried across service hops for logging. */
export interface CallContext {
  requestId?: string;
}
