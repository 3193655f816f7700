import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CorsRule } from '@vaultx/s3-protocol';
import { CORS_VARY, corsResponseHeaders, findCorsRule, matchesWildcard, parseRequestHeaders } from './match.ts';

test('matchesWildcard: exact, or one * for any run (possibly empty)', () => {
  assert.ok(matchesWildcard('http://a.example', 'http://a.example'));
  assert.ok(!matchesWildcard('http://a.example', 'http://a.example.evil'));
  assert.ok(matchesWildcard('*', 'anything'));
  assert.ok(matchesWildcard('*suffix', 'foo.suffix'));
  assert.ok(!matchesWildcard('*suffix', 'foo.suffix.get'));
  assert.ok(matchesWildcard('start*end', 'startend'));
  assert.ok(matchesWildcard('start*end', 'start12end'));
  assert.ok(!matchesWildcard('start*end', '0start12end'));
  // head and tail may not overlap
  assert.ok(!matchesWildcard('ab*ba', 'aba'));
  assert.ok(matchesWildcard('prefix*', 'prefix'));
  assert.ok(!matchesWildcard('prefix*', 'bla.prefix'));
});

test('parseRequestHeaders: split on commas, trimmed, lowercased, empties dropped', () => {
  assert.deepEqual(parseRequestHeaders(undefined), []);
  assert.deepEqual(parseRequestHeaders(''), []);
  assert.deepEqual(parseRequestHeaders(' X-Amz-Meta-A ,content-type,, '), ['x-amz-meta-a', 'content-type']);
});

const rules: CorsRule[] = [
  { allowedOrigins: ['*suffix'], allowedMethods: ['GET'] },
  { allowedOrigins: ['http://www.example.com'], allowedMethods: ['PUT', 'DELETE'], allowedHeaders: ['x-amz-meta-*', 'Content-Type'], exposeHeaders: ['ETag', 'x-amz-request-id'], maxAgeSeconds: 300 },
  { allowedOrigins: ['*'], allowedMethods: ['GET', 'HEAD'], allowedHeaders: ['*'] },
];

test('findCorsRule: the first rule matching origin, method and every requested header', () => {
  assert.equal(findCorsRule(rules, 'foo.suffix', 'GET')?.rule, rules[0]);
  // foo.suffix has no PUT rule
  assert.equal(findCorsRule(rules, 'foo.suffix', 'PUT'), undefined);
  assert.equal(findCorsRule(rules, 'http://www.example.com', 'PUT')?.rule, rules[1]);
  assert.equal(findCorsRule(rules, 'http://www.example.com', 'PUT', ['x-amz-meta-a', 'content-type'])?.rule, rules[1]);
  // one header outside AllowedHeader: no rule allows PUT with it
  assert.equal(findCorsRule(rules, 'http://www.example.com', 'PUT', ['x-amz-meta-a', 'authorization']), undefined);
  // GET from that origin falls through to the '*' rule
  const m = findCorsRule(rules, 'http://www.example.com', 'GET', ['authorization']);
  assert.equal(m?.rule, rules[2]);
  assert.equal(m?.allowedOrigin, '*');
  // a rule without AllowedHeader allows no requested header at all
  assert.equal(findCorsRule([rules[0]!], 'a.suffix', 'GET', ['x-amz-meta-header2']), undefined);
  assert.equal(findCorsRule(rules, 'http://other', 'DELETE'), undefined);
  // methods compare exactly
  assert.equal(findCorsRule(rules, 'x', 'get'), undefined);
});

test('corsResponseHeaders: origin echoed with credentials, or * without; methods, headers, expose, max-age, vary', () => {
  const named = findCorsRule(rules, 'http://www.example.com', 'PUT', ['x-amz-meta-a'])!;
  assert.deepEqual(corsResponseHeaders(named, 'http://www.example.com', ['x-amz-meta-a']), {
    'access-control-allow-origin': 'http://www.example.com',
    'access-control-allow-credentials': 'true',
    'access-control-allow-methods': 'PUT, DELETE',
    'access-control-allow-headers': 'x-amz-meta-a',
    'access-control-expose-headers': 'ETag, x-amz-request-id',
    'access-control-max-age': '300',
    vary: CORS_VARY,
  });
  const any = findCorsRule(rules, 'http://x', 'GET')!;
  assert.deepEqual(corsResponseHeaders(any, 'http://x'), {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'GET, HEAD',
    vary: CORS_VARY,
  });
});
