/**
 * The metadata service's data model, as zod schemas: they validate every
 * record that crosses the internal HTTP boundary and type it inside.
 */
import { z } from 'zod';

export const ChecksumAlgorithm = z.enum(['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME']);
export type ChecksumAlgorithm = z.infer<typeof ChecksumAlgorithm>;

export const ChunkRef = z.object({
  /** SHA-256 of the chunk's plaintext, lowercase hex. */
  id: z.string().regex(/^[0-9a-f]{64}$/),
  /** Plaintext length in bytes. */
  size: z.number().int().nonnegative(),
});
export type ChunkRef = z.infer<typeof ChunkRef>;

export const BucketRecord = z.object({
  name: z.string(),
  owner: z.string(),
  region: z.string(),
  createdAt: z.string(),
});
export type BucketRecord = z.infer<typeof BucketRecord>;

export const ObjectRecord = z.object({
  bucket: z.string(),
  key: z.string(),
  size: z.number().int().nonnegative(),
  /** Unquoted hex MD5 (or multipart form "hex-N"). Rendered quoted. */
  etag: z.string(),
  /** ISO-8601 with milliseconds. */
  lastModified: z.string(),
  owner: z.string(),
  storageClass: z.string().default('STANDARD'),
  /** Standard headers stored with the object, lowercase names:
   * content-type, content-encoding, content-disposition, content-language,
   * cache-control, expires, website-redirect-location. */
  headers: z.record(z.string()),
  /** User metadata without the x-amz-meta- prefix, lowercase names. */
  userMeta: z.record(z.string()),
  checksum: z
    .object({ algorithm: ChecksumAlgorithm, value: z.string(), type: z.enum(['FULL_OBJECT', 'COMPOSITE']) })
    .optional(),
  chunks: z.array(ChunkRef),
});
export type ObjectRecord = z.infer<typeof ObjectRecord>;

export const ObjectSummary = ObjectRecord.pick({
  key: true, size: true, etag: true, lastModified: true, owner: true, storageClass: true,
});
export type ObjectSummary = z.infer<typeof ObjectSummary>;

export const User = z.object({
  id: z.string(),
  name: z.string(),
  isRoot: z.boolean(),
  createdAt: z.string(),
});
export type User = z.infer<typeof User>;

export const AccessKey = z.object({
  accessKeyId: z.string(),
  secretAccessKey: z.string(),
  userId: z.string(),
  createdAt: z.string(),
});
export type AccessKey = z.infer<typeof AccessKey>;
