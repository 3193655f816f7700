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

/** One rule of a bucket's CORS configuration (PutBucketCors), as @vaultx/s3-protocol parses it. */
export const CorsRule = z.object({
  id: z.string().optional(),
  allowedOrigins: z.array(z.string()).min(1),
  allowedMethods: z.array(z.enum(['GET', 'PUT', 'HEAD', 'POST', 'DELETE'])).min(1),
  allowedHeaders: z.array(z.string()).optional(),
  exposeHeaders: z.array(z.string()).optional(),
  maxAgeSeconds: z.number().int().nonnegative().optional(),
});
export type CorsRule = z.infer<typeof CorsRule>;

export const CorsConfiguration = z.object({ rules: z.array(CorsRule).min(1).max(100) });
export type CorsConfiguration = z.infer<typeof CorsConfiguration>;

/** A bucket or object tag. */
export const Tag = z.object({ key: z.string(), value: z.string() });
export type Tag = z.infer<typeof Tag>;

export const BucketRecord = z.object({
  name: z.string(),
  owner: z.string(),
  region: z.string(),
  createdAt: z.string(),
  /** The bucket's CORS configuration; absent = none. Only getBucket / putBucketConfig return it (not listBuckets). */
  cors: CorsConfiguration.optional(),
  /** The bucket's tags (PutBucketTagging); absent = none. Only getBucket / putBucketConfig return them. */
  tags: z.array(Tag).optional(),
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
  /** Small objects: the bytes themselves (base64), stored with the record instead of in chunks (chunks is then empty). */
  inline: z.string().optional(),
  /**
   * Multipart objects: the parts in object order (their numbers as uploaded, their sizes and ETags, and their
   * checksums in the object's checksum algorithm), for GET/HEAD ?partNumber and GetObjectAttributes.
   */
  parts: z
    .array(
      z.object({
        partNumber: z.number().int().min(1).max(10000),
        size: z.number().int().nonnegative(),
        etag: z.string().optional(),
        checksum: z.string().optional(),
      }),
    )
    .optional(),
  /** Multipart objects: the upload that produced the record (lets a retried CompleteMultipartUpload succeed again). */
  uploadId: z.string().optional(),
  /** Object tags (x-amz-tagging, PutObjectTagging), in the order given; absent = none. */
  tags: z.array(Tag).optional(),
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

// ------------------------------------------------------------ multipart uploads

export const ChecksumType = z.enum(['FULL_OBJECT', 'COMPOSITE']);
export type ChecksumType = z.infer<typeof ChecksumType>;

/** An in-progress multipart upload, as CreateMultipartUpload recorded it. */
export const UploadRecord = z.object({
  bucket: z.string(),
  key: z.string(),
  uploadId: z.string(),
  /** ISO-8601 with milliseconds. */
  initiated: z.string(),
  owner: z.string(),
  storageClass: z.string(),
  /** Standard headers for the object, as ObjectRecord.headers. */
  headers: z.record(z.string()),
  userMeta: z.record(z.string()),
  /** x-amz-checksum-algorithm / -type of the upload (both or neither). */
  checksumAlgorithm: ChecksumAlgorithm.optional(),
  checksumType: ChecksumType.optional(),
  /** x-amz-tagging of CreateMultipartUpload: the completed object's tags; absent = none. */
  tags: z.array(Tag).optional(),
});
export type UploadRecord = z.infer<typeof UploadRecord>;

/** One uploaded part (without its chunk list, which stays inside the metadata service). */
export const PartSummary = z.object({
  partNumber: z.number().int().min(1).max(10000),
  /** Unquoted hex MD5 of the part's bytes. */
  etag: z.string(),
  size: z.number().int().nonnegative(),
  lastModified: z.string(),
  /** The part's checksum (the upload's algorithm, or the one the client sent). */
  checksum: z.object({ algorithm: ChecksumAlgorithm, value: z.string() }).optional(),
});
export type PartSummary = z.infer<typeof PartSummary>;

/** A part as UploadPart / UploadPartCopy records it. */
export const PartRecord = PartSummary.extend({ chunks: z.array(ChunkRef) });
export type PartRecord = z.infer<typeof PartRecord>;

export const UploadSummary = UploadRecord.pick({
  key: true, uploadId: true, initiated: true, owner: true, storageClass: true, checksumAlgorithm: true, checksumType: true,
});
export type UploadSummary = z.infer<typeof UploadSummary>;
