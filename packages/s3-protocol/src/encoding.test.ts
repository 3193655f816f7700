import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeListingValue, uriEncodeForListing } from './encoding.ts';

test('uriEncodeForListing: encoding-type=url as the S3 conformance suite expects it', () => {
  assert.equal(uriEncodeForListing('a b.txt'), 'a%20b.txt');
  assert.equal(uriEncodeForListing('quux ab/'), 'quux%20ab/');
  assert.equal(uriEncodeForListing('asdf+b'), 'asdf%2Bb');
  assert.equal(uriEncodeForListing('a+b.txt'), 'a%2Bb.txt');
  assert.equal(uriEncodeForListing('100%.csv'), '100%25.csv');
  assert.equal(uriEncodeForListing('한글/x.txt'), '%ED%95%9C%EA%B8%80/x.txt');
  assert.equal(uriEncodeForListing('run books/'), 'run%20books/');
});

test('uriEncodeForListing: the kept set is A-Z a-z 0-9 - _ . * /', () => {
  assert.equal(uriEncodeForListing('AZaz09-_.*/'), 'AZaz09-_.*/');
  assert.equal(uriEncodeForListing('~'), '%7E');
  assert.equal(uriEncodeForListing("!\"#$&'(),:;<=>?@[\\]^`{|}"), '%21%22%23%24%26%27%28%29%2C%3A%3B%3C%3D%3E%3F%40%5B%5C%5D%5E%60%7B%7C%7D');
  assert.equal(uriEncodeForListing('\n\r\t\u0001'), '%0A%0D%09%01');
  assert.equal(uriEncodeForListing('😀'), '%F0%9F%98%80');
  assert.equal(uriEncodeForListing(''), '');
});

test('uriEncodeForListing: the + flavour for a space', () => {
  assert.equal(uriEncodeForListing('quux ab/', { spaceAsPlus: true }), 'quux+ab/');
  assert.equal(uriEncodeForListing('a+b c', { spaceAsPlus: true }), 'a%2Bb+c');
});

test('uriEncodeForListing round-trips through URI decoding and through form decoding', () => {
  for (const s of ['a b+c%d', 'x/y z/😀~', '&<>"\'']) {
    assert.equal(decodeURIComponent(uriEncodeForListing(s)), s);
    assert.equal(decodeURIComponent(uriEncodeForListing(s).replace(/\+/g, ' ')), s);
  }
});

test('encodeListingValue only encodes for url', () => {
  assert.equal(encodeListingValue('a b', 'url'), 'a%20b');
  assert.equal(encodeListingValue('a b', undefined), 'a b');
});
