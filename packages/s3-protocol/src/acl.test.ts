import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S3Error } from './errors.ts';
import { isOwnerOnlyAcl, isOwnerOnlyPolicy, parseAccessControlPolicy, renderOwnerOnlyAcl, requestedAcl } from './acl.ts';

const headers = (h: Record<string, string>) => (name: string) => h[name];

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof S3Error);
    return e.code;
  }
  return 'none';
}

test('requestedAcl: none, canned, grants; unknown canned → InvalidArgument; both → InvalidRequest', () => {
  assert.deepEqual(requestedAcl(headers({})), { kind: 'none' });
  assert.deepEqual(requestedAcl(headers({ 'x-amz-acl': 'public-read' })), { kind: 'canned', acl: 'public-read' });
  assert.deepEqual(requestedAcl(headers({ 'x-amz-grant-read': 'uri="http://acs.amazonaws.com/groups/global/AllUsers"' })), { kind: 'grants' });
  assert.equal(code(() => requestedAcl(headers({ 'x-amz-acl': 'public-ready' }))), 'InvalidArgument');
  assert.equal(code(() => requestedAcl(headers({ 'x-amz-acl': 'private', 'x-amz-grant-read': 'id=x' }))), 'InvalidRequest');
});

test('isOwnerOnlyAcl: no ACL, private and bucket-owner-full-control only', () => {
  assert.ok(isOwnerOnlyAcl({ kind: 'none' }));
  assert.ok(isOwnerOnlyAcl({ kind: 'canned', acl: 'private' }));
  assert.ok(isOwnerOnlyAcl({ kind: 'canned', acl: 'bucket-owner-full-control' }));
  assert.ok(!isOwnerOnlyAcl({ kind: 'canned', acl: 'public-read' }));
  assert.ok(!isOwnerOnlyAcl({ kind: 'canned', acl: 'authenticated-read' }));
  assert.ok(!isOwnerOnlyAcl({ kind: 'grants' }));
});

test('an AccessControlPolicy body: owner-only is recognised, anything wider is not', () => {
  const grant = (grantee: string, perm: string) =>
    `<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser">${grantee}</Grantee><Permission>${perm}</Permission></Grant>`;
  const doc = (grants: string, owner = 'alice') =>
    `<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>${owner}</ID></Owner><AccessControlList>${grants}</AccessControlList></AccessControlPolicy>`;
  assert.ok(isOwnerOnlyPolicy(parseAccessControlPolicy(doc(grant('<ID>alice</ID>', 'FULL_CONTROL'))), 'alice'));
  assert.ok(!isOwnerOnlyPolicy(parseAccessControlPolicy(doc(grant('<ID>alice</ID>', 'READ'))), 'alice'));
  assert.ok(!isOwnerOnlyPolicy(parseAccessControlPolicy(doc(grant('<ID>bob</ID>', 'FULL_CONTROL'))), 'alice'));
  assert.ok(!isOwnerOnlyPolicy(parseAccessControlPolicy(doc('')), 'alice'), 'revoking everything is a change');
  assert.ok(!isOwnerOnlyPolicy(parseAccessControlPolicy(doc(grant('<ID>alice</ID>', 'FULL_CONTROL'), 'bob')), 'alice'));
  const allUsers = grant('<URI>http://acs.amazonaws.com/groups/global/AllUsers</URI>', 'READ');
  assert.ok(!isOwnerOnlyPolicy(parseAccessControlPolicy(doc(grant('<ID>alice</ID>', 'FULL_CONTROL') + allUsers)), 'alice'));
  assert.equal(code(() => parseAccessControlPolicy(doc(grant('<ID>alice</ID>', 'EVERYTHING')))), 'MalformedACLError');
  assert.equal(code(() => parseAccessControlPolicy('<Foo/>')), 'MalformedACLError');
  assert.equal(code(() => parseAccessControlPolicy('not xml')), 'MalformedXML');
});

test('renderOwnerOnlyAcl: the owner, and one FULL_CONTROL grant to the owner (escaped)', () => {
  const xml = renderOwnerOnlyAcl({ id: 'a&b', displayName: 'a&b' });
  assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<AccessControlPolicy xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/">/);
  assert.match(xml, /<Owner><ID>a&amp;b<\/ID><DisplayName>a&amp;b<\/DisplayName><\/Owner>/);
  assert.match(xml, /xsi:type="CanonicalUser"><ID>a&amp;b<\/ID><DisplayName>a&amp;b<\/DisplayName><\/Grantee><Permission>FULL_CONTROL<\/Permission>/);
  assert.equal(xml.match(/<Grant>/g)?.length, 1);
});
