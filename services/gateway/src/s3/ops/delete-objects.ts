import { DELETE_OBJECTS_MAX_BODY, S3Error, parseDeleteObjects, renderDeleteResult, validateObjectKey } from '@vaultx/s3-protocol';
import { authorizeBucket, type S3Context } from '../context.ts';
import { sendXml, toS3Error } from '../respond.ts';
import { readSmallBody } from '../small-body.ts';

const PARALLEL = 8;

/** POST /bucket?delete */
export async function deleteObjects(ctx: S3Context) {
  const bucket = await authorizeBucket(ctx);
  const body = await readSmallBody(ctx, DELETE_OBJECTS_MAX_BODY);
  const request = parseDeleteObjects(body.toString('utf8'));
  const deleted: { key: string; versionId?: string }[] = [];
  const errors: { key: string; code: string; message: string }[] = [];
  const results = new Array<{ ok: boolean; key: string; versionId?: string; err?: S3Error }>(request.objects.length);

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < request.objects.length) {
      const i = next++;
      const o = request.objects[i]!;
      try {
        if (o.key === '') throw new S3Error('InvalidArgument', 'Invalid key: the key must not be empty');
        validateObjectKey(o.key);
        if (o.versionId !== undefined && o.versionId !== 'null') throw new S3Error('NoSuchVersion');
        // an object's ETag / LastModifiedTime / Size make its delete conditional (PreconditionFailed in <Error>)
        await ctx.deps.metadata.deleteObject(
          { bucket: bucket.name, key: o.key, ifMatch: o.etag, ifMatchLastModifiedTime: o.lastModifiedTime, ifMatchSize: o.size },
          { requestId: ctx.requestId },
        );
        results[i] = { ok: true, key: o.key, versionId: o.versionId };
      } catch (e) {
        results[i] = { ok: false, key: o.key, err: toS3Error(e) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, request.objects.length) }, worker));
  for (const r of results) {
    if (r.ok) deleted.push({ key: r.key, versionId: r.versionId });
    else errors.push({ key: r.key, code: r.err!.code, message: r.err!.message });
  }
  return sendXml(ctx.req, ctx.reply, renderDeleteResult({ deleted, errors, quiet: request.quiet }));
}
