/**
 * The metadata service's API: one zod input schema and one output schema per
 * method. The service implements MetadataApi directly (in-process wiring);
 * the HTTP client implements it by POSTing the input to /v1/<method>.
 */
import { z } from 'zod';
import { AccessKey, BucketRecord, ObjectRecord, ObjectSummary, User } from './types.ts';

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
    input: z.object({ bucket: BucketName, key: Key }),
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
