/**
 * Maps method + path + query to an S3 operation, as the AWS API reference
 * defines them. Known sub-resources that VaultX does not implement yet are
 * NotImplemented (501), never silently treated as a plain GET/PUT.
 */
import { S3Error } from '@vaultx/s3-protocol';
import type { S3Address } from './request.ts';
import type { S3Handler } from './context.ts';
import { listBuckets } from './ops/list-buckets.ts';
import { createBucket } from './ops/create-bucket.ts';
import { headBucket } from './ops/head-bucket.ts';
import { deleteBucket } from './ops/delete-bucket.ts';
import { getBucketLocation } from './ops/get-bucket-location.ts';
import { getBucketVersioning } from './ops/get-bucket-versioning.ts';
import { getBucketAcl, getObjectAcl } from './ops/get-acl.ts';
import { putBucketAcl, putObjectAcl } from './ops/put-acl.ts';
import { listObjectsV1, listObjectsV2 } from './ops/list-objects.ts';
import { deleteObjects } from './ops/delete-objects.ts';
import { putObject } from './ops/put-object.ts';
import { copyObject } from './ops/copy-object.ts';
import { getObject } from './ops/get-object.ts';
import { deleteObjectTagging, getObjectTagging, putObjectTagging } from './ops/object-tagging.ts';
import { deleteObject } from './ops/delete-object.ts';
import { createMultipartUpload } from './ops/create-multipart-upload.ts';
import { uploadPart } from './ops/upload-part.ts';
import { uploadPartCopy } from './ops/upload-part-copy.ts';
import { completeMultipartUpload } from './ops/complete-multipart-upload.ts';
import { abortMultipartUpload } from './ops/abort-multipart-upload.ts';
import { listParts } from './ops/list-parts.ts';
import { listMultipartUploads } from './ops/list-multipart-uploads.ts';
import { getObjectAttributes } from './ops/get-object-attributes.ts';
import { listObjectVersions } from './ops/list-object-versions.ts';
import { deleteBucketCors, getBucketCors, putBucketCors } from './ops/bucket-cors.ts';
import { deleteBucketTagging, getBucketTagging, putBucketTagging } from './ops/bucket-tagging.ts';
import { objectLockOnUnlockedBucket } from './ops/object-lock.ts';
import { deleteUnconfigured, getUnconfigured, unconfiguredDeleteOperation, unconfiguredGetOperation } from './ops/unconfigured-bucket-config.ts';

export interface Route {
  operation: string;
  handler: S3Handler;
}

/** Bucket sub-resources S3 defines; any of these not routed below is NotImplemented. */
const BUCKET_SUBRESOURCES = [
  'accelerate', 'acl', 'analytics', 'cors', 'encryption', 'intelligent-tiering', 'inventory', 'lifecycle',
  'location', 'logging', 'metadataConfiguration', 'metadataTable', 'metrics', 'notification', 'object-lock',
  'ownershipControls', 'policy', 'policyStatus', 'publicAccessBlock', 'replication', 'requestPayment',
  'tagging', 'uploads', 'versioning', 'versions', 'website', 'delete', 'session',
];
const OBJECT_SUBRESOURCES = [
  'acl', 'attributes', 'legal-hold', 'retention', 'restore', 'select', 'tagging', 'torrent', 'uploadId', 'uploads', 'renameObject',
];

function notImplemented(what: string): never {
  throw new S3Error('NotImplemented', `${what} is not implemented yet.`);
}

function firstSubresource(query: URLSearchParams, list: string[]): string | undefined {
  return list.find((s) => query.has(s));
}

export function route(method: string, addr: S3Address, headers: Record<string, string | string[] | undefined>): Route {
  const q = addr.query;
  if (addr.bucket === undefined) {
    if (method === 'GET') return { operation: 'ListBuckets', handler: listBuckets };
    throw new S3Error('MethodNotAllowed');
  }
  if (addr.key === undefined) {
    const sub = firstSubresource(q, BUCKET_SUBRESOURCES);
    switch (method) {
      case 'GET':
        if (sub === 'location') return { operation: 'GetBucketLocation', handler: getBucketLocation };
        if (sub === 'versioning') return { operation: 'GetBucketVersioning', handler: getBucketVersioning };
        if (sub === 'uploads') return { operation: 'ListMultipartUploads', handler: listMultipartUploads };
        if (sub === 'acl') return { operation: 'GetBucketAcl', handler: getBucketAcl };
        if (sub === 'versions') return { operation: 'ListObjectVersions', handler: listObjectVersions };
        if (sub === 'cors') return { operation: 'GetBucketCors', handler: getBucketCors };
        if (sub === 'tagging') return { operation: 'GetBucketTagging', handler: getBucketTagging };
        if (sub !== undefined) {
          const operation = unconfiguredGetOperation(sub);
          if (operation) return { operation, handler: getUnconfigured(sub) };
          notImplemented(`GET ?${sub}`);
        }
        if (q.get('list-type') === '2') return { operation: 'ListObjectsV2', handler: listObjectsV2 };
        return { operation: 'ListObjects', handler: listObjectsV1 };
      case 'HEAD':
        return { operation: 'HeadBucket', handler: headBucket };
      case 'PUT':
        if (sub === 'acl') return { operation: 'PutBucketAcl', handler: putBucketAcl };
        if (sub === 'cors') return { operation: 'PutBucketCors', handler: putBucketCors };
        if (sub === 'tagging') return { operation: 'PutBucketTagging', handler: putBucketTagging };
        if (sub !== undefined) notImplemented(`PUT ?${sub}`);
        return { operation: 'CreateBucket', handler: createBucket };
      case 'DELETE':
        if (sub === 'cors') return { operation: 'DeleteBucketCors', handler: deleteBucketCors };
        if (sub === 'tagging') return { operation: 'DeleteBucketTagging', handler: deleteBucketTagging };
        if (sub !== undefined) {
          const operation = unconfiguredDeleteOperation(sub);
          if (operation) return { operation, handler: deleteUnconfigured };
          notImplemented(`DELETE ?${sub}`);
        }
        return { operation: 'DeleteBucket', handler: deleteBucket };
      case 'POST':
        if (sub === 'delete') return { operation: 'DeleteObjects', handler: deleteObjects };
        notImplemented(sub !== undefined ? `POST ?${sub}` : 'POST object upload without multipart/form-data'); // a form upload (PostObject) is dispatched in app.ts, before header authentication
      // falls through (unreachable)
      default:
        throw new S3Error('MethodNotAllowed');
    }
  }
  const sub = firstSubresource(q, OBJECT_SUBRESOURCES);
  switch (method) {
    case 'GET':
      if (sub === 'acl') return { operation: 'GetObjectAcl', handler: getObjectAcl };
      if (sub === 'uploadId') return { operation: 'ListParts', handler: listParts };
      if (sub === 'attributes') return { operation: 'GetObjectAttributes', handler: getObjectAttributes };
      if (sub === 'tagging') return { operation: 'GetObjectTagging', handler: getObjectTagging };
      if (sub === 'retention') return { operation: 'GetObjectRetention', handler: objectLockOnUnlockedBucket };
      if (sub === 'legal-hold') return { operation: 'GetObjectLegalHold', handler: objectLockOnUnlockedBucket };
      if (sub !== undefined) notImplemented(`GET object ?${sub}`);
      return { operation: 'GetObject', handler: getObject };
    case 'HEAD':
      return { operation: 'HeadObject', handler: getObject };
    case 'PUT':
      if (sub === 'uploadId') {
        return headers['x-amz-copy-source'] !== undefined
          ? { operation: 'UploadPartCopy', handler: uploadPartCopy }
          : { operation: 'UploadPart', handler: uploadPart };
      }
      if (sub === 'acl') return { operation: 'PutObjectAcl', handler: putObjectAcl };
      if (sub === 'tagging') return { operation: 'PutObjectTagging', handler: putObjectTagging };
      if (sub === 'retention') return { operation: 'PutObjectRetention', handler: objectLockOnUnlockedBucket };
      if (sub === 'legal-hold') return { operation: 'PutObjectLegalHold', handler: objectLockOnUnlockedBucket };
      if (q.has('partNumber') || sub !== undefined) notImplemented(sub !== undefined ? `PUT object ?${sub}` : 'PUT ?partNumber without uploadId');
      if (headers['x-amz-copy-source'] !== undefined) return { operation: 'CopyObject', handler: copyObject };
      return { operation: 'PutObject', handler: putObject };
    case 'DELETE':
      if (sub === 'uploadId') return { operation: 'AbortMultipartUpload', handler: abortMultipartUpload };
      if (sub === 'tagging') return { operation: 'DeleteObjectTagging', handler: deleteObjectTagging };
      if (sub !== undefined) notImplemented(`DELETE object ?${sub}`);
      return { operation: 'DeleteObject', handler: deleteObject };
    case 'POST':
      if (sub === 'uploads') return { operation: 'CreateMultipartUpload', handler: createMultipartUpload };
      if (sub === 'uploadId') return { operation: 'CompleteMultipartUpload', handler: completeMultipartUpload };
      notImplemented(sub !== undefined ? `POST object ?${sub}` : 'POST object');
    // falls through (unreachable)
    default:
      throw new S3Error('MethodNotAllowed');
  }
}
