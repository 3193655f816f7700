/**
 * Capture real client requests for the replay test (src/captured.test.ts).
 *
 *   cd /work/main && node --import tsx packages/sigv4/scripts/capture-fixtures.ts
 *
 * Starts a minimal fake S3 on 127.0.0.1 that authenticates every request with
 * this package (and decodes aws-chunked bodies), then drives real clients at
 * it: the aws CLI (botocore; SigV4 and SigV2), rclone (aws-sdk-go), and the AWS
 * SDK for JavaScript v3 (client-s3 + s3-request-presigner). Every request is
 * written to src/fixtures/captured.json (aws-chunked bodies up to 256 KiB are kept).
 * Clients that are not installed are skipped.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { S3Client, PutObjectCommand, ListObjectsV2Command, DeleteObjectsCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { S3Error } from '@vaultx/s3-protocol';
import { authenticate, createAwsChunkedDecoder, createChecksum, parseChecksumAlgorithm } from '../src/index.ts';
import { AK, SK, lookup } from '../src/test-util.ts';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const MAX_BODY = 256 * 1024;

export interface Fixture {
  client: string;
  method: string;
  rawUrl: string;
  headers: Record<string, string[]>;
  time: string;
  bodyBase64: string | null;
  bodyLength: number;
  result: { signatureVersion: 2 | 4; presigned: boolean; payload: string; decodedMd5?: string; trailers?: Record<string, string> };
}

const fixtures: Fixture[] = [];
let currentClient = 'unknown';
const failures: string[] = [];

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

function xml(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const time = new Date();
  const raw = await readBody(req);
  const headers = req.headersDistinct as Record<string, string[]>;
  const rawUrl = req.url ?? '/';
  let result: Fixture['result'];
  let payload = raw;
  try {
    const auth = await authenticate({ method: req.method ?? 'GET', rawUrl, headers, now: time }, lookup, { region: 'us-east-1' });
    if (!auth) throw new Error('anonymous?');
    result = { signatureVersion: auth.signatureVersion, presigned: auth.presigned, payload: auth.payload.kind };
    if (auth.payload.kind === 'chunked') {
      result.payload = `chunked${auth.payload.signed ? '-signed' : '-unsigned'}${auth.payload.trailer ? '-trailer' : ''}`;
      const dlen = headers['x-amz-decoded-content-length']?.[0];
      const dec = createAwsChunkedDecoder(auth.payload, { expectedDecodedLength: dlen === undefined ? undefined : Number(dlen) });
      const out: Buffer[] = [];
      for await (const c of Readable.from([raw]).pipe(dec)) out.push(c as Buffer);
      payload = Buffer.concat(out);
      result.trailers = dec.trailers;
      for (const [name, value] of Object.entries(dec.trailers)) {
        const alg = parseChecksumAlgorithm(name);
        if (!alg) continue;
        const c = createChecksum(alg);
        c.update(payload);
        if (c.digest() !== value) throw new Error(`trailer ${name} ${value} != computed ${c.digest()}`);
      }
    } else if (auth.payload.kind === 'sha256') {
      const got = createHash('sha256').update(raw).digest('hex');
      if (got !== auth.payload.expectedSha256) throw new Error('x-amz-content-sha256 mismatch');
    }
    for (const [name, vals] of Object.entries(headers)) {
      const alg = name.startsWith('x-amz-checksum-') ? parseChecksumAlgorithm(name) : undefined;
      if (!alg) continue;
      const c = createChecksum(alg);
      c.update(payload);
      if (c.digest() !== vals[0]) throw new Error(`header ${name} ${vals[0]} != computed ${c.digest()}`);
    }
    result.decodedMd5 = createHash('md5').update(payload).digest('hex');
  } catch (e) {
    const msg = e instanceof S3Error ? `${e.code}: ${e.message} ${JSON.stringify(e.details)}` : String(e);
    failures.push(`${currentClient} ${req.method} ${rawUrl}: ${msg}`);
    console.error('FAIL', currentClient, req.method, rawUrl, msg);
    xml(res, e instanceof S3Error ? e.status : 500, `<Error><Code>${e instanceof S3Error ? e.code : 'InternalError'}</Code></Error>`);
    return;
  }
  fixtures.push({
    client: currentClient,
    method: req.method ?? 'GET',
    rawUrl,
    headers,
    time: time.toISOString(),
    // bodies matter for replay only when they are framed (aws-chunked)
    bodyBase64: result.payload.startsWith('chunked') && raw.length <= MAX_BODY ? raw.toString('base64') : null,
    bodyLength: raw.length,
    result,
  });
  console.log('ok  ', currentClient, req.method, rawUrl.slice(0, 100), result.payload, `v${result.signatureVersion}`);

  // Just enough S3 for the clients to carry on.
  const url = new URL(rawUrl, 'http://x');
  const q = url.searchParams;
  const etag = `"${result.decodedMd5}"`;
  if (req.method === 'POST' && q.has('uploads')) {
    return xml(res, 200, `<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>upload-1</UploadId></InitiateMultipartUploadResult>`);
  }
  if (req.method === 'POST' && q.has('uploadId')) {
    return xml(res, 200, `<CompleteMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><ETag>"abc-2"</ETag></CompleteMultipartUploadResult>`);
  }
  if (req.method === 'POST' && q.has('delete')) {
    return xml(res, 200, `<DeleteResult></DeleteResult>`);
  }
  if (req.method === 'PUT') {
    res.writeHead(200, { etag });
    return void res.end();
  }
  if (req.method === 'GET' && q.has('tagging')) {
    return xml(res, 200, `<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet></TagSet></Tagging>`);
  }
  if (req.method === 'GET' && q.has('acl')) {
    return xml(res, 200, `<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>o</ID></Owner><AccessControlList></AccessControlList></AccessControlPolicy>`);
  }
  if (req.method === 'GET' && q.has('location')) {
    return xml(res, 200, `<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>`);
  }
  if (req.method === 'HEAD') {
    const isBucket = url.pathname.split('/').filter(Boolean).length <= 1;
    res.writeHead(isBucket ? 200 : 404);
    return void res.end();
  }
  if (req.method === 'GET' && url.pathname.split('/').filter(Boolean).length <= 1) {
    return xml(res, 200, `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix></Prefix><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>`);
  }
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '5', etag: '"5d41402abc4b2a76b9719d911017c592"' });
    return void res.end('hello');
  }
  res.writeHead(200);
  res.end();
}

async function main(): Promise<void> {
  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      console.error(e);
      res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const endpoint = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'sigv4-capture-'));
  const small = join(dir, 'small.bin');
  writeFileSync(small, randomBytes(20 * 1024));
  const big = join(dir, 'big.bin');
  writeFileSync(big, randomBytes(11 * 1024 * 1024));

  const awsEnv = (extraConfig = ''): NodeJS.ProcessEnv => {
    const cfg = join(dir, `config-${Math.random()}`);
    writeFileSync(cfg, `[default]\nregion = us-east-1\ns3 =\n  addressing_style = path\n  multipart_threshold = 5MB\n  multipart_chunksize = 5MB\n${extraConfig}`);
    return {
      ...process.env,
      AWS_ACCESS_KEY_ID: AK,
      AWS_SECRET_ACCESS_KEY: SK,
      AWS_CONFIG_FILE: cfg,
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'nocreds'),
      AWS_EC2_METADATA_DISABLED: 'true',
    };
  };
  const aws = async (args: string[], env = awsEnv()): Promise<string> => {
    try {
      const { stdout } = await run('aws', ['--endpoint-url', endpoint, ...args], { env, maxBuffer: 1 << 20 });
      return stdout.trim();
    } catch (e) {
      console.error('aws failed', args.join(' '), (e as { stderr?: string }).stderr ?? e);
      return '';
    }
  };
  const fetchUrl = async (url: string, init?: RequestInit): Promise<void> => {
    const r = await fetch(url, init);
    await r.arrayBuffer();
  };
  const have = async (cmd: string): Promise<boolean> => run('sh', ['-c', `command -v ${cmd}`]).then(() => true, () => false);

  if (await have('aws')) {
    currentClient = 'aws-cli-sigv4';
    await aws(['s3api', 'put-object', '--bucket', 'bkt', '--key', 'dir/a b+c~ü(1).txt', '--body', small]);
    await aws(['s3api', 'list-objects-v2', '--bucket', 'bkt', '--prefix', 'a b+c/ü', '--delimiter', '/']);
    await aws(['s3', 'cp', small, 's3://bkt/x y/small copy.bin']);
    await aws(['s3', 'cp', big, 's3://bkt/x y/big.bin']);
    await aws(['s3api', 'get-object-tagging', '--bucket', 'bkt', '--key', "it's=100%"]);
    // (aws-cli v1 `s3 presign` signs with SigV2 unless told otherwise)
    const url = await aws(['s3', 'presign', "s3://bkt/k e y/it's 100%.txt", '--expires-in', '300']);
    currentClient = 'aws-cli-presign';
    if (url) await fetchUrl(url);
    const url4 = await aws(['s3', 'presign', 's3://bkt/v4/k e y+ü.txt', '--expires-in', '300'], awsEnv('  signature_version = s3v4\n'));
    if (url4) await fetchUrl(url4);
  }

  // botocore with signature_version='s3' (SigV2, HmacV1) for header auth and presign
  if (await run('python3', ['-c', 'import botocore']).then(() => true, () => false)) {
    currentClient = 'botocore';
    const py = `
import sys, urllib.request
import botocore.session
from botocore.config import Config
s = botocore.session.get_session()
for sig in ('s3', 's3v4'):
    c = s.create_client('s3', region_name='us-east-1', endpoint_url=sys.argv[1], aws_access_key_id=sys.argv[2],
        aws_secret_access_key=sys.argv[3], config=Config(signature_version=sig, s3={'addressing_style': 'path'}))
    c.put_object(Bucket='bkt', Key='py/' + sig + '/a b+c~\u00fc(1).txt', Body=b'x' * 1000, Metadata={'Foo': 'bar baz'}, ContentType='text/plain')
    c.list_objects_v2(Bucket='bkt', Prefix='py/\u00fc x+y', Delimiter='/')
    c.get_object_acl(Bucket='bkt', Key='py/a b.txt')
    c.get_object(Bucket='bkt', Key='py/a b.txt', ResponseContentDisposition='attachment; filename="a b.txt"', VersionId='v1/2')
    for m, p in (('get_object', {'Bucket': 'bkt', 'Key': 'py/pre signed \u00fc+.txt', 'ResponseContentType': 'text/plain; charset=utf-8'}),):
        u = c.generate_presigned_url(m, Params=p, ExpiresIn=300)
        urllib.request.urlopen(u).read()
`;
    try {
      await run('python3', ['-c', py, endpoint, AK, SK], { env: { ...process.env, AWS_CONFIG_FILE: join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') } });
    } catch (e) {
      console.error('botocore failed', (e as { stderr?: string }).stderr ?? e);
    }
  }

  if (await have('rclone')) {
    currentClient = 'rclone';
    const remote = `:s3,provider=Other,access_key_id=${AK},secret_access_key=${SK},endpoint='${endpoint}',region=us-east-1`;
    const rc = async (args: string[]): Promise<void> => {
      try {
        await run('rclone', [...args, '--s3-no-check-bucket', '--s3-no-head', '--s3-upload-cutoff', '5M', '--s3-chunk-size', '5M', '--retries', '1', '--low-level-retries', '1'], {
          env: { ...process.env, AWS_CA_BUNDLE: '', RCLONE_CONFIG: join(dir, 'rclone.conf') },
        });
      } catch (e) {
        console.error('rclone failed', args.join(' '), (e as { stderr?: string }).stderr ?? e);
      }
    };
    await rc(['copyto', small, `${remote}:bkt/r clone/a+b ü~(x).bin`]);
    await rc(['copyto', big, `${remote}:bkt/r clone/big.bin`]);
    await rc(['lsf', `${remote}:bkt/r clone/`]);
  }

  if (await have('restic')) {
    // restic talks to S3 through minio-go, which signs streaming chunks (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) over http
    currentClient = 'restic';
    try {
      await run('restic', ['-r', `s3:${endpoint}/bkt/restic repo`, 'init', '--no-cache'], {
        env: { ...process.env, AWS_ACCESS_KEY_ID: AK, AWS_SECRET_ACCESS_KEY: SK, AWS_DEFAULT_REGION: 'us-east-1', RESTIC_PASSWORD: 'pw', AWS_CA_BUNDLE: '' },
        timeout: 60_000,
      });
    } catch (e) {
      console.error('restic failed (expected against a fake S3 once it reads back)', String((e as { stderr?: string }).stderr ?? e).slice(0, 300));
    }
  }

  currentClient = 'js-sdk-v3';
  const s3 = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: AK, secretAccessKey: SK },
  });
  const body = randomBytes(20 * 1024);
  await s3.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'js/buffer body ü+.bin', Body: body }));
  await s3.send(
    new PutObjectCommand({
      Bucket: 'bkt',
      Key: 'js/stream body.bin',
      Body: Readable.from([body.subarray(0, 8000), body.subarray(8000)]),
      ContentLength: body.length,
      ChecksumAlgorithm: 'CRC32C',
    }),
  );
  await s3.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'js/crc64.bin', Body: body, ChecksumAlgorithm: 'CRC64NVME' }));
  await s3.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'js/sha256.bin', Body: body, ChecksumAlgorithm: 'SHA256' }));
  await s3.send(new ListObjectsV2Command({ Bucket: 'bkt', Prefix: "js/ü a+b!*'()", StartAfter: 'x y' }));
  await s3.send(new DeleteObjectsCommand({ Bucket: 'bkt', Delete: { Objects: [{ Key: 'a' }, { Key: 'b c' }] } }));
  currentClient = 'js-sdk-v3-presign';
  await fetchUrl(await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'bkt', Key: 'js/pre signed ü.txt', ResponseContentDisposition: 'attachment; filename="x y.txt"' }), { expiresIn: 600 }));
  await fetchUrl(await getSignedUrl(s3, new PutObjectCommand({ Bucket: 'bkt', Key: 'js/pre put.txt', ContentType: 'text/plain' }), { expiresIn: 600 }), {
    method: 'PUT',
    body: 'hello presigned',
    headers: { 'content-type': 'text/plain' },
  });

  server.close();
  mkdirSync(join(here, '../src/fixtures'), { recursive: true });
  const out = join(here, '../src/fixtures/captured.json');
  writeFileSync(out, JSON.stringify(fixtures, null, 1) + '\n');
  console.log(`\n${fixtures.length} requests captured → ${out}`);
  if (failures.length) {
    console.error(`\n${failures.length} FAILURES:\n${failures.join('\n')}`);
    process.exitCode = 1;
  }
}

await main();
