import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { parsePostCredential, postSignatureV4, verifyPostSignatureV2, verifyPostSignatureV4 } from './post-form.ts';

// The example in the AWS docs "Example: Browser-based upload using HTTP POST (using AWS Signature Version 4)".
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const POLICY = 'eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9';

test('parsePostCredential: the five-part scope, nothing else', () => {
  assert.deepEqual(parsePostCredential('AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request'), {
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE', date: '20151229', region: 'us-east-1', service: 's3',
  });
  for (const bad of ['', 'AKID/20151229/us-east-1/s3', 'AKID/2015122/us-east-1/s3/aws4_request', '/20151229/us-east-1/s3/aws4_request', 'AKID/20151229/us-east-1/s3/aws5_request']) {
    assert.equal(parsePostCredential(bad), undefined, bad);
  }
});

test('SigV4 policy signature: HMAC of the base64 policy with the scope signing key', () => {
  const scope = parsePostCredential('AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request')!;
  const sig = postSignatureV4(SECRET, scope, POLICY);
  assert.equal(sig, '8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e');
  assert.equal(verifyPostSignatureV4(SECRET, scope, POLICY, sig.toUpperCase()), true);
  assert.equal(verifyPostSignatureV4(SECRET, scope, POLICY + 'x', sig), false);
  assert.equal(verifyPostSignatureV4(SECRET, { ...scope, region: 'eu-west-1' }, POLICY, sig), false);
});

test('SigV2 policy signature: base64 HMAC-SHA1 of the policy', () => {
  const sig = createHmac('sha1', SECRET).update(POLICY).digest('base64');
  assert.equal(verifyPostSignatureV2(SECRET, POLICY, sig), true);
  assert.equal(verifyPostSignatureV2(SECRET, POLICY, sig.slice(1)), false);
  assert.equal(verifyPostSignatureV2('other', POLICY, sig), false);
});
