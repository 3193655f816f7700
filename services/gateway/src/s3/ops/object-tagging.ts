/**
 * PUT, GET and DELETE /bucket/key?tagging — an object's tags. Setting or
 * removing tags rewrites the object record with everything else unchanged
 * (same data, ETag and Last-Modified, as S3), guarded by If-Match on the ETag
 * read so that a concurrent overwrite of the object is never undone.
 */
import { S3Error, TAGGING_MAX_BODY, parseTagging, renderTagging, validateObjectKey, type Tag } from '@vaultx/s3-protocol';
import type { ObjectRecord } from '@vaultx/metadata-client';
import { authorizeBucket, checkVersionId, objectKey, type S3Context } from '../context.ts';
import { sendXml, setCommonHeaders } from '../respond.ts';
import { readSmallBody } from '../small-body.ts';

async function loadObject(ctx: S3Context): Promise<ObjectRecord> {
  const key = objectKey(ctx);
  validateObjectKey(key);
  checkVersionId(ctx);
  const bucket = await authorizeBucket(ctx);
  return ctx.deps.metadata.getObject({ bucket: bucket.name, key }, { requestId: ctx.requestId });
}

/** Rewrites the record with new tags; retried when the object changed in between. */
async function setTags(ctx: S3Context, first: ObjectRecord, tags: Tag[]): Promise<void> {
  let obj = first;
  for (let attempt = 0; ; attempt++) {
    const { tags: _old, ...rest } = obj;
    const record: ObjectRecord = tags.length > 0 ? { ...rest, tags } : rest;
    try {
      await ctx.deps.metadata.putObject({ record, ifMatch: obj.etag }, { requestId: ctx.requestId });
      return;
    } catch (e) {
      if (!(e instanceof S3Error) || e.code !== 'PreconditionFailed' || attempt >= 3) throw e;
      obj = await ctx.deps.metadata.getObject({ bucket: obj.bucket, key: obj.key }, { requestId: ctx.requestId });
    }
  }
}

export async function putObjectTagging(ctx: S3Context) {
  const obj = await loadObject(ctx);
  const tags = parseTagging(await readSmallBody(ctx, TAGGING_MAX_BODY));
  await setTags(ctx, obj, tags);
  setCommonHeaders(ctx.req, ctx.reply);
  return ctx.reply.code(200).send();
}

export async function getObjectTagging(ctx: S3Context) {
  const obj = await loadObject(ctx);
  return sendXml(ctx.req, ctx.reply, renderTagging(obj.tags ?? []));
}

export async function deleteObjectTagging(ctx: S3Context) {
  const obj = await loadObject(ctx);
  if (obj.tags && obj.tags.length > 0) await setTags(ctx, obj, []);
  setCommonHeaders(ctx.req, ctx.reply);
  return ctx.reply.code(204).send();
}
