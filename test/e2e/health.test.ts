/**
 * Health and metrics endpoints: /health, /health/liveness, /health/readiness,
 * /health/metrics (Prometheus text) on the admin port and, when split, on
 * each internal service's port.
 */
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, PutObjectCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startVaultx, wirings, itWithLogs, s3Client, bucketName, type Vaultx } from './harness.ts';

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

    before(async () => {
      v = await startVaultx({ wiring });
      s3 = s3Client(v);
    });
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
