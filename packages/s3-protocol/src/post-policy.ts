/**
 * POST Object (browser form upload) policies, as Amazon S3 checks them:
 * "Creating a POST policy" in the S3 API reference. Pure functions: the
 * gateway decodes the form, these decide whether the policy allows it.
 */
import { S3Error } from './errors.ts';

type FieldCondition = { kind: 'eq'; field: string; value: string } | { kind: 'starts-with'; field: string; prefix: string };
export type PostCondition = FieldCondition | { kind: 'content-length-range'; min: number; max: number };

export interface PostPolicy {
  expiration: Date;
  conditions: PostCondition[];
}

/** Form fields a policy never has to mention (S3 exempts these from "Extra input fields"). */
export function isExemptPostField(name: string): boolean {
  const n = name.toLowerCase();
  return n === 'x-amz-signature' || n === 'signature' || n === 'awsaccesskeyid' || n === 'file' || n === 'policy' || n.startsWith('x-ignore-');
}

const invalidPolicy = (why: string) => new S3Error('InvalidPolicyDocument', `Invalid Policy: ${why}`);

function fieldName(raw: unknown): string {
  if (typeof raw !== 'string' || !raw.startsWith('$') || raw.length < 2) throw invalidPolicy('Invalid field name in condition.');
  return raw.slice(1).toLowerCase();
}

function toInt(raw: unknown): number {
  const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw invalidPolicy('Invalid content-length-range values.');
  return n;
}

function parseCondition(c: unknown): PostCondition {
  if (Array.isArray(c)) {
    if (c.length !== 3 || typeof c[0] !== 'string') throw invalidPolicy('Invalid condition: wrong number of arguments.');
    const op = c[0].toLowerCase();
    if (op === 'content-length-range') {
      const min = toInt(c[1]);
      const max = toInt(c[2]);
      return { kind: 'content-length-range', min, max };
    }
    if (typeof c[2] !== 'string') throw invalidPolicy('Invalid condition value.');
    if (op === 'eq') return { kind: 'eq', field: fieldName(c[1]), value: c[2] };
    if (op === 'starts-with') return { kind: 'starts-with', field: fieldName(c[1]), prefix: c[2] };
    throw invalidPolicy(`Invalid condition operator: ${c[0]}`);
  }
  if (c !== null && typeof c === 'object') {
    const entries = Object.entries(c);
    const [name, value] = entries[0] ?? [];
    if (entries.length !== 1 || name === undefined || typeof value !== 'string') throw invalidPolicy('Invalid simple condition.');
    return { kind: 'eq', field: name.replace(/^\$/, '').toLowerCase(), value };
  }
  throw invalidPolicy('Invalid condition.');
}

/** Decodes the form's `policy` field (base64 JSON). Malformed documents are 400s, as S3 answers them. */
export function parsePostPolicy(base64: string): PostPolicy {
  if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(base64)) throw new S3Error('InvalidPolicyDocument', 'Invalid Policy: Invalid Base64 encoding.');
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));
  } catch {
    throw invalidPolicy('Invalid JSON.');
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw invalidPolicy('Invalid JSON.');
  const { expiration, conditions } = doc as Record<string, unknown>;
  if (typeof expiration !== 'string') throw invalidPolicy('Policy missing expiration.');
  const exp = new Date(expiration);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(expiration) || Number.isNaN(exp.getTime())) throw invalidPolicy('Invalid expiration.');
  if (!Array.isArray(conditions)) throw invalidPolicy('Policy missing conditions.');
  return { expiration: exp, conditions: conditions.map(parseCondition) };
}

const denied = (why: string) => new S3Error('AccessDenied', `Invalid according to Policy: ${why}`);

function matches(c: FieldCondition, value: string): boolean {
  if (c.kind === 'eq') return value === c.value;
  // A Content-Type may list several types; each must start with the prefix.
  if (c.field === 'content-type') return value.split(',').every((v) => v.trim().startsWith(c.prefix));
  return value.startsWith(c.prefix);
}

/**
 * Checks a decoded policy against the form (field names lower-cased, `bucket`
 * added by the caller). Returns the content-length-range to enforce while the
 * body streams, if any.
 */
export function checkPostPolicy(
  policy: PostPolicy,
  fields: ReadonlyMap<string, string>,
  now: Date,
): { min: number; max: number } | undefined {
  if (policy.expiration.getTime() <= now.getTime()) throw denied('Policy expired.');
  let range: { min: number; max: number } | undefined;
  const covered = new Set<string>(['bucket']);
  for (const c of policy.conditions) {
    if (c.kind === 'content-length-range') {
      range = { min: c.min, max: c.max };
      continue;
    }
    covered.add(c.field);
    const value = fields.get(c.field) ?? '';
    if (!matches(c, value)) {
      const shown = c.kind === 'eq' ? `["eq", "$${c.field}", "${c.value}"]` : `["starts-with", "$${c.field}", "${c.prefix}"]`;
      throw denied(`Policy Condition failed: ${shown}`);
    }
  }
  const extra = [...fields.keys()].filter((f) => !isExemptPostField(f) && !covered.has(f));
  if (extra.length > 0) throw denied(`Extra input fields: ${extra.join(', ')}`);
  return range;
}

/** S3's content-length-range check, once the body's length is known. */
export function checkPostLength(range: { min: number; max: number } | undefined, length: number): void {
  if (range === undefined) return;
  if (length < range.min) throw new S3Error('EntityTooSmall', undefined, { ProposedSize: length, MinSizeAllowed: range.min });
  if (length > range.max) throw new S3Error('EntityTooLarge', undefined, { ProposedSize: length, MaxSizeAllowed: range.max });
}
