/**
 * Tags: the Tagging document of Put/GetObjectTagging and Put/GetBucketTagging
 * and the x-amz-tagging header of PutObject and CopyObject, with S3's limits —
 * at most 10 tags on an object (more: 400 BadRequest) and 50 on a bucket
 * (more: 400 InvalidTag), keys of 1 to 128 characters and values of at most
 * 256 (else 400 InvalidTag), no key twice (InvalidTag), no key in the
 * reserved `aws:` prefix (InvalidTag).
 */
import { S3Error } from './errors.ts';
import { parseXmlDocument, leafText, type XmlNode } from './xml-parse.ts';
import { S3_XMLNS, XML_DECLARATION, xmlElement } from './xml-escape.ts';

export interface Tag {
  key: string;
  value: string;
}

export const MAX_OBJECT_TAGS = 10;
export const MAX_BUCKET_TAGS = 50;
export const MAX_TAG_KEY_CHARS = 128;
export const MAX_TAG_VALUE_CHARS = 256;
export const TAGGING_MAX_BODY = 64 * 1024;

const chars = (s: string) => [...s].length;

export type TagTarget = 'object' | 'bucket';

export function validateTags(tags: Tag[], target: TagTarget = 'object'): Tag[] {
  if (target === 'object' && tags.length > MAX_OBJECT_TAGS) throw new S3Error('BadRequest', 'Object tags cannot be greater than 10');
  if (target === 'bucket' && tags.length > MAX_BUCKET_TAGS) throw new S3Error('InvalidTag', 'Bucket tag count cannot be greater than 50');
  const seen = new Set<string>();
  for (const t of tags) {
    if (t.key === '') throw new S3Error('InvalidTag', 'The TagKey you have provided is invalid', { TagKey: t.key });
    if (t.key.toLowerCase().startsWith('aws:')) throw new S3Error('InvalidTag', 'Your TagKey cannot be prefixed with aws:', { TagKey: t.key });
    if (chars(t.key) > MAX_TAG_KEY_CHARS) throw new S3Error('InvalidTag', 'The TagKey you have provided is too long, max 128', { TagKey: t.key });
    if (chars(t.value) > MAX_TAG_VALUE_CHARS) throw new S3Error('InvalidTag', 'The TagValue you have provided is too long, max 256', { TagKey: t.key, TagValue: t.value });
    if (seen.has(t.key)) throw new S3Error('InvalidTag', 'Cannot provide multiple Tags with the same key', { TagKey: t.key });
    seen.add(t.key);
  }
  return tags;
}

function malformed(): S3Error {
  return new S3Error('MalformedXML');
}

function only(node: XmlNode, name: string): XmlNode | undefined {
  const found = node.children.filter((c) => c.name === name);
  if (found.length > 1) throw malformed();
  return found[0];
}

/** `<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag>…</TagSet></Tagging>` */
export function parseTagging(body: string | Buffer, target: TagTarget = 'object'): Tag[] {
  const root = parseXmlDocument(body, TAGGING_MAX_BODY);
  if (root.name !== 'Tagging') throw malformed();
  const set = only(root, 'TagSet');
  if (!set) throw malformed();
  const tags: Tag[] = [];
  for (const t of set.children) {
    if (t.name !== 'Tag') continue;
    const k = only(t, 'Key');
    const v = only(t, 'Value');
    if (!k || !v) throw malformed();
    tags.push({ key: leafText(k), value: leafText(v) });
  }
  return validateTags(tags, target);
}

/** x-amz-tagging: URL-query-encoded `k1=v1&k2=v2` (a tag may have an empty value). */
export function parseTaggingHeader(raw: string | undefined): Tag[] | undefined {
  if (raw === undefined) return undefined;
  const tags: Tag[] = [];
  for (const [key, value] of new URLSearchParams(raw)) tags.push({ key, value });
  return validateTags(tags);
}

/** The TagSet sorted by key (as S3 and RGW return it, whatever the order sent). */
export function renderTagging(tags: Tag[]): string {
  const sorted = [...tags].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const body = sorted.map((t) => `<Tag>${xmlElement('Key', t.key)}${xmlElement('Value', t.value)}</Tag>`).join('');
  return `${XML_DECLARATION}<Tagging xmlns="${S3_XMLNS}"><TagSet>${body}</TagSet></Tagging>`;
}
