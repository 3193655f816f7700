/**
 * Bucket configurations VaultX cannot hold yet (policy, lifecycle, website,
 * encryption, replication, object lock, public access block, logging,
 * notifications, acceleration, request payment, ownership). Setting one is
 * 501 NotImplemented (see router.ts), so every bucket is in S3's
 * "not configured" state for them, and reading or deleting one answers just
 * as S3 does for a bucket without it: a specific 404, or the empty / default
 * document. Tools that read a bucket's whole configuration (Terraform, SDK
 * bucket inspectors, the Ceph conformance suite's setup) then work.
 */
import { S3Error, S3_XMLNS, XML_DECLARATION, type S3ErrorCode } from '@vaultx/s3-protocol';
import { authorizeBucket, type S3Context } from '../context.ts';
import { sendXml, setCommonHeaders } from '../respond.ts';

type Answer = { error: S3ErrorCode } | { xml: string };

/** Per sub-resource: the S3 operation names, and what GET answers (an error for an absent configuration, or a document). */
const UNCONFIGURED: Record<string, { get: string; del?: string; answer: Answer }> = {
  policy: { get: 'GetBucketPolicy', del: 'DeleteBucketPolicy', answer: { error: 'NoSuchBucketPolicy' } },
  policyStatus: { get: 'GetBucketPolicyStatus', answer: { error: 'NoSuchBucketPolicy' } },
  lifecycle: { get: 'GetBucketLifecycleConfiguration', del: 'DeleteBucketLifecycle', answer: { error: 'NoSuchLifecycleConfiguration' } },
  website: { get: 'GetBucketWebsite', del: 'DeleteBucketWebsite', answer: { error: 'NoSuchWebsiteConfiguration' } },
  encryption: { get: 'GetBucketEncryption', del: 'DeleteBucketEncryption', answer: { error: 'ServerSideEncryptionConfigurationNotFoundError' } },
  replication: { get: 'GetBucketReplication', del: 'DeleteBucketReplication', answer: { error: 'ReplicationConfigurationNotFoundError' } },
  'object-lock': { get: 'GetObjectLockConfiguration', answer: { error: 'ObjectLockConfigurationNotFoundError' } },
  publicAccessBlock: { get: 'GetPublicAccessBlock', del: 'DeletePublicAccessBlock', answer: { error: 'NoSuchPublicAccessBlockConfiguration' } },
  logging: { get: 'GetBucketLogging', answer: { xml: `<BucketLoggingStatus xmlns="${S3_XMLNS}"></BucketLoggingStatus>` } },
  notification: {
    get: 'GetBucketNotificationConfiguration',
    answer: { xml: `<NotificationConfiguration xmlns="${S3_XMLNS}"></NotificationConfiguration>` },
  },
  accelerate: { get: 'GetBucketAccelerateConfiguration', answer: { xml: `<AccelerateConfiguration xmlns="${S3_XMLNS}"></AccelerateConfiguration>` } },
  requestPayment: {
    get: 'GetBucketRequestPayment',
    answer: { xml: `<RequestPaymentConfiguration xmlns="${S3_XMLNS}"><Payer>BucketOwner</Payer></RequestPaymentConfiguration>` },
  },
  // ACLs are disabled (see acl.ts): the setting S3 calls BucketOwnerEnforced.
  ownershipControls: {
    get: 'GetBucketOwnershipControls',
    del: 'DeleteBucketOwnershipControls',
    answer: {
      xml: `<OwnershipControls xmlns="${S3_XMLNS}"><Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule></OwnershipControls>`,
    },
  },
};

/** The operation name of GET /bucket?<sub> when it is one of these, else undefined. */
export function unconfiguredGetOperation(sub: string): string | undefined {
  return Object.hasOwn(UNCONFIGURED, sub) ? UNCONFIGURED[sub]!.get : undefined;
}

/** The operation name of DELETE /bucket?<sub> (a no-op 204: S3 answers 204 when there is nothing to delete), else undefined. */
export function unconfiguredDeleteOperation(sub: string): string | undefined {
  return Object.hasOwn(UNCONFIGURED, sub) ? UNCONFIGURED[sub]!.del : undefined;
}

/** GET /bucket?<sub> for a configuration no bucket can have yet. */
export function getUnconfigured(sub: string) {
  return async (ctx: S3Context) => {
    const bucket = await authorizeBucket(ctx);
    const { answer } = UNCONFIGURED[sub]!;
    if ('error' in answer) throw new S3Error(answer.error, undefined, { BucketName: bucket.name });
    return sendXml(ctx.req, ctx.reply, `${XML_DECLARATION}${answer.xml}`);
  };
}

/** DELETE /bucket?<sub>: there is nothing to delete. */
export async function deleteUnconfigured(ctx: S3Context) {
  await authorizeBucket(ctx);
  setCommonHeaders(ctx.req, ctx.reply);
  return ctx.reply.code(204).send();
}
