/**
 * The CORSConfiguration document of PutBucketCors / GetBucketCors, with the
 * limits S3 applies: 1 to 100 CORSRule; each rule needs at least one
 * AllowedOrigin and one AllowedMethod (else MalformedXML); methods are GET,
 * PUT, HEAD, POST or DELETE only and an AllowedOrigin or AllowedHeader holds
 * at most one `*` (else InvalidRequest); MaxAgeSeconds is a whole number.
 */
import { S3Error } from './errors.ts';
import { leafText, parseXmlDocument, type XmlNode } from './xml-parse.ts';
import { S3_XMLNS, XML_DECLARATION, xmlElement } from './xml-escape.ts';

export const CORS_METHODS = ['GET', 'PUT', 'HEAD', 'POST', 'DELETE'] as const;
export type CorsMethod = (typeof CORS_METHODS)[number];

export interface CorsRule {
  id?: string;
  allowedOrigins: string[];
  allowedMethods: CorsMethod[];
  allowedHeaders?: string[];
  exposeHeaders?: string[];
  maxAgeSeconds?: number;
}

export interface CorsConfiguration {
  rules: CorsRule[];
}

export const CORS_MAX_RULES = 100;
/** S3 caps a CORS configuration at 64 KB. */
export const CORS_MAX_BODY = 64 * 1024;
const MAX_ID_CHARS = 255;
const MAX_AGE_LIMIT = 2 ** 31 - 1;

export function isCorsMethod(m: string): m is CorsMethod {
  return (CORS_METHODS as readonly string[]).includes(m);
}

function malformed(): S3Error {
  return new S3Error('MalformedXML');
}

function atMostOneWildcard(what: 'AllowedOrigin' | 'AllowedHeader', value: string): void {
  if (value.indexOf('*') !== value.lastIndexOf('*')) {
    throw new S3Error('InvalidRequest', `${what} "${value}" can not have more than one wildcard.`);
  }
}

function parseRule(node: XmlNode): CorsRule {
  if (node.text.trim() !== '') throw malformed();
  const origins: string[] = [];
  const methods: CorsMethod[] = [];
  const headers: string[] = [];
  const expose: string[] = [];
  let id: string | undefined;
  let maxAge: number | undefined;
  for (const c of node.children) {
    const text = leafText(c);
    switch (c.name) {
      case 'ID':
        if (id !== undefined) throw malformed();
        if ([...text].length > MAX_ID_CHARS) throw new S3Error('InvalidArgument', `ID length should not exceed allowed limit of ${MAX_ID_CHARS}`);
        id = text;
        break;
      case 'AllowedOrigin':
        if (text === '') throw malformed();
        atMostOneWildcard('AllowedOrigin', text);
        origins.push(text);
        break;
      case 'AllowedMethod':
        if (!isCorsMethod(text)) throw new S3Error('InvalidRequest', `Found unsupported HTTP method in CORS config. Unsupported method is ${text}`);
        methods.push(text);
        break;
      case 'AllowedHeader':
        if (text === '') throw malformed();
        atMostOneWildcard('AllowedHeader', text);
        headers.push(text);
        break;
      case 'ExposeHeader':
        if (text === '') throw malformed();
        expose.push(text);
        break;
      case 'MaxAgeSeconds': {
        if (maxAge !== undefined) throw malformed();
        const v = text.trim();
        if (!/^\d{1,10}$/.test(v) || Number(v) > MAX_AGE_LIMIT) throw malformed();
        maxAge = Number(v);
        break;
      }
      default:
        throw malformed();
    }
  }
  if (origins.length === 0 || methods.length === 0) throw malformed();
  const rule: CorsRule = { allowedOrigins: origins, allowedMethods: methods };
  if (id !== undefined && id !== '') rule.id = id;
  if (headers.length > 0) rule.allowedHeaders = headers;
  if (expose.length > 0) rule.exposeHeaders = expose;
  if (maxAge !== undefined) rule.maxAgeSeconds = maxAge;
  return rule;
}

/** `<CORSConfiguration><CORSRule>…</CORSRule>…</CORSConfiguration>` */
export function parseCorsConfiguration(body: string | Buffer): CorsConfiguration {
  const root = parseXmlDocument(body, CORS_MAX_BODY);
  if (root.name !== 'CORSConfiguration' || root.text.trim() !== '') throw malformed();
  const ruleNodes = root.children.filter((c) => c.name === 'CORSRule');
  if (ruleNodes.length !== root.children.length || ruleNodes.length === 0) throw malformed();
  if (ruleNodes.length > CORS_MAX_RULES) {
    throw new S3Error('InvalidRequest', `The number of CORS rules should not exceed allowed limit of ${CORS_MAX_RULES} rules.`);
  }
  return { rules: ruleNodes.map(parseRule) };
}

export function renderCorsConfiguration(cfg: CorsConfiguration): string {
  const rules = cfg.rules
    .map((r) => {
      const many = (name: string, values: readonly string[] | undefined) => (values ?? []).map((v) => xmlElement(name, v)).join('');
      return (
        '<CORSRule>' +
        xmlElement('ID', r.id) +
        many('AllowedHeader', r.allowedHeaders) +
        many('AllowedMethod', r.allowedMethods) +
        many('AllowedOrigin', r.allowedOrigins) +
        many('ExposeHeader', r.exposeHeaders) +
        xmlElement('MaxAgeSeconds', r.maxAgeSeconds) +
        '</CORSRule>'
      );
    })
    .join('');
  return `${XML_DECLARATION}<CORSConfiguration xmlns="${S3_XMLNS}">${rules}</CORSConfiguration>`;
}
