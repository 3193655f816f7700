import { S3Error, renderListBuckets } from '@vaultx/s3-protocol';
import { sendXml } from '../respond.ts';
import type { S3Context } from '../context.ts';

const MAX_BUCKETS = 10_000;

function maxBuckets(raw: string | null): number | undefined {
  if (raw === null) return undefined;
  const n = /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= MAX_BUCKETS)) {
    throw new S3Error('InvalidArgument', `max-buckets must be an integer between 1 and ${MAX_BUCKETS}`, { ArgumentName: 'max-buckets', ArgumentValue: raw });
  }
  return n;
}

// The continuation token is the last name of the previous page, opaque to clients.
const encodeToken = (name: string): string => Buffer.from(name, 'utf8').toString('base64url');
function decodeToken(token: string): string {
  const name = Buffer.from(token, 'base64url').toString('utf8');
  if (token === '' || encodeToken(name) !== token) {
    throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', { ArgumentName: 'continuation-token', ArgumentValue: token });
  }
  return name;
}

/**
 * GET / — the buckets the caller owns (as S3; root's admin powers don't widen its
 * listing), optionally by prefix and region, paged with max-buckets / continuation-token.
 */
export async function listBuckets(ctx: S3Context) {
  const q = ctx.addr.query;
  const limit = maxBuckets(q.get('max-buckets'));
  const token = q.get('continuation-token');
  const after = token === null ? undefined : decodeToken(token);
  const prefix = q.get('prefix') ?? undefined;
  const region = q.get('bucket-region') ?? undefined;
  const { buckets } = await ctx.deps.metadata.listBuckets({ owner: ctx.userId }, { requestId: ctx.requestId });
  // Names come sorted (UTF-8 order); string comparison agrees for the bucket-name alphabet.
  let selected = buckets.filter(
    (b) => (after === undefined || b.name > after) && (prefix === undefined || b.name.startsWith(prefix)) && (region === undefined || b.region === region),
  );
  let next: string | undefined;
  if (limit !== undefined && selected.length > limit) {
    selected = selected.slice(0, limit);
    next = encodeToken(selected[selected.length - 1]!.name);
  }
  return sendXml(
    ctx.req,
    ctx.reply,
    renderListBuckets({
      owner: { id: ctx.userId, displayName: ctx.userId },
      buckets: selected.map((b) => ({ name: b.name, createdAt: b.createdAt, region: b.region })),
      continuationToken: next,
      prefix,
    }),
  );
}
