/**
 * General-purpose bucket naming rules (AWS S3 User Guide, "Bucket naming rules"):
 * 3–63 characters; lowercase letters, digits, '.' and '-'; begins and ends with
 * a letter or digit; no two adjacent periods; no '.-' or '-.' (DNS labels);
 * not formatted as an IP address; not the reserved prefixes `xn--`, `sthree-`,
 * `amzn-s3-demo-`; not the reserved suffixes `-s3alias`, `--ol-s3`, `.mrap`,
 * `--x-s3`, `--table-s3`.
 */
import { S3Error } from './errors.ts';

const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/** The reason a name is invalid, or undefined when it is valid. */
export function bucketNameProblem(name: string): string | undefined {
  if (typeof name !== 'string') return 'not a string';
  if (name.length < 3 || name.length > 63) return 'must be between 3 and 63 characters long';
  if (!/^[a-z0-9.-]+$/.test(name)) return 'may contain only lowercase letters, numbers, periods and hyphens';
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return 'must begin and end with a letter or number';
  if (name.includes('..')) return 'must not contain two adjacent periods';
  if (name.includes('.-') || name.includes('-.')) return 'must not contain a period next to a hyphen';
  if (/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)) return 'must not be formatted as an IP address';
  for (const p of RESERVED_PREFIXES) if (name.startsWith(p)) return `must not start with "${p}"`;
  for (const s of RESERVED_SUFFIXES) if (name.endsWith(s)) return `must not end with "${s}"`;
  return undefined;
}

export function isValidBucketName(name: string): boolean {
  return bucketNameProblem(name) === undefined;
}

/** Throws InvalidBucketName (400) with details { BucketName }. */
export function validateBucketName(name: string): void {
  if (bucketNameProblem(name) !== undefined) {
    throw new S3Error('InvalidBucketName', undefined, { BucketName: name });
  }
}
