import { randomBytes } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';

// Entropy drawn in blocks: one randomBytes call per 512 ids instead of one per request.
const POOL_IDS = 512;
let pool = randomBytes(8 * POOL_IDS);
let next = 0;

/** S3-style request id: 16 uppercase hex chars. */
export function newRequestId(): string {
  if (next === POOL_IDS) {
    pool = randomBytes(8 * POOL_IDS);
    next = 0;
  }
  const id = pool.toString('hex', next * 8, next * 8 + 8).toUpperCase();
  next++;
  return id;
}

/** Accept an upstream id only if it looks like one of ours (it ends up in logs and headers). */
export function requestIdFrom(header: string | string[] | undefined): string {
  const v = Array.isArray(header) ? header[0] : header;
  return v !== undefined && /^[A-Za-z0-9-]{1,64}$/.test(v) ? v : newRequestId();
}
