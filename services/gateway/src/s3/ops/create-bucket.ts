import { S3Error, isOwnerOnlyAcl, parseCreateBucketConfiguration, requestedAcl, validateBucketName } from '@vaultx/s3-protocol';
import { readSmallBody } from '../small-body.ts';
import { bucketName, header, type S3Context } from '../context.ts';
import { setCommonHeaders } from '../respond.ts';

const MAX_CONFIG_BYTES = 64 * 1024;

/** The legacy global region: re-creating a bucket one owns there is a no-op success. */
const US_EAST_1 = 'us-east-1';

/**
 * A LocationConstraint must name this endpoint's region (or be absent or
 * empty: the endpoint's own region). us-east-1 is the global endpoint, where
 * S3 calls an unusable constraint invalid; a regional endpoint calls it
 * incompatible with itself.
 */
function checkLocationConstraint(constraint: string | undefined, region: string): void {
  if (constraint === undefined || constraint === '' || constraint === region) return;
  if (region === US_EAST_1) {
    throw new S3Error('InvalidLocationConstraint', 'The specified location-constraint is not valid', { LocationConstraint: constraint });
  }
  throw new S3Error(
    'IllegalLocationConstraintException',
    `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`,
  );
}

const OBJECT_OWNERSHIP = ['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter'];

/** Only BucketOwnerEnforced (ACLs disabled, S3's default) is what VaultX does; the others enable ACLs. */
function checkObjectOwnership(value: string | undefined): void {
  if (value === undefined || value === 'BucketOwnerEnforced') return;
  if (!OBJECT_OWNERSHIP.includes(value)) {
    throw new S3Error('InvalidArgument', 'Invalid x-amz-object-ownership header', { ArgumentName: 'x-amz-object-ownership', ArgumentValue: value });
  }
  throw new S3Error('NotImplemented', `Object Ownership ${value} (ACLs enabled) is not implemented; only BucketOwnerEnforced.`);
}

/** PUT /bucket — optional CreateBucketConfiguration with a LocationConstraint. */
export async function createBucket(ctx: S3Context) {
  const name = bucketName(ctx);
  validateBucketName(name);
  checkObjectOwnership(header(ctx, 'x-amz-object-ownership'));
  // New buckets have ACLs disabled (as S3's default ownership setting): only "owner has full control".
  if (!isOwnerOnlyAcl(requestedAcl((h) => header(ctx, h)))) throw new S3Error('InvalidBucketAclWithObjectOwnership');
  const body = (await readSmallBody(ctx, MAX_CONFIG_BYTES)).toString('utf8');
  const region = ctx.deps.config.region;
  if (body.trim() !== '') checkLocationConstraint(parseCreateBucketConfiguration(body).locationConstraint, region);
  if ((header(ctx, 'x-amz-bucket-object-lock-enabled') ?? '').toLowerCase() === 'true') {
    throw new S3Error('NotImplemented', 'Object Lock is not implemented.');
  }
  try {
    await ctx.deps.metadata.createBucket({ name, owner: ctx.userId, region }, { requestId: ctx.requestId });
  } catch (e) {
    // In us-east-1, S3 answers 200 to re-creating a bucket one already owns and leaves
    // its contents alone; every other region says BucketAlreadyOwnedByYou.
    if (!(e instanceof S3Error && e.code === 'BucketAlreadyOwnedByYou' && region === US_EAST_1)) throw e;
  }
  setCommonHeaders(ctx.req, ctx.reply);
  return ctx.reply.code(200).header('location', `/${name}`).send();
}
