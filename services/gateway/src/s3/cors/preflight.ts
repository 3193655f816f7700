/**
 * OPTIONS /bucket[/key] — the CORS preflight. Unauthenticated, as on S3: the
 * browser sends it without credentials. Checks, in S3's order: Origin present
 * (400), Access-Control-Request-Method one of the CORS methods (400), bucket
 * exists (404), bucket has a CORS configuration and a rule matches (403
 * AccessForbidden otherwise); then 200 with the rule's Access-Control-* headers.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { S3Error, isCorsMethod, isValidBucketName } from '@vaultx/s3-protocol';
import type { GatewayDeps } from '../../deps.ts';
import type { S3Address } from '../request.ts';
import { setCommonHeaders } from '../respond.ts';
import { corsResponseHeaders, findCorsRule, parseRequestHeaders } from './match.ts';

function single(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(',') : v;
}

export async function corsPreflight(deps: GatewayDeps, req: FastifyRequest, reply: FastifyReply, addr: S3Address): Promise<FastifyReply> {
  const origin = single(req.headers.origin);
  if (origin === undefined) throw new S3Error('BadRequest', 'Insufficient information. Origin request header needed.');
  const method = single(req.headers['access-control-request-method']);
  if (method === undefined || !isCorsMethod(method)) throw new S3Error('BadRequest', `Invalid Access-Control-Request-Method: ${method ?? 'null'}`);
  const requestHeaders = parseRequestHeaders(single(req.headers['access-control-request-headers']));
  const forbidden = (message?: string) =>
    new S3Error('AccessForbidden', message, { Method: method, ResourceType: addr.key === undefined ? 'BUCKET' : 'OBJECT' });

  if (addr.bucket === undefined) throw forbidden('CORSResponse: Bucket not found');
  if (!isValidBucketName(addr.bucket)) throw new S3Error('NoSuchBucket', undefined, { BucketName: addr.bucket });
  const bucket = await deps.metadata.getBucket({ name: addr.bucket }, { requestId: req.id });
  if (bucket.cors === undefined) throw forbidden('CORSResponse: CORS is not enabled for this bucket.');
  const match = findCorsRule(bucket.cors.rules, origin, method, requestHeaders);
  if (match === undefined) throw forbidden();

  setCommonHeaders(req, reply);
  for (const [name, value] of Object.entries(corsResponseHeaders(match, origin, requestHeaders))) reply.header(name, value);
  return reply.code(200).header('content-length', '0').send();
}
