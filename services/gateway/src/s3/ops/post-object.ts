/**
 * POST /bucket with multipart/form-data — S3's browser-based upload. The form
 * carries its own authentication (a signed policy), so this runs instead of
 * header authentication. Fields before `file` are read (bounded), the policy
 * is checked, and only then does the file stream into the PutObject write path.
 */
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  S3Error, XML_DECLARATION, checkPostLength, checkPostPolicy, escapeXml, extractObjectHeaders, isOwnerOnlyCannedAcl, parsePostPolicy,
  validateObjectKey,
} from '@vaultx/s3-protocol';
import type { ObjectRecord } from '@vaultx/metadata-client';
import { parsePostCredential, verifyPostSignatureV2, verifyPostSignatureV4, type AuthResult } from '@vaultx/sigv4';
import type { GatewayDeps } from '../../deps.ts';
import type { Authenticator } from '../auth.ts';
import type { S3Address } from '../request.ts';
import { authorizeBucket, makeContext } from '../context.ts';
import { setCommonHeaders } from '../respond.ts';
import { nowToTheSecond } from '../object-headers.ts';
import { writeObjectData } from '../../data/write-object.ts';

const MAX_FIELD_BYTES = 20 * 1024;
const MAX_FIELDS = 1000;

export function isPostObjectForm(method: string, addr: S3Address, contentType: string | undefined): boolean {
  return method === 'POST' && addr.bucket !== undefined && addr.key === undefined && addr.query.size === 0
    && (contentType ?? '').toLowerCase().startsWith('multipart/form-data');
}

interface FormHead {
  fields: Map<string, string>;
  file: Readable;
  filename: string;
}

const malformed = (why?: string) => new S3Error('MalformedPOSTRequest', why);

/** Resolves at the `file` part with every field before it; fields after it are ignored. */
function readFormHead(req: FastifyRequest): { head: Promise<FormHead>; done: Promise<void> } {
  let bb: busboy.Busboy;
  try {
    bb = busboy({ headers: req.headers, limits: { fieldSize: MAX_FIELD_BYTES, fields: MAX_FIELDS, files: 1, parts: MAX_FIELDS + 1 } });
  } catch {
    throw malformed();
  }
  const fields = new Map<string, string>();
  let gotFile = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const head = new Promise<FormHead>((resolve, reject) => {
    bb.on('field', (name, value, info) => {
      if (gotFile) return;
      if (info.valueTruncated) return reject(new S3Error('MaxMessageLengthExceeded', `Field ${name} is too long.`));
      const n = name.toLowerCase();
      if (!fields.has(n)) fields.set(n, value);
    });
    bb.on('file', (name, stream, info) => {
      if (gotFile || name.toLowerCase() !== 'file') {
        // Only the first part named `file` is the object; S3 treats other files as fields it ignores.
        stream.resume();
        return;
      }
      gotFile = true;
      resolve({ fields, file: stream, filename: info.filename ?? '' });
    });
    bb.on('error', (e) => {
      reject(malformed(e instanceof Error ? e.message : undefined));
      req.raw.unpipe(bb);
      req.raw.resume(); // the rest of the body is read and dropped
      if (req.raw.complete) resolveDone();
      else req.raw.on('end', () => resolveDone());
    });
    bb.on('close', () => {
      resolveDone();
      if (!gotFile) reject(new S3Error('InvalidArgument', 'POST requires exactly one file upload per request.', { ArgumentName: 'file', ArgumentValue: '0' }));
    });
  });
  head.catch(() => undefined);
  req.raw.on('error', () => resolveDone());
  req.raw.pipe(bb);
  return { head, done };
}

async function authenticateForm(fields: Map<string, string>, auth: Authenticator, region: string, requestId: string): Promise<AuthResult> {
  const policy = fields.get('policy');
  const v4sig = fields.get('x-amz-signature');
  const v2key = fields.get('awsaccesskeyid');
  if (policy === undefined && v4sig === undefined && fields.get('signature') === undefined) throw new S3Error('AccessDenied');
  if (policy === undefined) throw new S3Error('InvalidArgument', 'Bucket POST must contain a field named \'policy\'.', { ArgumentName: 'policy' });
  if (v4sig !== undefined) {
    if (fields.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256') throw new S3Error('InvalidArgument', 'Bucket POST must contain a valid x-amz-algorithm.', { ArgumentName: 'x-amz-algorithm' });
    const scope = parsePostCredential(fields.get('x-amz-credential') ?? '');
    if (scope === undefined || scope.service !== 's3') throw new S3Error('InvalidArgument', 'Bucket POST has an invalid x-amz-credential.', { ArgumentName: 'x-amz-credential' });
    if (scope.region !== region) throw new S3Error('AuthorizationQueryParametersError', `Error parsing the X-Amz-Credential parameter; the region '${scope.region}' is wrong; expecting '${region}'`);
    const creds = await auth.credentialsFor(scope.accessKeyId, requestId);
    if (creds === undefined) throw new S3Error('InvalidAccessKeyId', undefined, { AWSAccessKeyId: scope.accessKeyId });
    if (!verifyPostSignatureV4(creds.secretAccessKey, scope, policy, v4sig)) throw new S3Error('SignatureDoesNotMatch');
    return { credentials: creds, payload: { kind: 'unsigned' }, presigned: false, signatureVersion: 4 };
  }
  const v2sig = fields.get('signature');
  if (v2key === undefined) throw new S3Error('InvalidArgument', 'Bucket POST must contain a field named \'AWSAccessKeyId\'.', { ArgumentName: 'AWSAccessKeyId' });
  if (v2sig === undefined) throw new S3Error('InvalidArgument', 'Bucket POST must contain a field named \'Signature\'.', { ArgumentName: 'Signature' });
  const creds = await auth.credentialsFor(v2key, requestId);
  if (creds === undefined) throw new S3Error('InvalidAccessKeyId', undefined, { AWSAccessKeyId: v2key });
  if (!verifyPostSignatureV2(creds.secretAccessKey, policy, v2sig)) throw new S3Error('SignatureDoesNotMatch');
  return { credentials: creds, payload: { kind: 'unsigned' }, presigned: false, signatureVersion: 2 };
}

/** Counts the file's bytes, failing as soon as the policy's maximum is passed. */
async function* limited(file: Readable, max: number | undefined): AsyncGenerator<Buffer> {
  let total = 0;
  try {
    for await (const chunk of file as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (max !== undefined && total > max) throw new S3Error('EntityTooLarge', undefined, { ProposedSize: total, MaxSizeAllowed: max });
      yield chunk;
    }
  } catch (e) {
    throw e instanceof S3Error ? e : malformed();
  }
}

/**
 * Reads what is left of a small form before answering an error, so a browser
 * still sending it sees the error rather than a reset connection. Bounded:
 * past DRAIN_MS the error goes out anyway (and the connection is closed).
 */
const DRAIN_MS = 2_000;
async function drained(done: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([done, new Promise<void>((r) => (timer = setTimeout(r, DRAIN_MS)))]);
  clearTimeout(timer);
}

const OBJECT_FIELDS = ['content-type', 'cache-control', 'content-disposition', 'content-encoding', 'expires'];

export async function postObject(
  deps: GatewayDeps, auth: Authenticator, req: FastifyRequest, reply: FastifyReply, addr: S3Address,
): Promise<FastifyReply> {
  const bucketName = addr.bucket!;
  const { head, done } = readFormHead(req);
  let form: FormHead;
  try {
    form = await head;
  } catch (e) {
    await drained(done);
    throw e;
  }
  const { fields, file, filename } = form;
  try {
    const authResult = await authenticateForm(fields, auth, deps.config.region, req.id);
    req.audit.user = authResult.credentials.userId;
    const ctx = makeContext(deps, req, reply, addr, authResult);
    const rawKey = fields.get('key');
    if (rawKey === undefined) throw new S3Error('InvalidArgument', 'Bucket POST must contain a field named \'key\'.  If it is specified, please check the order of the fields.', { ArgumentName: 'key' });
    const policy = parsePostPolicy(fields.get('policy')!);
    const key = rawKey.replaceAll('${filename}', filename);
    // The policy judges the key the object will have (s3-tests test_post_object_set_key_from_filename).
    const range = checkPostPolicy(policy, new Map([...fields, ['key', key], ['bucket', bucketName]]), new Date());
    // As PutObject with ACLs disabled: only the ACLs that grant nothing beyond the owner (s3-tests forms send acl=private).
    const acl = fields.get('acl');
    if (acl !== undefined && !isOwnerOnlyCannedAcl(acl)) throw new S3Error('AccessControlListNotSupported');
    validateObjectKey(key);
    req.audit.key = key;
    const bucket = await authorizeBucket(ctx, bucketName);

    const objHeaders: Record<string, string> = {};
    for (const [n, v] of fields) if (OBJECT_FIELDS.includes(n) || n.startsWith('x-amz-meta-')) objHeaders[n] = v;
    const { headers, userMeta } = extractObjectHeaders(objHeaders);
    const { config, chunks, metadata } = deps;
    const written = await writeObjectData(limited(file, range?.max), chunks, {
      chunkSize: config.chunkSize,
      sha256: false,
      requestId: req.id,
      contentType: headers['content-type'],
      maxSize: config.maxObjectSize,
      onTooLarge: () => new S3Error('EntityTooLarge', undefined, { MaxSizeAllowed: config.maxObjectSize }),
    });
    checkPostLength(range, written.digests.length);
    const record: ObjectRecord = {
      bucket: bucket.name, key, size: written.digests.length, etag: written.digests.md5.toString('hex'),
      lastModified: nowToTheSecond(), owner: ctx.userId, storageClass: 'STANDARD', headers, userMeta, chunks: written.chunks,
    };
    await metadata.putObject({ record }, { requestId: req.id });
    await done;
    req.audit.size = record.size;
    return respond(req, reply, fields, bucket.name, key, record.etag);
  } catch (e) {
    file.resume();
    await drained(done);
    throw e;
  }
}

function respond(req: FastifyRequest, reply: FastifyReply, fields: Map<string, string>, bucket: string, key: string, etag: string): FastifyReply {
  const host = req.headers.host ?? 'localhost';
  const location = `http://${host}/${bucket}/${encodeURIComponent(key).replaceAll('%2F', '/')}`;
  setCommonHeaders(req, reply);
  reply.header('etag', `"${etag}"`);
  reply.header('location', location);
  const redirect = fields.get('success_action_redirect') ?? fields.get('redirect');
  if (redirect !== undefined && /^https?:\/\//i.test(redirect)) {
    const url = new URL(redirect);
    url.searchParams.set('bucket', bucket);
    url.searchParams.set('key', key);
    url.searchParams.set('etag', `"${etag}"`);
    return reply.code(303).header('location', url.toString()).send();
  }
  const status = fields.get('success_action_status');
  if (status === '200') return reply.code(200).send();
  if (status === '201') {
    const xml = `${XML_DECLARATION}<PostResponse><Location>${escapeXml(location)}</Location><Bucket>${escapeXml(bucket)}</Bucket><Key>${escapeXml(key)}</Key><ETag>"${etag}"</ETag></PostResponse>`;
    return reply.code(201).header('content-type', 'application/xml').send(xml);
  }
  return reply.code(204).send();
}
