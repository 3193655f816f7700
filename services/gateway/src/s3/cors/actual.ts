/**
 * CORS headers on actual (non-preflight) requests: any response — success or
 * S3 error — to a request with an Origin header, about a bucket whose CORS
 * configuration has a rule for that origin and the request's method, carries
 * that rule's Access-Control-* headers, as on S3. Runs as the S3 routes'
 * onSend hook, i.e. after respond.ts has cleared a failed operation's headers.
 *
 * The bucket record an operation loaded is remembered for the request, so the
 * common case costs no extra metadata call; otherwise (failures before the
 * bucket was read: bad signature, anonymous...) it is looked up here.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isValidBucketName } from '@vaultx/s3-protocol';
import type { BucketRecord } from '@vaultx/metadata-client';
import type { GatewayDeps } from '../../deps.ts';
import { corsResponseHeaders, findCorsRule } from './match.ts';

interface CorsTarget {
  bucket: string;
  record?: BucketRecord;
}

const targets = new WeakMap<FastifyRequest, CorsTarget>();

/** The bucket the request addresses (before anything is checked). */
export function noteCorsBucket(req: FastifyRequest, bucket: string): void {
  targets.set(req, { bucket });
}

/** The addressed bucket's record, once an operation has read it. */
export function noteBucketRecord(req: FastifyRequest, record: BucketRecord): void {
  const t = targets.get(req);
  if (t !== undefined && t.bucket === record.name) t.record = record;
}

async function corsConfigOf(deps: GatewayDeps, req: FastifyRequest, t: CorsTarget): Promise<BucketRecord['cors']> {
  if (t.record !== undefined) return t.record.cors;
  if (!isValidBucketName(t.bucket)) return undefined;
  try {
    return (await deps.metadata.getBucket({ name: t.bucket }, { requestId: req.id })).cors;
  } catch {
    // no bucket, or metadata unreachable: the response goes out as it is
    return undefined;
  }
}

export function corsOnSend(deps: GatewayDeps) {
  return async (req: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    if (req.method === 'OPTIONS') return payload; // the preflight sets its own
    const originHeader = req.headers.origin;
    const origin = Array.isArray(originHeader) ? originHeader.join(',') : originHeader;
    const t = targets.get(req);
    if (origin === undefined || t === undefined) return payload;
    const cors = await corsConfigOf(deps, req, t);
    if (cors === undefined) return payload;
    const match = findCorsRule(cors.rules, origin, req.method);
    if (match === undefined) return payload;
    for (const [name, value] of Object.entries(corsResponseHeaders(match, origin))) reply.header(name, value);
    return payload;
  };
}
