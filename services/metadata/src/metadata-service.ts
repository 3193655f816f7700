/**
 * The metadata service's logic: MetadataApi over a MetaKV. Inputs are typed
 * by the zod schemas of @vaultx/metadata-client (validated at the HTTP edge;
 * in-process callers pass typed values); this class enforces the business
 * rules. The key layout is documented in keys.ts.
 */
import type { CallContext, MetadataApi, MetadataInput, MetadataOutput } from '@vaultx/metadata-client';
import type { MetaKV } from '@vaultx/storage';
import { createBucket, deleteBucket, getBucket, listBuckets, putBucketConfig } from './buckets.ts';
import type { Ctx } from './context.ts';
import { dropGcCandidate, getChunkRefs, listGcCandidates } from './gc.ts';
import { listObjects } from './listing.ts';
import { deleteObject, getObject, putObject } from './objects.ts';
import { abortUpload, completeUpload, createUpload, getUpload, listParts, listUploads, putPart } from './uploads.ts';
import {
  createAccessKey,
  createUser,
  deleteAccessKey,
  deleteUser,
  ensureRootUser,
  getAccessKey,
  getUser,
  listAccessKeys,
  listUsers,
} from './users.ts';

export interface MetadataServiceOptions {
  kv: MetaKV;
  /** Clock for createdAt / GC timestamps (tests inject one). */
  now?: () => Date;
}

export class MetadataService implements MetadataApi {
  private readonly ctx: Ctx;

  constructor(opts: MetadataServiceOptions) {
    this.ctx = { kv: opts.kv, now: opts.now ?? (() => new Date()), intents: new Map() };
  }

  /** The KV underneath (for the launcher's shutdown and for tests). */
  get kv(): MetaKV {
    return this.ctx.kv;
  }

  createBucket(input: MetadataInput<'createBucket'>, _ctx?: CallContext): Promise<MetadataOutput<'createBucket'>> {
    return createBucket(this.ctx, input);
  }
  getBucket(input: MetadataInput<'getBucket'>, _ctx?: CallContext): Promise<MetadataOutput<'getBucket'>> {
    return getBucket(this.ctx, input);
  }
  listBuckets(input: MetadataInput<'listBuckets'>, _ctx?: CallContext): Promise<MetadataOutput<'listBuckets'>> {
    return listBuckets(this.ctx, input);
  }
  deleteBucket(input: MetadataInput<'deleteBucket'>, _ctx?: CallContext): Promise<MetadataOutput<'deleteBucket'>> {
    return deleteBucket(this.ctx, input);
  }
  putBucketConfig(input: MetadataInput<'putBucketConfig'>, _ctx?: CallContext): Promise<MetadataOutput<'putBucketConfig'>> {
    return putBucketConfig(this.ctx, input);
  }

  putObject(input: MetadataInput<'putObject'>, _ctx?: CallContext): Promise<MetadataOutput<'putObject'>> {
    return putObject(this.ctx, input);
  }
  getObject(input: MetadataInput<'getObject'>, _ctx?: CallContext): Promise<MetadataOutput<'getObject'>> {
    return getObject(this.ctx, input);
  }
  deleteObject(input: MetadataInput<'deleteObject'>, _ctx?: CallContext): Promise<MetadataOutput<'deleteObject'>> {
    return deleteObject(this.ctx, input);
  }
  listObjects(input: MetadataInput<'listObjects'>, _ctx?: CallContext): Promise<MetadataOutput<'listObjects'>> {
    return listObjects(this.ctx, input);
  }

  createUser(input: MetadataInput<'createUser'>, _ctx?: CallContext): Promise<MetadataOutput<'createUser'>> {
    return createUser(this.ctx, input);
  }
  getUser(input: MetadataInput<'getUser'>, _ctx?: CallContext): Promise<MetadataOutput<'getUser'>> {
    return getUser(this.ctx, input);
  }
  listUsers(input: MetadataInput<'listUsers'>, _ctx?: CallContext): Promise<MetadataOutput<'listUsers'>> {
    return listUsers(this.ctx, input);
  }
  deleteUser(input: MetadataInput<'deleteUser'>, _ctx?: CallContext): Promise<MetadataOutput<'deleteUser'>> {
    return deleteUser(this.ctx, input);
  }
  createAccessKey(input: MetadataInput<'createAccessKey'>, _ctx?: CallContext): Promise<MetadataOutput<'createAccessKey'>> {
    return createAccessKey(this.ctx, input);
  }
  getAccessKey(input: MetadataInput<'getAccessKey'>, _ctx?: CallContext): Promise<MetadataOutput<'getAccessKey'>> {
    return getAccessKey(this.ctx, input);
  }
  listAccessKeys(input: MetadataInput<'listAccessKeys'>, _ctx?: CallContext): Promise<MetadataOutput<'listAccessKeys'>> {
    return listAccessKeys(this.ctx, input);
  }
  deleteAccessKey(input: MetadataInput<'deleteAccessKey'>, _ctx?: CallContext): Promise<MetadataOutput<'deleteAccessKey'>> {
    return deleteAccessKey(this.ctx, input);
  }
  ensureRootUser(input: MetadataInput<'ensureRootUser'>, _ctx?: CallContext): Promise<MetadataOutput<'ensureRootUser'>> {
    return ensureRootUser(this.ctx, input);
  }

  createUpload(input: MetadataInput<'createUpload'>, _ctx?: CallContext): Promise<MetadataOutput<'createUpload'>> {
    return createUpload(this.ctx, input);
  }
  getUpload(input: MetadataInput<'getUpload'>, _ctx?: CallContext): Promise<MetadataOutput<'getUpload'>> {
    return getUpload(this.ctx, input);
  }
  putPart(input: MetadataInput<'putPart'>, _ctx?: CallContext): Promise<MetadataOutput<'putPart'>> {
    return putPart(this.ctx, input);
  }
  listParts(input: MetadataInput<'listParts'>, _ctx?: CallContext): Promise<MetadataOutput<'listParts'>> {
    return listParts(this.ctx, input);
  }
  completeUpload(input: MetadataInput<'completeUpload'>, _ctx?: CallContext): Promise<MetadataOutput<'completeUpload'>> {
    return completeUpload(this.ctx, input);
  }
  abortUpload(input: MetadataInput<'abortUpload'>, _ctx?: CallContext): Promise<MetadataOutput<'abortUpload'>> {
    return abortUpload(this.ctx, input);
  }
  listUploads(input: MetadataInput<'listUploads'>, _ctx?: CallContext): Promise<MetadataOutput<'listUploads'>> {
    return listUploads(this.ctx, input);
  }

  listGcCandidates(input: MetadataInput<'listGcCandidates'>, _ctx?: CallContext): Promise<MetadataOutput<'listGcCandidates'>> {
    return listGcCandidates(this.ctx, input);
  }
  getChunkRefs(input: MetadataInput<'getChunkRefs'>, _ctx?: CallContext): Promise<MetadataOutput<'getChunkRefs'>> {
    return getChunkRefs(this.ctx, input);
  }
  dropGcCandidate(input: MetadataInput<'dropGcCandidate'>, _ctx?: CallContext): Promise<MetadataOutput<'dropGcCandidate'>> {
    return dropGcCandidate(this.ctx, input);
  }
}
