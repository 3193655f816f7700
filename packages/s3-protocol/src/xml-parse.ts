/**
 * Request bodies in XML: parsed safely, validated, turned into plain values.
 *
 * Safety: the body is size-checked first; DOCTYPE / ENTITY / any other `<!`
 * declaration is refused (no entity expansion can happen); only the five
 * predefined entities and character references are decoded, by us; characters
 * XML 1.0 forbids (raw or as references, e.g. `&#x1;`) are refused, as S3
 * refuses them. Anything off is S3Error('MalformedXML').
 *
 * Fidelity: text comes back exactly as the XML means it: no trimming, no
 * number coercion (`0123`, `1e3` stay strings), CDATA kept verbatim, entities
 * and character references decoded (`&amp;` → `&`, `&#x0D;` → CR). Raw line
 * ends are normalised (CRLF and lone CR → LF) as XML 1.0 §2.11 requires, so a
 * CR in a key must be sent as `&#13;` / `&#x0D;`, exactly as S3 documents.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';
import { S3Error } from './errors.ts';

/**
 * 2 MiB: 1000 keys of the maximum 1024 bytes plus version ids and markup come
 * to about 1.1 MB, so a plain 1 MiB bound would refuse legitimate requests.
 */
export const DELETE_OBJECTS_MAX_BODY = 2 * 1024 * 1024;
export const CREATE_BUCKET_CONFIGURATION_MAX_BODY = 64 * 1024;
export const DELETE_OBJECTS_MAX_KEYS = 1000;

/** A parsed element: name without namespace prefix, element children, decoded text. */
export interface XmlNode {
  name: string;
  children: XmlNode[];
  /** Concatenated character data (text + CDATA), decoded. */
  text: string;
}

function malformed(detail?: string): S3Error {
  const e = new S3Error('MalformedXML');
  if (detail) Object.defineProperty(e, 'reason', { value: detail, enumerable: false });
  return e;
}

// Raw characters XML 1.0 does not allow anywhere in a document.
const INVALID_RAW_CHAR =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decode the predefined entities and character references; refuse anything else. */
export function decodeXmlText(raw: string): string {
  if (!raw.includes('&')) return raw;
  const out = raw.replace(/&([^&;]*);/g, (_m, ref: string) => {
    let cp: number;
    if (/^#x[0-9a-fA-F]{1,6}$/.test(ref)) cp = parseInt(ref.slice(2), 16);
    else if (/^#[0-9]{1,7}$/.test(ref)) cp = parseInt(ref.slice(1), 10);
    else {
      const v = PREDEFINED[ref];
      if (v === undefined) throw malformed(`unknown entity &${ref};`);
      return v;
    }
    if (!isXmlChar(cp)) throw malformed(`invalid character reference &${ref};`);
    return String.fromCodePoint(cp);
  });
  // A bare '&' left over means the reference was not closed.
  if (/&(?![^&;]*;)/.test(raw)) throw malformed('unterminated reference');
  return out;
}

/**
 * Refuse every markup declaration (`<!DOCTYPE`, `<!ENTITY`, `<!ELEMENT`,
 * `<!ATTLIST`, …) while allowing comments and CDATA sections.
 */
function refuseDeclarations(xml: string): void {
  let i = 0;
  for (;;) {
    const at = xml.indexOf('<!', i);
    if (at < 0) return;
    if (xml.startsWith('<!--', at)) {
      const end = xml.indexOf('-->', at + 4);
      if (end < 0) throw malformed('unterminated comment');
      i = end + 3;
    } else if (xml.startsWith('<![CDATA[', at)) {
      const end = xml.indexOf(']]>', at + 9);
      if (end < 0) throw malformed('unterminated CDATA');
      i = end + 3;
    } else {
      throw malformed('markup declarations (DOCTYPE, ENTITY) are not allowed');
    }
  }
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: true,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  cdataPropName: '#cdata',
  commentPropName: '#comment',
  ignoreDeclaration: true,
  ignorePiTags: true,
  removeNSPrefix: false,
  textNodeName: '#text',
});

type OrderedNode = Record<string, unknown>;

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon >= 0 ? name.slice(colon + 1) : name;
}

function childList(v: unknown): OrderedNode[] {
  if (!Array.isArray(v)) throw malformed();
  return v as OrderedNode[];
}

function convert(tagName: string, items: OrderedNode[], depth: number): XmlNode {
  if (depth > 64) throw malformed('nesting too deep');
  const node: XmlNode = { name: localName(tagName), children: [], text: '' };
  for (const item of items) {
    for (const key of Object.keys(item)) {
      if (key === ':@') continue;
      const value = item[key];
      if (key === '#text') node.text += decodeXmlText(String(value ?? ''));
      else if (key === '#cdata') {
        for (const c of childList(value)) node.text += String(c['#text'] ?? '');
      } else if (key === '#comment' || key.startsWith('?')) continue;
      else node.children.push(convert(key, childList(value), depth + 1));
    }
  }
  return node;
}

/** Parse a whole document to its root element. Throws MalformedXML on anything off. */
export function parseXmlDocument(input: string | Buffer, maxBytes?: number): XmlNode {
  let xml: string;
  if (typeof input === 'string') {
    if (maxBytes !== undefined && Buffer.byteLength(input, 'utf8') > maxBytes) throw new S3Error('MaxMessageLengthExceeded');
    xml = input;
  } else {
    if (maxBytes !== undefined && input.length > maxBytes) throw new S3Error('MaxMessageLengthExceeded');
    try {
      xml = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(input);
    } catch {
      throw malformed('body is not valid UTF-8');
    }
  }
  if (xml.charCodeAt(0) === 0xfeff) xml = xml.slice(1);
  xml = xml.replace(/\r\n?/g, '\n');
  if (xml.trim() === '') throw malformed('empty body');
  if (INVALID_RAW_CHAR.test(xml)) throw malformed('character not allowed in XML');
  refuseDeclarations(xml);
  if (XMLValidator.validate(xml) !== true) throw malformed('not well-formed');

  let tree: OrderedNode[];
  try {
    tree = parser.parse(xml) as OrderedNode[];
  } catch (e) {
    if (e instanceof S3Error) throw e;
    throw malformed('not well-formed');
  }
  const roots: XmlNode[] = [];
  for (const item of tree) {
    for (const key of Object.keys(item)) {
      if (key === ':@' || key === '#comment' || key.startsWith('?')) continue;
      if (key === '#text') {
        if (String(item[key]).trim() !== '') throw malformed('text outside the root element');
        continue;
      }
      if (key === '#cdata') throw malformed('CDATA outside the root element');
      roots.push(convert(key, childList(item[key]), 0));
    }
  }
  if (roots.length !== 1) throw malformed('exactly one root element expected');
  return roots[0]!;
}

/** Text of a leaf element; MalformedXML if it has element children. */
export function leafText(node: XmlNode): string {
  if (node.children.length > 0) throw malformed(`<${node.name}> must contain text only`);
  return node.text;
}

/** A container's children; MalformedXML if it has non-whitespace text. */
function containerChildren(node: XmlNode): XmlNode[] {
  if (node.text.trim() !== '') throw malformed(`<${node.name}> must not contain text`);
  return node.children;
}

function parseXmlBoolean(s: string): boolean {
  const v = s.trim().toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw malformed('invalid boolean');
}

// -------------------------------------------------------------- DeleteObjects

const DeleteObjectsSchema = z.object({
  quiet: z.boolean(),
  objects: z
    .array(
      z
        .object({
          key: z.string(),
          versionId: z.string().optional(),
          // conditional delete of this object: its ETag, Last-Modified (ISO time) and size must match
          etag: z.string().optional(),
          lastModifiedTime: z.string().optional(),
          size: z.number().int().nonnegative().optional(),
        })
        .strict(),
    )
    .min(1)
    .max(DELETE_OBJECTS_MAX_KEYS),
});

export type DeleteObjectsRequest = z.infer<typeof DeleteObjectsSchema>;

/**
 * `<Delete><Quiet>true</Quiet><Object><Key>k</Key><VersionId>v</VersionId></Object>…</Delete>`
 * 1..1000 Objects, each with exactly one Key and at most one VersionId, and
 * optionally the conditions of a conditional delete: ETag, LastModifiedTime
 * (an ISO 8601 time) and Size (bytes); a LastModifiedTime or Size that is not
 * one is MalformedXML. Unknown elements are ignored.
 * A Key may come back empty (''), and a VersionId element that is present but
 * empty comes back as ''; the caller decides (per-key error).
 */
export function parseDeleteObjects(xml: string | Buffer, maxBytes: number = DELETE_OBJECTS_MAX_BODY): DeleteObjectsRequest {
  const root = parseXmlDocument(xml, maxBytes);
  if (root.name !== 'Delete') throw malformed('root element must be <Delete>');
  let quiet: boolean | undefined;
  const objects: DeleteObjectsRequest['objects'] = [];
  for (const child of containerChildren(root)) {
    if (child.name === 'Quiet') {
      if (quiet !== undefined) throw malformed('duplicate <Quiet>');
      quiet = parseXmlBoolean(leafText(child));
    } else if (child.name === 'Object') {
      if (objects.length >= DELETE_OBJECTS_MAX_KEYS) throw malformed('more than 1000 objects');
      let key: string | undefined;
      const o: Omit<DeleteObjectsRequest['objects'][number], 'key'> = {};
      for (const f of containerChildren(child)) {
        if (f.name === 'Key') {
          if (key !== undefined) throw malformed('duplicate <Key>');
          key = leafText(f);
        } else if (f.name === 'VersionId') {
          if (o.versionId !== undefined) throw malformed('duplicate <VersionId>');
          o.versionId = leafText(f);
        } else if (f.name === 'ETag') {
          if (o.etag !== undefined) throw malformed('duplicate <ETag>');
          o.etag = leafText(f);
        } else if (f.name === 'LastModifiedTime') {
          if (o.lastModifiedTime !== undefined) throw malformed('duplicate <LastModifiedTime>');
          const text = leafText(f).trim();
          // a time without a zone is UTC (Date.parse would take it as local time)
          const t = Date.parse(/T[\d:.]+$/.test(text) ? `${text}Z` : text);
          if (Number.isNaN(t)) throw malformed('invalid <LastModifiedTime>');
          o.lastModifiedTime = new Date(t).toISOString();
        } else if (f.name === 'Size') {
          if (o.size !== undefined) throw malformed('duplicate <Size>');
          const v = leafText(f).trim();
          if (!/^\d{1,16}$/.test(v)) throw malformed('invalid <Size>');
          o.size = Number(v);
        }
      }
      if (key === undefined) throw malformed('<Object> without <Key>');
      objects.push({ key, ...o });
    }
  }
  const parsed = DeleteObjectsSchema.safeParse({ quiet: quiet ?? false, objects });
  if (!parsed.success) throw malformed('must name 1 to 1000 objects');
  return parsed.data;
}

// -------------------------------------------------- CreateBucketConfiguration

/** True for an empty body or one of only whitespace (and a BOM). */
export function isBlank(body: string | Buffer): boolean {
  if (typeof body === 'string') return body.replace(/^\uFEFF/, '').trim() === '';
  let i = body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
  for (; i < body.length; i++) {
    const b = body[i];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return false;
  }
  return true;
}

const CreateBucketConfigurationSchema = z.object({ locationConstraint: z.string().optional() }).strict();

export type CreateBucketConfiguration = z.infer<typeof CreateBucketConfigurationSchema>;

/**
 * `<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>`
 * An empty (or whitespace-only) body gives `{}`. An empty LocationConstraint
 * element gives `''` (S3 reads that as us-east-1). Other children (Location,
 * Bucket, Tags) are ignored.
 */
export function parseCreateBucketConfiguration(
  xml: string | Buffer,
  maxBytes: number = CREATE_BUCKET_CONFIGURATION_MAX_BODY,
): CreateBucketConfiguration {
  if (isBlank(xml)) return {};
  const root = parseXmlDocument(xml, maxBytes);
  if (root.name !== 'CreateBucketConfiguration') throw malformed('root element must be <CreateBucketConfiguration>');
  let locationConstraint: string | undefined;
  for (const child of containerChildren(root)) {
    if (child.name === 'LocationConstraint') {
      if (locationConstraint !== undefined) throw malformed('duplicate <LocationConstraint>');
      locationConstraint = leafText(child).trim();
    }
  }
  const parsed = CreateBucketConfigurationSchema.safeParse(locationConstraint === undefined ? {} : { locationConstraint });
  if (!parsed.success) throw malformed();
  return parsed.data;
}
