import { authorizeBucket, type S3Context } from '../context.ts';
import { sendXml } from '../respond.ts';

/** GET /bucket?versioning — versioning has never been enabled on any VaultX bucket yet: an empty configuration, as S3 returns. */
export async function getBucketVersioning(ctx: S3Context) {
  await authorizeBucket(ctx);
  return sendXml(
    ctx.req,
    ctx.reply,
    '<?xml version="1.0" encoding="UTF-8"?>\n<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>',
  );
}
