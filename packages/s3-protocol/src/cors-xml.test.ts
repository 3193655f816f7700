import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCorsConfiguration, renderCorsConfiguration } from './cors-xml.ts';

const codeOf = (code: string, message?: RegExp) => (e: unknown) => {
  const err = e as { code?: string; message?: string };
  return err.code === code && (message === undefined || message.test(err.message ?? ''));
};
const doc = (rules: string) => `<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${rules}</CORSConfiguration>`;
const rule = (inner: string) => `<CORSRule>${inner}</CORSRule>`;
const basic = '<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>';

test('parseCorsConfiguration: every element, in order; render round-trips', () => {
  const cfg = parseCorsConfiguration(
    doc(
      rule(
        '<ID>r1</ID><AllowedOrigin>http://a.example</AllowedOrigin><AllowedOrigin>*.b.example</AllowedOrigin>' +
          '<AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod><AllowedHeader>x-amz-*</AllowedHeader>' +
          '<ExposeHeader>ETag</ExposeHeader><ExposeHeader>x-amz-meta-a</ExposeHeader><MaxAgeSeconds> 3000 </MaxAgeSeconds>',
      ) + rule(basic),
    ),
  );
  assert.deepEqual(cfg, {
    rules: [
      {
        id: 'r1',
        allowedOrigins: ['http://a.example', '*.b.example'],
        allowedMethods: ['PUT', 'POST'],
        allowedHeaders: ['x-amz-*'],
        exposeHeaders: ['ETag', 'x-amz-meta-a'],
        maxAgeSeconds: 3000,
      },
      { allowedOrigins: ['*'], allowedMethods: ['GET'] },
    ],
  });
  assert.deepEqual(parseCorsConfiguration(renderCorsConfiguration(cfg)), cfg);
  const xml = renderCorsConfiguration({ rules: [{ allowedOrigins: ['a&b'], allowedMethods: ['GET'], maxAgeSeconds: 0 }] });
  assert.match(xml, /<CORSRule><AllowedMethod>GET<\/AllowedMethod><AllowedOrigin>a&amp;b<\/AllowedOrigin><MaxAgeSeconds>0<\/MaxAgeSeconds><\/CORSRule>/);
});

test('parseCorsConfiguration: at most 100 rules (InvalidRequest beyond)', () => {
  const many = (n: number) => doc(Array.from({ length: n }, () => rule(basic)).join(''));
  assert.equal(parseCorsConfiguration(many(100)).rules.length, 100);
  assert.throws(() => parseCorsConfiguration(many(101)), codeOf('InvalidRequest', /100 rules/));
});

test('parseCorsConfiguration: methods other than GET PUT HEAD POST DELETE are InvalidRequest', () => {
  for (const m of ['GET', 'PUT', 'HEAD', 'POST', 'DELETE']) {
    assert.deepEqual(parseCorsConfiguration(doc(rule(`<AllowedOrigin>*</AllowedOrigin><AllowedMethod>${m}</AllowedMethod>`))).rules[0]?.allowedMethods, [m]);
  }
  for (const m of ['PATCH', 'OPTIONS', 'get', '']) {
    assert.throws(
      () => parseCorsConfiguration(doc(rule(`<AllowedOrigin>*</AllowedOrigin><AllowedMethod>${m}</AllowedMethod>`))),
      codeOf('InvalidRequest', /unsupported HTTP method/),
      m,
    );
  }
});

test('parseCorsConfiguration: one wildcard per AllowedOrigin / AllowedHeader', () => {
  assert.ok(parseCorsConfiguration(doc(rule('<AllowedOrigin>http://*.example</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader>'))));
  assert.throws(
    () => parseCorsConfiguration(doc(rule('<AllowedOrigin>http://*.*.example</AllowedOrigin><AllowedMethod>GET</AllowedMethod>'))),
    codeOf('InvalidRequest', /AllowedOrigin "http:\/\/\*\.\*\.example" can not have more than one wildcard/),
  );
  assert.throws(
    () => parseCorsConfiguration(doc(rule(basic + '<AllowedHeader>x-*-*</AllowedHeader>'))),
    codeOf('InvalidRequest', /AllowedHeader/),
  );
});

test('parseCorsConfiguration: MalformedXML for bad documents', () => {
  const bad = [
    'not xml',
    '<CORSConfiguration/>',
    doc(''),
    '<Other>' + rule(basic) + '</Other>',
    doc(rule('<AllowedMethod>GET</AllowedMethod>')),
    doc(rule('<AllowedOrigin>*</AllowedOrigin>')),
    doc(rule(basic + '<MaxAgeSeconds>-1</MaxAgeSeconds>')),
    doc(rule(basic + '<MaxAgeSeconds>ten</MaxAgeSeconds>')),
    doc(rule(basic + '<MaxAgeSeconds>1</MaxAgeSeconds><MaxAgeSeconds>2</MaxAgeSeconds>')),
    doc(rule(basic + '<Unknown>x</Unknown>')),
    doc(rule(basic) + '<Extra/>'),
    doc(rule('<AllowedOrigin></AllowedOrigin><AllowedMethod>GET</AllowedMethod>')),
  ];
  for (const b of bad) assert.throws(() => parseCorsConfiguration(b), codeOf('MalformedXML'), b);
});
