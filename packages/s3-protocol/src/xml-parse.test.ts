import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S3Error } from './errors.ts';
import {
  decodeXmlText,
  isBlank,
  parseCreateBucketConfiguration,
  parseDeleteObjects,
  parseXmlDocument,
} from './xml-parse.ts';
import { escapeXml } from './xml-escape.ts';

const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

function isCode(code: string) {
  return (e: unknown) => e instanceof S3Error && e.code === code;
}
const malformed = isCode('MalformedXML');

function del(objects: string, quiet = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Delete ${NS}>${quiet}${objects}</Delete>`;
}

test('parseDeleteObjects: the SDK shape', () => {
  const r = parseDeleteObjects(
    del('<Object><Key>sample1.txt</Key></Object><Object><Key>sample2.txt</Key><VersionId>OYcLXagmS.WaD..oyH4KRguB95_YhLs7</VersionId></Object>', '<Quiet>true</Quiet>'),
  );
  assert.deepEqual(r, {
    quiet: true,
    objects: [{ key: 'sample1.txt' }, { key: 'sample2.txt', versionId: 'OYcLXagmS.WaD..oyH4KRguB95_YhLs7' }],
  });
});

test('parseDeleteObjects: the conditions of a conditional delete (ETag, LastModifiedTime, Size)', () => {
  const r = parseDeleteObjects(
    del(
      '<Object><Key>a</Key><ETag>"abc"</ETag></Object>' +
        '<Object><Key>b</Key><LastModifiedTime>2015-01-01T00:00:00Z</LastModifiedTime><Size>0</Size></Object>' +
        '<Object><Key>c</Key><LastModifiedTime>2015-01-01T00:00:00</LastModifiedTime><Size> 12 </Size><VersionId>null</VersionId></Object>',
    ),
  );
  assert.deepEqual(r.objects, [
    { key: 'a', etag: '"abc"' },
    { key: 'b', lastModifiedTime: '2015-01-01T00:00:00.000Z', size: 0 },
    { key: 'c', lastModifiedTime: '2015-01-01T00:00:00.000Z', size: 12, versionId: 'null' },
  ]);
  assert.throws(() => parseDeleteObjects(del('<Object><Key>a</Key><Size>-1</Size></Object>')), malformed);
  assert.throws(() => parseDeleteObjects(del('<Object><Key>a</Key><LastModifiedTime>yesterday</LastModifiedTime></Object>')), malformed);
  assert.throws(() => parseDeleteObjects(del('<Object><Key>a</Key><ETag>x</ETag><ETag>y</ETag></Object>')), malformed);
});

test('parseDeleteObjects: Quiet defaults to false; accepts false/1/0 and surrounding whitespace', () => {
  assert.equal(parseDeleteObjects(del('<Object><Key>a</Key></Object>')).quiet, false);
  assert.equal(parseDeleteObjects(del('<Object><Key>a</Key></Object>', '<Quiet>false</Quiet>')).quiet, false);
  assert.equal(parseDeleteObjects(del('<Object><Key>a</Key></Object>', '<Quiet> 1 </Quiet>')).quiet, true);
  assert.equal(parseDeleteObjects(del('<Object><Key>a</Key></Object>', '<Quiet>True</Quiet>')).quiet, true);
  assert.throws(() => parseDeleteObjects(del('<Object><Key>a</Key></Object>', '<Quiet>yes</Quiet>')), malformed);
  assert.throws(() => parseDeleteObjects(del('<Object><Key>a</Key></Object>', '<Quiet>true</Quiet><Quiet>true</Quiet>')), malformed);
});

test('parseDeleteObjects: keys come back exactly (entities, char refs, whitespace, numbers)', () => {
  const r = parseDeleteObjects(
    del(
      [
        '<Object><Key>a&amp;b&lt;c&gt;d&quot;e&apos;f</Key></Object>',
        '<Object><Key>cr&#x0D;lf&#10;tab&#9;dec&#13;</Key></Object>',
        '<Object><Key>  spaced  </Key></Object>',
        '<Object><Key>0123</Key></Object>',
        '<Object><Key>1e3</Key></Object>',
        '<Object><Key>true</Key></Object>',
        '<Object><Key>日本語/😀&#x1F600;</Key></Object>',
        '<Object><Key><![CDATA[<raw & "cdata">]]></Key></Object>',
        '<Object><Key>mix<!-- comment -->ed<![CDATA[&amp;]]></Key></Object>',
        '<Object><Key>a>b</Key></Object>',
      ].join(''),
    ),
  );
  assert.deepEqual(
    r.objects.map((o) => o.key),
    ['a&b<c>d"e\'f', 'cr\rlf\ntab\tdec\r', '  spaced  ', '0123', '1e3', 'true', '日本語/😀😀', '<raw & "cdata">', 'mixed&amp;', 'a>b'],
  );
});

test('parseDeleteObjects: raw line ends are normalised (XML 1.0 §2.11)', () => {
  const r = parseDeleteObjects(del('<Object><Key>a\r\nb\rc\nd</Key></Object>'));
  assert.equal(r.objects[0]!.key, 'a\nb\nc\nd');
});

test('parseDeleteObjects: whatever escapeXml writes comes back', () => {
  const keys = ['<>&\'"', '\r\n\t', ' x ', '\u007f\u0085', '😀', '%20+'];
  const r = parseDeleteObjects(del(keys.map((k) => `<Object><Key>${escapeXml(k)}</Key></Object>`).join('')));
  assert.deepEqual(r.objects.map((o) => o.key), keys);
});

test('parseDeleteObjects: namespace prefixes, no namespace, BOM, whitespace layout', () => {
  const pretty = `\ufeff<?xml version="1.0"?>\n<Delete>\n  <Object>\n    <Key>k</Key>\n  </Object>\n  <Quiet>true</Quiet>\n</Delete>\n`;
  assert.deepEqual(parseDeleteObjects(pretty), { quiet: true, objects: [{ key: 'k' }] });
  const prefixed = `<s3:Delete xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/"><s3:Object><s3:Key>k</s3:Key></s3:Object></s3:Delete>`;
  assert.deepEqual(parseDeleteObjects(prefixed), { quiet: false, objects: [{ key: 'k' }] });
});

test('parseDeleteObjects: Buffer input, invalid UTF-8 refused', () => {
  assert.deepEqual(parseDeleteObjects(Buffer.from(del('<Object><Key>é</Key></Object>'))).objects, [{ key: 'é' }]);
  const bad = Buffer.concat([Buffer.from('<Delete><Object><Key>'), Buffer.from([0xff, 0xfe]), Buffer.from('</Key></Object></Delete>')]);
  assert.throws(() => parseDeleteObjects(bad), malformed);
});

test('parseDeleteObjects: empty key and empty VersionId are returned for the caller to judge', () => {
  const r = parseDeleteObjects(del('<Object><Key></Key></Object><Object><Key/><VersionId></VersionId></Object>'));
  assert.deepEqual(r.objects, [{ key: '' }, { key: '', versionId: '' }]);
});

test('parseDeleteObjects: unknown elements are ignored', () => {
  const r = parseDeleteObjects(del('<Object><Key>k</Key><Bar>x</Bar><ChecksumCRC32>y</ChecksumCRC32></Object><Foo/>'));
  assert.deepEqual(r.objects, [{ key: 'k' }]);
});

test('parseDeleteObjects: 1000 objects ok, 0 or 1001 MalformedXML', () => {
  const n = (count: number) => Array.from({ length: count }, (_, i) => `<Object><Key>k${i}</Key></Object>`).join('');
  assert.equal(parseDeleteObjects(del(n(1000))).objects.length, 1000);
  assert.throws(() => parseDeleteObjects(del(n(1001))), malformed);
  assert.throws(() => parseDeleteObjects(del('')), malformed);
  assert.throws(() => parseDeleteObjects(del('', '<Quiet>true</Quiet>')), malformed);
});

test('parseDeleteObjects: structural errors are MalformedXML', () => {
  const cases = [
    '',
    '   ',
    'not xml',
    '<Delete><Object><Key>a</Key></Object>',
    '<Delete><Object><Key>a</Object></Key></Delete>',
    '<Delete><Object><Key>a</Key></Object></Delete><Delete/>',
    '<Delete><Object><Key>a</Key></Object></Delete>trailing',
    '<Remove><Object><Key>a</Key></Object></Remove>',
    '<Delete><Object><VersionId>v</VersionId></Object></Delete>',
    '<Delete><Object><Key>a</Key><Key>b</Key></Object></Delete>',
    '<Delete><Object><Key>a</Key><VersionId>1</VersionId><VersionId>2</VersionId></Object></Delete>',
    '<Delete><Object><Key><Sub>a</Sub></Key></Object></Delete>',
    '<Delete><Object>text<Key>a</Key></Object></Delete>',
    '<Delete>text<Object><Key>a</Key></Object></Delete>',
    '<Delete><Object><Key>a&b</Key></Object></Delete>',
    '<Delete><Object><Key>a&nbsp;b</Key></Object></Delete>',
    '<Delete><Object><Key>a&#x1;b</Key></Object></Delete>',
    '<Delete><Object><Key>a&#0;b</Key></Object></Delete>',
    '<Delete><Object><Key>a&#xD800;b</Key></Object></Delete>',
    '<Delete><Object><Key>a&#x110000;b</Key></Object></Delete>',
    '<Delete><Object><Key>a\u0001b</Key></Object></Delete>',
    '<Delete><Object><Key>a\ufffeb</Key></Object></Delete>',
    '<Delete><Object><Key>a<b</Key></Object></Delete>',
    '<Delete><__proto__><Key>a</Key></__proto__></Delete>',
    '<Delete><Object><Key>a</Key></Object><![CDATA[x]]></Delete>',
  ];
  for (const c of cases) assert.throws(() => parseDeleteObjects(c), malformed, JSON.stringify(c));
});

test('parseDeleteObjects: DOCTYPE and entity declarations are refused (no XXE, no billion laughs)', () => {
  const lol =
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>' +
    '<Delete><Object><Key>&lol2;</Key></Object></Delete>';
  const xxe = '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Delete><Object><Key>&xxe;</Key></Object></Delete>';
  const bare = '<!DOCTYPE Delete><Delete><Object><Key>a</Key></Object></Delete>';
  const inner = '<Delete><!ELEMENT x ANY><Object><Key>a</Key></Object></Delete>';
  for (const c of [lol, xxe, bare, inner]) assert.throws(() => parseDeleteObjects(c), malformed);
  // but "<!" inside CDATA or a comment is just text
  assert.equal(parseDeleteObjects('<Delete><!-- <!DOCTYPE --><Object><Key><![CDATA[<!x>]]></Key></Object></Delete>').objects[0]!.key, '<!x>');
});

test('parseDeleteObjects: size limit', () => {
  const body = del('<Object><Key>' + 'a'.repeat(200) + '</Key></Object>');
  assert.throws(() => parseDeleteObjects(body, 100), isCode('MaxMessageLengthExceeded'));
  assert.throws(() => parseDeleteObjects(Buffer.from(body), 100), isCode('MaxMessageLengthExceeded'));
  assert.equal(parseDeleteObjects(body, body.length).objects.length, 1);
  // multi-byte characters count as bytes
  const wide = del('<Object><Key>' + 'é'.repeat(60) + '</Key></Object>');
  assert.throws(() => parseDeleteObjects(wide, wide.length), isCode('MaxMessageLengthExceeded'));
});

test('parseDeleteObjects: 1000 keys of 1024 bytes with version ids fit the default limit', () => {
  const key = 'k'.repeat(1024);
  const body = del(
    Array.from({ length: 1000 }, () => `<Object><Key>${key}</Key><VersionId>3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo</VersionId></Object>`).join(''),
    '<Quiet>true</Quiet>',
  );
  assert.ok(body.length > 1024 * 1024);
  assert.equal(parseDeleteObjects(body).objects.length, 1000);
  assert.equal(parseDeleteObjects(Buffer.from(body)).objects.length, 1000);
});

test('parseDeleteObjects: deep nesting is refused', () => {
  const deep = '<Delete>' + '<a>'.repeat(200) + '</a>'.repeat(200) + '<Object><Key>k</Key></Object></Delete>';
  assert.throws(() => parseDeleteObjects(deep), malformed);
});

test('parseCreateBucketConfiguration', () => {
  assert.deepEqual(
    parseCreateBucketConfiguration(`<CreateBucketConfiguration ${NS}><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>`),
    { locationConstraint: 'eu-west-1' },
  );
  assert.deepEqual(
    parseCreateBucketConfiguration(`<?xml version="1.0" encoding="UTF-8"?>\n<CreateBucketConfiguration ${NS}>\n  <LocationConstraint>\n    us-west-2\n  </LocationConstraint>\n</CreateBucketConfiguration>`),
    { locationConstraint: 'us-west-2' },
  );
  assert.deepEqual(parseCreateBucketConfiguration(`<CreateBucketConfiguration ${NS}><LocationConstraint/></CreateBucketConfiguration>`), {
    locationConstraint: '',
  });
  assert.deepEqual(parseCreateBucketConfiguration(`<CreateBucketConfiguration ${NS}></CreateBucketConfiguration>`), {});
  assert.deepEqual(
    parseCreateBucketConfiguration(
      `<CreateBucketConfiguration ${NS}><Location><Type>AvailabilityZone</Type><Name>x</Name></Location><Bucket><Type>Directory</Type></Bucket></CreateBucketConfiguration>`,
    ),
    {},
  );
  assert.deepEqual(parseCreateBucketConfiguration(''), {});
  assert.deepEqual(parseCreateBucketConfiguration(' \n'), {});
  assert.deepEqual(parseCreateBucketConfiguration(Buffer.alloc(0)), {});
});

test('parseCreateBucketConfiguration: errors', () => {
  for (const c of [
    'garbage',
    '<CreateBucketConfiguration><LocationConstraint>a</LocationConstraint>',
    '<Other><LocationConstraint>a</LocationConstraint></Other>',
    '<CreateBucketConfiguration><LocationConstraint>a</LocationConstraint><LocationConstraint>b</LocationConstraint></CreateBucketConfiguration>',
    '<CreateBucketConfiguration><LocationConstraint><x/></LocationConstraint></CreateBucketConfiguration>',
    '<!DOCTYPE x [<!ENTITY e "eu-west-1">]><CreateBucketConfiguration><LocationConstraint>&e;</LocationConstraint></CreateBucketConfiguration>',
  ]) {
    assert.throws(() => parseCreateBucketConfiguration(c), malformed, c);
  }
  assert.throws(
    () => parseCreateBucketConfiguration('<CreateBucketConfiguration>' + ' '.repeat(70_000) + '</CreateBucketConfiguration>'),
    isCode('MaxMessageLengthExceeded'),
  );
});

test('decodeXmlText', () => {
  assert.equal(decodeXmlText('plain'), 'plain');
  assert.equal(decodeXmlText('&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x1f600;'), '<>&"\'AB😀');
  assert.equal(decodeXmlText('&amp;lt;'), '&lt;');
  assert.throws(() => decodeXmlText('&unknown;'), malformed);
  assert.throws(() => decodeXmlText('a & b'), malformed);
  assert.throws(() => decodeXmlText('&#x;'), malformed);
});

test('parseXmlDocument: tree', () => {
  const root = parseXmlDocument('<A><B>1</B><C><D>x</D></C></A>');
  assert.equal(root.name, 'A');
  assert.deepEqual(root.children.map((c) => c.name), ['B', 'C']);
  assert.equal(root.children[0]!.text, '1');
  assert.equal(root.children[1]!.children[0]!.text, 'x');
});

test('isBlank', () => {
  assert.ok(isBlank(''));
  assert.ok(isBlank(' \r\n\t'));
  assert.ok(isBlank('\ufeff '));
  assert.ok(isBlank(Buffer.from([0xef, 0xbb, 0xbf, 0x20])));
  assert.ok(!isBlank('<a/>'));
  assert.ok(!isBlank(Buffer.from('x')));
});
