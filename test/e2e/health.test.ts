/**
 * Health and metrics endpoints: /health, /health/liveness, /health/readiness,
 * /health/metrics (Prometheus text) on the admin port and, when split, on
 * each internal service's port.
 */
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CreateBucketCommand, PutObjectCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startVaultx, wirings, itWithLogs, s3Client, bucketName, withLogs, type Vaultx } from './harness.ts';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseProm(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    if (m[3]) for (const lm of m[3].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[lm[1]] = lm[2];
    out.push({ name: m[1], labels, value: Number(m[4]) });
  }
  return out;
}
const sum = (s: Sample[], name: string, pred: (l: Record<string, string>) => boolean = () => true) =>
  s.filter((x) => x.name === name && pred(x.labels)).reduce((a, x) => a + x.value, 0);

async function metrics(port: number): Promise<{ text: string; samples: Sample[]; type: string }> {
  const r = await fetch(`http://127.0.0.1:${port}/health/metrics`);
  assert.equal(r.status, 200);
  const text = await r.text();
  return { text, samples: parseProm(text), type: r.headers.get('content-type') ?? '' };
}

for (const wiring of wirings()) {
  describe(`health and metrics (${wiring})`, () => {
    let v: Vaultx;
    let s3: S3Client;
    const test = itWithLogs(() => v);
    const bucket = bucketName('health');

    before(withLogs(() => v, async () => {
      v = await startVaultx({ wiring });
      s3 = s3Client(v);
    }));
    after(async () => {
      s3?.destroy();
      await v?.dispose();
    });

    test('/health, /health/liveness, /health/readiness answer 200 on every service port', async () => {
      assert.equal(Object.keys(v.healthPorts).length, wiring === 'split' ? 3 : 1);
      for (const [name, port] of Object.entries(v.healthPorts)) {
        for (const path of ['/health', '/health/liveness', '/health/readiness']) {
          const r = await fetch(`http://127.0.0.1:${port}${path}`);
          const body = await r.text();
          assert.equal(r.status, 200, `${name} ${path}: ${r.status} ${body}`);
        }
        const m = await metrics(port);
        assert.match(m.type, /^text\/plain/);
        assert.match(m.text, /^# HELP /m);
        assert.match(m.text, /^# TYPE /m);
      }
      // health is not behind S3 auth, and the S3 port does not serve the admin API
      const s3health = await fetch(`${v.endpoint}/admin/v1/users`, { headers: { authorization: `Bearer ${v.adminToken}` } });
      assert.notEqual(s3health.status, 200);
      await s3health.arrayBuffer();
    });

    test('S3 traffic shows up in request counters, latency histograms and byte counters', async () => {
      const port = v.healthPorts.admin;
      const before = await metrics(port);
      const reqsBefore = sum(before.samples, 'vaultx_http_requests_total');

      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const data = randomBytes(200_000);
      for (let i = 0; i < 3; i++) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `m${i}`, Body: data }));
      for (let i = 0; i < 3; i++) {
        const g = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `m${i}` }));
        await g.Body?.transformToByteArray();
      }
      await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'missing' })).catch(() => undefined);

      // a request is counted when its response has finished; give the last GETs a moment
      let after = await metrics(port);
      for (let i = 0; i < 20 && sum(after.samples, 'vaultx_http_requests_total') - reqsBefore < 8; i++) {
        await new Promise((r) => setTimeout(r, 100));
        after = await metrics(port);
      }
      const s = after.samples;
      for (const name of ['vaultx_http_requests_total', 'vaultx_http_request_duration_seconds_bucket', 'vaultx_http_request_duration_seconds_count', 'vaultx_http_request_duration_seconds_sum', 'vaultx_http_bytes_in_total', 'vaultx_http_bytes_out_total']) {
        assert.ok(s.some((x) => x.name === name), `metric ${name} missing`);
      }
      const req = s.filter((x) => x.name === 'vaultx_http_requests_total');
      for (const x of req) for (const l of ['service', 'operation', 'status']) assert.ok(l in x.labels, `label ${l} missing on ${JSON.stringify(x.labels)}`);
      assert.ok(sum(s, 'vaultx_http_requests_total') - reqsBefore >= 8, 'request counter did not grow by the 8 requests sent');
      assert.ok(sum(s, 'vaultx_http_requests_total', (l) => /PutObject/i.test(l.operation) && l.status === '200') >= 3, 'PutObject 200 count');
      assert.ok(sum(s, 'vaultx_http_requests_total', (l) => /GetObject/i.test(l.operation) && l.status === '200') >= 3, 'GetObject 200 count');
      assert.ok(sum(s, 'vaultx_http_requests_total', (l) => l.status === '404') >= 1, '404 count');
      assert.ok(sum(s, 'vaultx_http_request_duration_seconds_count', (l) => /PutObject/i.test(l.operation ?? '')) >= 3, 'PutObject latency count');
      const inf = s.filter((x) => x.name === 'vaultx_http_request_duration_seconds_bucket' && x.labels.le === '+Inf');
      assert.ok(inf.length > 0, 'histogram has no +Inf bucket');
      assert.ok(sum(s, 'vaultx_http_bytes_in_total') - sum(before.samples, 'vaultx_http_bytes_in_total') >= 3 * data.length, 'bytes in');
      assert.ok(sum(s, 'vaultx_http_bytes_out_total') - sum(before.samples, 'vaultx_http_bytes_out_total') >= 3 * data.length, 'bytes out');
    });

    if (wiring === 'split') {
      test('a dead metadata service: gateway stays alive, is not ready, answers S3 quickly with a 503 in XML; all recovers', async () => {
        const pid = v.pids;
        v.kill('SIGKILL', 'metadata');
        try {
          await new Promise((r) => setTimeout(r, 300));
          const live = await fetch(`http://127.0.0.1:${v.healthPorts.admin}/health/liveness`);
          assert.equal(live.status, 200);
          await live.arrayBuffer();
          let ready = 200;
          for (let i = 0; i < 50 && ready === 200; i++) {
            const r = await fetch(`http://127.0.0.1:${v.healthPorts.admin}/health/readiness`);
            ready = r.status;
            await r.arrayBuffer();
            if (ready === 200) await new Promise((res) => setTimeout(res, 100));
          }
          assert.equal(ready, 503, 'gateway still claims readiness with its metadata service down');
          const t0 = Date.now();
          const res = await fetch(`${v.endpoint}/${bucket}/m0`, { signal: AbortSignal.timeout(15_000) }).catch((e: Error) => e);
          assert.ok(!(res instanceof Error), `S3 request failed instead of answering: ${res}`);
          const text = await (res as Response).text();
          assert.ok(Date.now() - t0 < 10_000, 'took more than 10 s');
          // anonymous: S3 tells a missing bucket (404) from a denied one (403), which
          // takes a bucket lookup; with metadata down that is a 503 in XML.
          assert.equal((res as Response).status, 503, text);
          assert.match(text, /<Code>ServiceUnavailable<\/Code>/);
          const signed = s3Client(v);
          try {
            const e = await signed.send(new GetObjectCommand({ Bucket: bucket, Key: 'm0' })).then(
              () => undefined,
              (err: any) => err,
            );
            assert.ok(e, 'GetObject succeeded without its metadata service');
            assert.equal(e.$metadata?.httpStatusCode, 503, `${e.$metadata?.httpStatusCode} ${e.name}: ${e.message}`);
            assert.equal(e.name, 'ServiceUnavailable');
          } finally {
            signed.destroy();
          }
          assert.ok(v.pids.length === pid.length - 1, 'gateway or chunk-store died too');
        } finally {
          await v.restart();
        }
        const g = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'm0' }));
        assert.equal((await g.Body?.transformToByteArray())?.length, 200_000);
      }, { timeout: 120_000 });

      test('a dead chunk-store: GET and PUT get a quick 503 ServiceUnavailable; the failed PUT leaves nothing', async () => {
        v.kill('SIGKILL', 'chunk-store');
        await v.waitExitOf('chunk-store');
        const signed = s3Client(v);
        let restarted = false;
        try {
          const t0 = Date.now();
          const g = await signed.send(new GetObjectCommand({ Bucket: bucket, Key: 'm1' })).then(() => undefined, (err: any) => err);
          assert.ok(g, 'GetObject succeeded without a chunk-store');
          assert.equal(g.$metadata?.httpStatusCode, 503, `${g.$metadata?.httpStatusCode} ${g.name}: ${g.message}`);
          assert.equal(g.name, 'ServiceUnavailable');
          const p = await signed.send(new PutObjectCommand({ Bucket: bucket, Key: 'while-down', Body: randomBytes(100_000) })).then(() => undefined, (err: any) => err);
          assert.ok(p, 'PutObject succeeded without a chunk-store');
          assert.equal(p.$metadata?.httpStatusCode, 503, `${p.$metadata?.httpStatusCode} ${p.name}: ${p.message}`);
          assert.ok(Date.now() - t0 < 30_000, 'too slow to give up');
          await v.restart();
          restarted = true;
        } finally {
          signed.destroy();
          if (!restarted) await v.restart();
        }
        const h = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'while-down' })).then(() => 200, (err: any) => err.$metadata?.httpStatusCode);
        assert.equal(h, 404, 'a PUT that failed left an object behind');
        const g2 = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'm1' }));
        assert.equal((await g2.Body?.transformToByteArray())?.length, 200_000);
      }, { timeout: 120_000 });

      test('the internal services count the requests the gateway sends them', async () => {
        const g = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'm0' }));
        await g.Body?.transformToByteArray();
        for (const name of ['metadata', 'chunk-store']) {
          const m = await metrics(v.healthPorts[name]);
          const n = sum(m.samples, 'vaultx_http_requests_total', (l) => !/health|metrics/i.test(l.operation ?? ''));
          assert.ok(n > 0, `${name} counted no requests:\n${m.text.split('\n').filter((l) => l.startsWith('vaultx_http_requests_total')).join('\n')}`);
          assert.ok(m.samples.some((x) => x.name === 'vaultx_http_requests_total' && x.labels.service === name), `${name}: no service="${name}" label`);
        }
      });
    }
  });
}

for (const wiring of wirings()) {
  describe(`request ids in logs (${wiring})`, () => {
    let v: Vaultx;
    let s3: S3Client;
    const test = itWithLogs(() => v);
    const bucket = bucketName('reqid');

    before(withLogs(() => v, async () => {
      v = await startVaultx({ wiring, env: { VAULTX_LOG_LEVEL: 'info' } });
      s3 = s3Client(v);
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    }));
    after(async () => {
      s3?.destroy();
      await v?.dispose();
    });

    test('every S3 request is logged with the x-amz-request-id it answered with, across service hops', async () => {
      const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'traced', Body: randomBytes(50_000) }));
      const id = put.$metadata.requestId;
      assert.ok(id, 'no x-amz-request-id on the response');
      const miss = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'absent' })).catch((e) => e);
      const missId = miss?.$metadata?.requestId;
      assert.ok(missId && missId !== id, 'request ids must differ per request');
      // logs are written asynchronously
      const deadline = Date.now() + 3000;
      const logged = (file: string, needle: string) => {
        try {
          return readFileSync(file, 'utf8').includes(needle);
        } catch {
          return false;
        }
      };
      const want = wiring === 'single' ? [v.logFile] : v.logFiles; // split: gateway, metadata and chunk-store all saw the PUT
      while (Date.now() < deadline && !(want.every((f) => logged(f, id as string)) && logged(v.logFile, missId))) await new Promise((r) => setTimeout(r, 100));
      for (const f of want) assert.ok(logged(f, id as string), `request id ${id} not in ${f}`);
      assert.ok(logged(v.logFile, missId), `request id ${missId} of the 404 not logged`);
    });
  });
}
