import type { FastifyReply, FastifyRequest } from 'fastify';
import { NULL_VERSION_ID, S3Error, isValidBucketName } from '@vaultx/s3-protocol';
import type { AuthResult } from '@vaultx/sigv4';
import type { BucketRecord } from '@vaultx/metadata-client';
import type { GatewayDeps } from '../deps.ts';
import type { S3Address } from './request.ts';
import { ROOT_USER_ID } from './auth.ts';
import { noteBucketRecord } from './cors/actual.ts';

/** Everything an S3 operation handler gets: the request, who sent it, and the services. */
export interface S3Context {
  deps: GatewayDeps;
  req: FastifyRequest;
  reply: FastifyReply;
  addr: S3Address;
  auth: AuthResult;
  userId: string;
  isRoot: boolean;
  requestId: string;
}

export type S3Handler = (ctx: S3Context) => Promise<FastifyReply>;

export function makeContext(
  deps: GatewayDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  addr: S3Address,
  auth: AuthResult,
): S3Context {
  const userId = auth.credentials.userId;
  return { deps, req, reply, addr, auth, userId, isRoot: userId === ROOT_USER_ID, requestId: req.id };
}

export function header(ctx: S3Context, name: string): string | undefined {
  const v = ctx.req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

export function bucketName(ctx: S3Context): string {
  if (ctx.addr.bucket === undefined) throw new S3Error('InvalidRequest', 'a bucket is required');
  return ctx.addr.bucket;
}

export function objectKey(ctx: S3Context): string {
  if (ctx.addr.key === undefined) throw new S3Error('InvalidRequest', 'a key is required');
  return ctx.addr.key;
}

/** Only the current version exists (no versioning yet): a versionId query parameter must be absent or "null". */
export function checkVersionId(ctx: S3Context): void {
  const versionId = ctx.addr.query.get('versionId');
  if (versionId !== null && versionId !== NULL_VERSION_ID) {
    throw new S3Error('InvalidArgument', 'Invalid version id specified', { ArgumentName: 'versionId', ArgumentValue: versionId });
  }
}

/** Loads the bucket and checks the caller may use it: owners and root only (no bucket policies yet). */
export async function authorizeBucket(ctx: S3Context, name = bucketName(ctx)): Promise<BucketRecord> {
  // CreateBucket admits only valid names, so another name is no bucket; it is not looked up
  // (a name over 255 bytes would not even pass the metadata API's input check).
  if (!isValidBucketName(name)) throw new S3Error('NoSuchBucket', undefined, { BucketName: name });
  const bucket = await ctx.deps.metadata.getBucket({ name }, { requestId: ctx.requestId });
  noteBucketRecord(ctx.req, bucket); // its CORS rules decide the response's CORS headers
  if (!ctx.isRoot && bucket.owner !== ctx.userId) throw new S3Error('AccessDenied');
  // A client may state whose bucket it means to address; S3 refuses the request when it is someone else's.
  const expectedOwner = name === ctx.addr.bucket ? header(ctx, 'x-amz-expected-bucket-owner') : undefined;
  if (expectedOwner !== undefined && expectedOwner !== bucket.owner) throw new S3Error('AccessDenied');
  return bucket;
}
