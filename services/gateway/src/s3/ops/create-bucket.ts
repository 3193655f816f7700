import { S3Error, parseCreateBucketConfiguration, validateBucketName } from '@vaultx/s3-protocol';
import { readSmallBody } from '../small-body.ts';
import { bucketName, header, type S3Context } from '../context.ts';
import { setCommonHeaders } from '../respond.ts';

const MAX_CONFIG_BYTES = 64 * 1024;

/** PUT /bucket — optional CreateBucketConfiguration with a LocationConstraint. */
export async function createBucket(ctx: S3Context) {
  const name = bucketName(ctx);
  validateBucketName(name);
  const body = (await readSmallBody(ctx, MAX_CONFIG_BYTES)).toString('utf8');
  const region = ctx.deps.config.region;
  if (body.trim() !== '') {
    const { locationConstraint } = parseCreateBucketConfiguration(body);
    if (locationConstraint !== undefined && locationConstraint !== '' && locationConstraint !== region) {
      throw new S3Error('InvalidLocationConstraint', `The specified location-constraint is not valid`, { LocationConstraint: locationConstraint });
    }
  }
  if ((header(ctx, 'x-amz-bucket-object-lock-enabled') ?? '').toLowerCase() === 'true') {
    throw new S3Error('NotImplemented', 'Object Lock is not implemented.');
  }
  await ctx.deps.metadata.createBucket({ name, owner: ctx.userId, region }, { requestId: ctx.requestId });
  setCommonHeaders(ctx.req, ctx.reply);
  return ctx.reply.code(200).header('location', `/${name}`).send();
}
