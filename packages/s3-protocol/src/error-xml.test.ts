import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S3Error } from './errors.ts';
import { clientFacingError, errorStatus, renderErrorXml, toS3Error } from './error-xml.ts';

test('renderErrorXml: shape and order', () => {
  const err = new S3Error('NoSuchKey', undefined, { Key: 'photos/a.jpg' });
  const xml = renderErrorXml(err, { resource: '/bkt/photos/a.jpg', requestId: 'REQ1', hostId: 'HOST1' });
  assert.equal(
    xml,
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>' +
      '<Key>photos/a.jpg</Key><Resource>/bkt/photos/a.jpg</Resource><RequestId>REQ1</RequestId>' +
      '<HostId>HOST1</HostId></Error>',
  );
});

test('renderErrorXml: no namespace on <Error>, Resource and HostId only when given', () => {
  const xml = renderErrorXml(new S3Error('AccessDenied'), { requestId: 'R' });
  assert.equal(
    xml,
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>R</RequestId></Error>',
  );
});

test('renderErrorXml: escapes every text and renders numeric details', () => {
  const err = new S3Error('InvalidRange', 'bad <range> & "stuff"', {
    RangeRequested: 'bytes=40-50',
    ActualObjectSize: 7,
    Skipped: undefined,
  });
  const xml = renderErrorXml(err, { resource: '/b/<k>&\'"', requestId: 'r&1' });
  assert.match(xml, /<Message>bad &lt;range&gt; &amp; &quot;stuff&quot;<\/Message>/);
  assert.match(xml, /<RangeRequested>bytes=40-50<\/RangeRequested><ActualObjectSize>7<\/ActualObjectSize>/);
  assert.match(xml, /<Resource>\/b\/&lt;k&gt;&amp;&apos;&quot;<\/Resource>/);
  assert.match(xml, /<RequestId>r&amp;1<\/RequestId>/);
  assert.doesNotMatch(xml, /Skipped/);
});

test('renderErrorXml: details cannot inject elements or override fixed ones', () => {
  const err = new S3Error('InvalidArgument', undefined, {
    '<evil/>': 'x',
    'a b': 'y',
    RequestId: 'spoofed',
    Code: 'spoofed',
    ArgumentName: 'max-keys',
  });
  const xml = renderErrorXml(err, { requestId: 'real' });
  assert.doesNotMatch(xml, /evil|spoofed|<a b>/);
  assert.match(xml, /<ArgumentName>max-keys<\/ArgumentName>/);
  assert.equal(xml.match(/<RequestId>/g)?.length, 1);
});

test('renderErrorXml: key with control characters', () => {
  const xml = renderErrorXml(new S3Error('NoSuchKey', undefined, { Key: 'a\r\nb\u0001' }), { requestId: 'r' });
  assert.match(xml, /<Key>a&#xd;&#xa;b&#x1;<\/Key>/);
});

test('internal-only codes are shown to clients as InternalError', () => {
  const e = new S3Error('NoSuchChunk');
  assert.equal(errorStatus(e), 500);
  assert.equal(clientFacingError(e).code, 'InternalError');
  assert.match(renderErrorXml(e, { requestId: 'r' }), /<Code>InternalError<\/Code><Message>We encountered an internal error. Please try again.<\/Message>/);
  assert.equal(errorStatus(new S3Error('CorruptChunk')), 500);
});

test('errorStatus follows the catalog', () => {
  assert.equal(errorStatus(new S3Error('NoSuchBucket')), 404);
  assert.equal(errorStatus(new S3Error('InvalidRange')), 416);
  assert.equal(errorStatus(new S3Error('PreconditionFailed')), 412);
  assert.equal(errorStatus(new S3Error('MaxMessageLengthExceeded')), 400);
  assert.equal(errorStatus(new S3Error('SlowDown', undefined, {}, 429)), 429);
});

test('toS3Error wraps non-S3 errors as InternalError', () => {
  const e = new S3Error('NoSuchKey');
  assert.equal(toS3Error(e), e);
  assert.equal(toS3Error(new Error('boom')).code, 'InternalError');
  assert.equal(toS3Error('x').status, 500);
});
