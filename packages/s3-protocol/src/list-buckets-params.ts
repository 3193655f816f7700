/**
 * ListBuckets query parameters and paging, as Amazon S3 reads them.
 *
 * - max-buckets: 1..10000; anything else (0, negative, not a decimal
 *   integer) → InvalidArgument. Absent: every bucket, one page.
 * - continuation-token: opaque (base64url of the last name on the previous
 *   page); one that is not ours → InvalidArgument. Empty: from the start.
 * - prefix: only names starting with it; echoed as <Prefix> when sent.
 * - bucket-region: only buckets in that region.
 * The response carries <ContinuationToken> only when more buckets remain
 * (ceph s3-tests test_list_buckets_paginated).
 */
import { S3Error } from './errors.ts';
import { decodeContinuationToken, encodeContinuationToken } from './list-params.ts';

export const MAX_LIST_BUCKETS = 10000;

export interface ListBucketsParams {
  /** undefined: no limit. */
  maxBuckets?: number;
  /** The name the page continues after (decoded from the token). */
  after?: string;
  prefix?: string;
  bucketRegion?: string;
}

export function parseListBucketsParams(query: URLSearchParams): ListBucketsParams {
  const rawMax = query.get('max-buckets');
  let maxBuckets: number | undefined;
  if (rawMax !== null) {
    const n = /^\d{1,6}$/.test(rawMax) ? Number(rawMax) : NaN;
    if (!(n >= 1 && n <= MAX_LIST_BUCKETS)) {
      throw new S3Error('InvalidArgument', `Argument max-buckets must be an integer between 1 and ${MAX_LIST_BUCKETS}`, {
        ArgumentName: 'max-buckets',
        ArgumentValue: rawMax,
      });
    }
    maxBuckets = n;
  }
  const token = query.get('continuation-token');
  const prefix = query.get('prefix');
  const region = query.get('bucket-region');
  return {
    maxBuckets,
    after: token !== null && token !== '' ? decodeContinuationToken(token) : undefined,
    prefix: prefix ?? undefined,
    bucketRegion: region !== null && region !== '' ? region : undefined,
  };
}

/** One page of `buckets` (sorted by name) and the token for the next, when more remain. */
export function pageBuckets<B extends { name: string; region?: string }>(
  buckets: readonly B[],
  p: ListBucketsParams,
): { page: B[]; continuationToken?: string } {
  const matching = buckets.filter(
    (b) =>
      (p.after === undefined || b.name > p.after) &&
      (p.prefix === undefined || b.name.startsWith(p.prefix)) &&
      (p.bucketRegion === undefined || b.region === p.bucketRegion),
  );
  if (p.maxBuckets === undefined || matching.length <= p.maxBuckets) return { page: matching };
  const page = matching.slice(0, p.maxBuckets);
  return { page, continuationToken: encodeContinuationToken(page[page.length - 1]!.name) };
}
