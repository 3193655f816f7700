import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeXml, isXmlName, quoteEtag, xmlElement } from './xml-escape.ts';

test('escapeXml: markup characters', () => {
  assert.equal(escapeXml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
});

test('escapeXml: plain strings and unicode pass through unchanged', () => {
  assert.equal(escapeXml('photos/2006/January/sample.jpg'), 'photos/2006/January/sample.jpg');
  assert.equal(escapeXml('日本語/ключ/😀'), '日本語/ключ/😀');
  assert.equal(escapeXml(''), '');
});

test('escapeXml: TAB, LF, CR become character references', () => {
  assert.equal(escapeXml('a\tb\nc\rd'), 'a&#x9;b&#xa;c&#xd;d');
});

test('escapeXml: characters XML 1.0 forbids become &#x..; as S3 emits them', () => {
  assert.equal(escapeXml('LA\u001b'), 'LA&#x1b;');
  assert.equal(escapeXml('\u0000\u0001\u0008'), '&#x0;&#x1;&#x8;');
  assert.equal(escapeXml('\ufffe\uffff'), '&#xfffe;&#xffff;');
});

test('escapeXml: surrogate pairs kept, lone surrogates referenced', () => {
  assert.equal(escapeXml('\ud83d\ude00'), '\ud83d\ude00');
  assert.equal(escapeXml('a\ud800b'), 'a&#xd800;b');
  assert.equal(escapeXml('a\udc00b'), 'a&#xdc00;b');
});

test('escapeXml: DEL and C1 controls are legal XML 1.0 and stay literal', () => {
  assert.equal(escapeXml('\u007f\u0085\u2028'), '\u007f\u0085\u2028');
});

test('xmlElement', () => {
  assert.equal(xmlElement('Key', 'a&b'), '<Key>a&amp;b</Key>');
  assert.equal(xmlElement('Size', 0), '<Size>0</Size>');
  assert.equal(xmlElement('Prefix', ''), '<Prefix></Prefix>');
  assert.equal(xmlElement('X', undefined), '');
  assert.equal(xmlElement('X', null), '');
});

test('quoteEtag', () => {
  assert.equal(quoteEtag('abc'), '"abc"');
  assert.equal(quoteEtag('"abc"'), '"abc"');
  assert.equal(quoteEtag('abc-3'), '"abc-3"');
});

test('isXmlName', () => {
  assert.ok(isXmlName('BucketName'));
  assert.ok(isXmlName('x-amz-foo'));
  assert.ok(!isXmlName('1abc'));
  assert.ok(!isXmlName('a b'));
  assert.ok(!isXmlName('<x>'));
  assert.ok(!isXmlName('xmlFoo'));
  assert.ok(!isXmlName(''));
});
