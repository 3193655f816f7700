import { randomBytes } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';

/** S3-style request id: 16 uppercase hex chars. */
export function newRequestId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

/** Accept an upstream id only if it looks like one of ours (it ends up in logs and headers). */
export function requestIdFrom(header: string | string[] | undefined): string {
  const v = Array.isArray(header) ? header[0] : header;
  return v !== undefined && /^[A-Za-z0-9-]{1,64}$/.test(v) ? v : newRequestId();
}
