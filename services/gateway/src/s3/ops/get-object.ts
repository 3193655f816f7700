import {
  S3Error,
  applyResponseOverrides,
  contentRange,
  evaluateConditions,
  parseRange,
  validateObjectKey,
} from '@vaultx/s3-protocol';
import { authorizeBucket, checkVersionId, header, objectKey, type S3Context } from '../context.ts';
import { setCommonHeaders } from '../respond.ts';
import { setObjectHeaders } from '../object-headers.ts';
import { readObjectData } from '../../data/read-object.ts';
import { parsePartNumber } from '../../multipart/params.ts';
import { partConditions, partSlice } from '../../multipart/part-range.ts';

const OVERRIDES = [
  'response-content-type', 'response-content-language', 'response-expires',
  'response-cache-control', 'response-content-disposition', 'response-content-encoding',
];

/** GET and HEAD /bucket/key — conditional requests, a single Range, response-* overrides. */
export async function getObject(ctx: S3Context) {
  const key = objectKey(ctx);
  validateObjectKey(key);
  checkVersionId(ctx);
  const partNumberRaw = ctx.addr.query.get('partNumber');
  const partNumber = partNumberRaw === null ? null : parsePartNumber(partNumberRaw);
  if (partNumber !== null && header(ctx, 'range') !== undefined) {
    throw new S3Error('InvalidRequest', 'Cannot specify both Range header and partNumber query parameter');
  }
  const bucket = await authorizeBucket(ctx);
  const obj = await ctx.deps.metadata.getObject({ bucket: bucket.name, key }, { requestId: ctx.requestId });
  const isHead = ctx.req.method === 'HEAD';
  const { reply } = ctx;
  setCommonHeaders(ctx.req, reply);

  const conditions = {
    ifMatch: header(ctx, 'if-match'),
    ifNoneMatch: header(ctx, 'if-none-match'),
    ifModifiedSince: header(ctx, 'if-modified-since'),
    ifUnmodifiedSince: header(ctx, 'if-unmodified-since'),
  };
  const outcome = evaluateConditions(
    partNumber === null ? conditions : partConditions(conditions, obj, partNumber),
    { etag: obj.etag, lastModified: new Date(obj.lastModified) },
    isHead ? 'HEAD' : 'GET',
  );
  if (outcome === 'not-modified') {
    setObjectHeaders(reply, obj, { checksum: false });
    return reply.code(304).send();
  }
  if (outcome === 'precondition-failed') throw new S3Error('PreconditionFailed', undefined, { Condition: 'If-Match' });

  // ?partNumber=N: a multipart object's part N as a 206 range; a single-part object has only part 1, the whole.
  const part = partNumber === null ? undefined : partSlice(obj, partNumber);
  const range = partNumber === null ? parseRange(header(ctx, 'range'), obj.size) : part?.range;
  if (range === 'unsatisfiable') {
    throw new S3Error('InvalidRange', undefined, { RangeRequested: header(ctx, 'range'), ActualObjectSize: obj.size });
  }
  const wantChecksum = (header(ctx, 'x-amz-checksum-mode') ?? '').toUpperCase() === 'ENABLED' && range === undefined;
  setObjectHeaders(reply, obj, { checksum: wantChecksum });
  const headers: Record<string, string> = {};
  if (OVERRIDES.some((o) => ctx.addr.query.has(o))) {
    applyResponseOverrides(ctx.addr.query, headers);
    for (const [n, v] of Object.entries(headers)) reply.header(n, v);
  }
  if (part) {
    reply.header('x-amz-mp-parts-count', String(part.partsCount));
    reply.header('etag', `"${part.etag}"`);
  }

  const span = range ?? { start: 0, end: obj.size - 1 };
  const length = obj.size === 0 ? 0 : span.end - span.start + 1;
  reply.header('content-length', String(length));
  // an empty part has no byte range to name: 200 with no body
  if (range && length > 0) reply.code(206).header('content-range', contentRange(range.start, range.end, obj.size));
  else reply.code(200);
  if (!reply.hasHeader('content-type')) reply.header('content-type', 'binary/octet-stream');
  ctx.req.audit.size = length;
  if (isHead || length === 0) return reply.send(isHead ? undefined : Buffer.alloc(0));
  if (obj.inline !== undefined) return reply.send(Buffer.from(obj.inline, 'base64').subarray(span.start, span.end + 1));
  return reply.send(await readObjectData(obj.chunks, span, ctx.deps.chunks, ctx.requestId));
}
