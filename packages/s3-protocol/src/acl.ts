/**
 * ACLs as Amazon S3 has them on a bucket whose Object Ownership is "bucket
 * owner enforced" (the default for every new bucket since April 2023): ACLs
 * are disabled. Reading one returns the owner's FULL_CONTROL grant; setting
 * one is accepted only when it grants the owner full control and nothing
 * else (`private`, `bucket-owner-full-control`, or that policy in XML);
 * anything wider is refused (AccessControlListNotSupported, or
 * InvalidBucketAclWithObjectOwnership on CreateBucket). VaultX has no ACLs
 * at all, so this is exactly its behaviour.
 */
import { S3Error } from './errors.ts';
import { parseXmlDocument, type XmlNode } from './xml-parse.ts';
import { S3_XMLNS, XML_DECLARATION, xmlElement } from './xml-escape.ts';

export const CANNED_ACLS = [
  'private',
  'public-read',
  'public-read-write',
  'authenticated-read',
  'aws-exec-read',
  'bucket-owner-read',
  'bucket-owner-full-control',
  'log-delivery-write',
] as const;

export type CannedAcl = (typeof CANNED_ACLS)[number];

const GRANT_HEADERS = [
  'x-amz-grant-full-control',
  'x-amz-grant-read',
  'x-amz-grant-read-acp',
  'x-amz-grant-write',
  'x-amz-grant-write-acp',
] as const;

export const ACL_POLICY_MAX_BODY = 64 * 1024;

/** What a request's headers ask for: no ACL, a canned one, or explicit grants. */
export type RequestedAcl = { kind: 'none' } | { kind: 'canned'; acl: CannedAcl } | { kind: 'grants' };

function isCanned(v: string): v is CannedAcl {
  return (CANNED_ACLS as readonly string[]).includes(v);
}

/** Reads x-amz-acl and x-amz-grant-*; InvalidArgument for an unknown canned ACL. */
export function requestedAcl(header: (name: string) => string | undefined): RequestedAcl {
  const canned = header('x-amz-acl');
  const grants = GRANT_HEADERS.some((h) => header(h) !== undefined);
  if (canned !== undefined && grants) {
    throw new S3Error('InvalidRequest', 'Specifying both Canned ACLs and Header Grants is not allowed');
  }
  if (canned !== undefined) {
    const v = canned.trim();
    if (!isCanned(v)) throw new S3Error('InvalidArgument', undefined, { ArgumentName: 'x-amz-acl', ArgumentValue: canned });
    return { kind: 'canned', acl: v };
  }
  return grants ? { kind: 'grants' } : { kind: 'none' };
}

/** True for the canned ACLs that give the owner full control and nobody anything. */
export function isOwnerOnlyCannedAcl(acl: string): boolean {
  return acl === 'private' || acl === 'bucket-owner-full-control';
}

/** True when the ACL gives the owner full control and nobody anything: what an ACL-less bucket already is. */
export function isOwnerOnlyAcl(acl: RequestedAcl): boolean {
  if (acl.kind === 'none') return true;
  return acl.kind === 'canned' && isOwnerOnlyCannedAcl(acl.acl);
}

export interface AclGrant {
  grantee: { type: 'CanonicalUser' | 'Group' | 'AmazonCustomerByEmail'; id?: string; uri?: string; email?: string };
  permission: string;
}

export interface AccessControlPolicy {
  ownerId?: string;
  grants: AclGrant[];
}

const PERMISSIONS = new Set(['FULL_CONTROL', 'WRITE', 'WRITE_ACP', 'READ', 'READ_ACP']);

function malformedAcl(): S3Error {
  return new S3Error('MalformedACLError', undefined);
}

function child(node: XmlNode, name: string): XmlNode | undefined {
  return node.children.find((c) => c.name === name);
}

function parseGrant(g: XmlNode): AclGrant {
  const grantee = child(g, 'Grantee');
  const permission = child(g, 'Permission')?.text.trim();
  if (!grantee || permission === undefined || !PERMISSIONS.has(permission)) throw malformedAcl();
  // The xsi:type attribute is not kept by the parser; the child element says the same.
  const id = child(grantee, 'ID')?.text.trim();
  const uri = child(grantee, 'URI')?.text.trim();
  const email = child(grantee, 'EmailAddress')?.text.trim();
  if (id) return { grantee: { type: 'CanonicalUser', id }, permission };
  if (uri) return { grantee: { type: 'Group', uri }, permission };
  if (email) return { grantee: { type: 'AmazonCustomerByEmail', email }, permission };
  throw malformedAcl();
}

/** `<AccessControlPolicy><Owner/><AccessControlList><Grant/>…</AccessControlList></AccessControlPolicy>` */
export function parseAccessControlPolicy(xml: string | Buffer): AccessControlPolicy {
  const root = parseXmlDocument(xml, ACL_POLICY_MAX_BODY);
  if (root.name !== 'AccessControlPolicy') throw malformedAcl();
  const ownerId = child(root, 'Owner') && child(child(root, 'Owner')!, 'ID')?.text.trim();
  const list = child(root, 'AccessControlList');
  const grants = (list?.children ?? []).filter((c) => c.name === 'Grant').map(parseGrant);
  return { ownerId: ownerId || undefined, grants };
}

/** True when the policy is exactly "the owner has FULL_CONTROL". */
export function isOwnerOnlyPolicy(policy: AccessControlPolicy, ownerId: string): boolean {
  if (policy.ownerId !== undefined && policy.ownerId !== ownerId) return false;
  return (
    policy.grants.length > 0 &&
    policy.grants.every((g) => g.grantee.type === 'CanonicalUser' && g.grantee.id === ownerId && g.permission === 'FULL_CONTROL')
  );
}

/** The ACL of anything owned by `owner` while ACLs are disabled: one FULL_CONTROL grant to the owner. */
export function renderOwnerOnlyAcl(owner: { id: string; displayName?: string }): string {
  const ids = xmlElement('ID', owner.id) + xmlElement('DisplayName', owner.displayName);
  return (
    `${XML_DECLARATION}<AccessControlPolicy xmlns="${S3_XMLNS}"><Owner>${ids}</Owner><AccessControlList>` +
    `<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser">${ids}</Grantee>` +
    '<Permission>FULL_CONTROL</Permission></Grant></AccessControlList></AccessControlPolicy>'
  );
}
