/**
 * Virtual-hosted-style addressing (`Host: <bucket>.localhost`, the default
 * VAULTX_DOMAINS), as the AWS SDK sends it when not told to use paths, in
 * both wirings. Connections still go to 127.0.0.1: the client's agent
 * resolves every name to it.
 */
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, type AgentOptions } from 'node:http';
import type { LookupAddress } from 'node:dns';
import {
  S3Client,
  CreateBucketCommand,
  PutObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  DeleteObjectCommand,
  CopyObjectCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { request } from 'undici';
import { startVaultx, wirings, itWithLogs, s3Client, bucketName, type Vaultx } from './harness.ts';
import { expectS3Error } from './lib/expect-error.ts';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
const toLoopback: AgentOptions['lookup'] = ((_host: string, opts: { all?: boolean }, cb: LookupCallback) =>
  opts.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)) as unknown as AgentOptions['lookup'];

for (const wiring of wirings()) {
  describe(`virtual-hosted-style requests (${wiring})`, () => {
    let v: Vaultx;
    let pathStyle: S3Client;
    let vhost: S3Client;
    let agent: Agent;
    const test = itWithLogs(() => v);

    before(async () => {
      v = await startVaultx({ wiring });
      pathStyle = s3Client(v);
      agent = new Agent({ keepAlive: true, lookup: toLoopback });
      vhost = new S3Client({
        endpoint: v.endpoint.replace('127.0.0.1', 'localhost'),
        region: v.region,
        credentials: { accessKeyId: v.accessKeyId, secretAccessKey: v.secretAccessKey },
        forcePathStyle: false,
        requestHandler: { httpAgent: agent },
      });
    });
    after(async () => {
      pathStyle?.destroy();
      vhost?.destroy();
      agent?.destroy();
      await v?.dispose();
    });

    test('the SDK without forcePathStyle creates, writes, lists, reads, copies and deletes; path-style sees the same objects', async () => {
      const b = bucketName('vh');
      const seen: string[] = [];
      vhost.middlewareStack.add(
        (next) => async (args) => {
          const r = (args.request as { hostname?: string; path?: string });
          seen.push(`${r.hostname}${r.path}`);
          return next(args);
        },
        { step: 'finalizeRequest', name: 'recordHost' },
      );
      await vhost.send(new CreateBucketCommand({ Bucket: b }));
      await vhost.send(new PutObjectCommand({ Bucket: b, Key: 'dir/a b+c.txt', Body: 'virtual', ContentType: 'text/plain' }));
      assert.ok(seen.some((s) => s.startsWith(`${b}.localhost/dir/`)), `requests were not virtual-hosted: ${seen.join(', ')}`);

      const got = await vhost.send(new GetObjectCommand({ Bucket: b, Key: 'dir/a b+c.txt' }));
      assert.equal(await got.Body!.transformToString(), 'virtual');
      assert.equal(got.ContentType, 'text/plain');
      const viaPath = await pathStyle.send(new GetObjectCommand({ Bucket: b, Key: 'dir/a b+c.txt' }));
      assert.equal(await viaPath.Body!.transformToString(), 'virtual');

      const listed = await vhost.send(new ListObjectsV2Command({ Bucket: b, Prefix: 'dir/' }));
      assert.deepEqual((listed.Contents ?? []).map((o) => o.Key), ['dir/a b+c.txt']);
      await vhost.send(new CopyObjectCommand({ Bucket: b, Key: 'copy', CopySource: `${b}/dir/a%20b%2Bc.txt` }));
      assert.equal((await vhost.send(new HeadObjectCommand({ Bucket: b, Key: 'copy' }))).ContentLength, 7);
      await vhost.send(new DeleteObjectCommand({ Bucket: b, Key: 'copy' }));
      await expectS3Error(vhost.send(new HeadObjectCommand({ Bucket: b, Key: 'copy' })), 'NotFound', 404);
      await expectS3Error(vhost.send(new GetObjectCommand({ Bucket: bucketName('none'), Key: 'k' })), 'NoSuchBucket', 404);
    });

    test('a presigned virtual-hosted URL works with a plain HTTP client', async () => {
      const b = bucketName('vh');
      await pathStyle.send(new CreateBucketCommand({ Bucket: b }));
      await pathStyle.send(new PutObjectCommand({ Bucket: b, Key: 'p.txt', Body: 'presigned' }));
      const url = new URL(await getSignedUrl(vhost, new GetObjectCommand({ Bucket: b, Key: 'p.txt' }), { expiresIn: 60 }));
      assert.equal(url.hostname, `${b}.localhost`);
      // connect to 127.0.0.1 with the URL's Host header, as a browser resolving *.localhost would
      const res = await request(`http://127.0.0.1:${url.port}${url.pathname}${url.search}`, { headers: { host: url.host } });
      assert.equal(res.statusCode, 200);
      assert.equal(await res.body.text(), 'presigned');
    });
  });
}
