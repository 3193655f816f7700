import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTagging, parseTaggingHeader, renderTagging } from './tagging.ts';

const codeOf = (code: string) => (e: unknown) => (e as { code?: string }).code === code;
const doc = (tags: string) => `<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet>${tags}</TagSet></Tagging>`;
const tag = (k: string, v: string) => `<Tag><Key>${k}</Key><Value>${v}</Value></Tag>`;

test('parseTagging: tags in order; an empty TagSet; render round-trips', () => {
  const tags = parseTagging(doc(tag('Hello', 'World') + tag('a&amp;b', '') + tag('ünï', 'v')));
  assert.deepEqual(tags, [
    { key: 'Hello', value: 'World' },
    { key: 'a&b', value: '' },
    { key: 'ünï', value: 'v' },
  ]);
  assert.deepEqual(parseTagging(doc('')), []);
  // rendered sorted by key
  assert.deepEqual(parseTagging(renderTagging(tags)).map((t) => t.key), ['Hello', 'a&b', 'ünï']);
  assert.deepEqual(parseTagging(renderTagging([{ key: 'foo', value: 'bar' }, { key: 'bar', value: '' }])), [
    { key: 'bar', value: '' },
    { key: 'foo', value: 'bar' },
  ]);
});

test('parseTagging: S3 limits — 11 tags BadRequest; key 129 / value 257 chars, empty or repeated key InvalidTag; bad shape MalformedXML', () => {
  const many = (n: number) => doc(Array.from({ length: n }, (_, i) => tag(`k${i}`, 'v')).join(''));
  assert.equal(parseTagging(many(10)).length, 10);
  assert.throws(() => parseTagging(many(11)), codeOf('BadRequest'));
  assert.equal(parseTagging(doc(tag('k'.repeat(128), 'v'.repeat(256))))[0]?.key.length, 128);
  assert.throws(() => parseTagging(doc(tag('k'.repeat(129), 'v'))), codeOf('InvalidTag'));
  assert.throws(() => parseTagging(doc(tag('k', 'v'.repeat(257)))), codeOf('InvalidTag'));
  assert.throws(() => parseTagging(doc(tag('', 'v'))), codeOf('InvalidTag'));
  assert.throws(() => parseTagging(doc(tag('k', '1') + tag('k', '2'))), codeOf('InvalidTag'));
  assert.throws(() => parseTagging('<Tagging><Tag><Key>k</Key><Value>v</Value></Tag></Tagging>'), codeOf('MalformedXML'));
  assert.throws(() => parseTagging(doc('<Tag><Key>k</Key></Tag>')), codeOf('MalformedXML'));
});

test('parseTaggingHeader: URL-encoded pairs; absent → undefined', () => {
  assert.equal(parseTaggingHeader(undefined), undefined);
  assert.deepEqual(parseTaggingHeader('foo=bar&bar=&a%20b=c%26d'), [
    { key: 'foo', value: 'bar' },
    { key: 'bar', value: '' },
    { key: 'a b', value: 'c&d' },
  ]);
  assert.throws(() => parseTaggingHeader('a=1&a=2'), codeOf('InvalidTag'));
});

test('bucket tagging: up to 50 tags (more is InvalidTag); the aws: prefix is reserved on buckets and objects', () => {
  const many = (n: number, prefix = 'k') => doc(Array.from({ length: n }, (_, i) => tag(`${prefix}${i}`, 'v')).join(''));
  assert.equal(parseTagging(many(50), 'bucket').length, 50);
  assert.throws(() => parseTagging(many(51), 'bucket'), codeOf('InvalidTag'));
  assert.throws(() => parseTagging(many(11)), codeOf('BadRequest'));
  assert.throws(() => parseTagging(many(1, 'aws:'), 'bucket'), codeOf('InvalidTag'));
  assert.throws(() => parseTagging(many(1, 'AWS:')), codeOf('InvalidTag'));
});
