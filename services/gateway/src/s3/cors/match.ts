/**
 * CORS rule matching as S3 evaluates a bucket's CORS configuration: the first
 * rule whose AllowedOrigin matches the Origin, whose AllowedMethod holds the
 * method (the request's own, or Access-Control-Request-Method for a
 * preflight), and — for a preflight — whose AllowedHeader entries cover every
 * header in Access-Control-Request-Headers, answers. Pure functions.
 */
import type { CorsRule } from '@vaultx/s3-protocol';

export const CORS_VARY = 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method';

/** `pattern` may hold one `*`, standing for any run of characters (the empty one too). */
export function matchesWildcard(pattern: string, value: string): boolean {
  const star = pattern.indexOf('*');
  if (star === -1) return pattern === value;
  const head = pattern.slice(0, star);
  const tail = pattern.slice(star + 1);
  return value.length >= head.length + tail.length && value.startsWith(head) && value.endsWith(tail);
}

/** Access-Control-Request-Headers as a list: comma-separated, trimmed, lowercased, empties dropped. */
export function parseRequestHeaders(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
}

export interface CorsMatch {
  rule: CorsRule;
  /** The AllowedOrigin entry that matched ('*' makes the answer `*`). */
  allowedOrigin: string;
}

/** Header names compare without regard to case. */
function headerAllowed(rule: CorsRule, name: string): boolean {
  return (rule.allowedHeaders ?? []).some((p) => matchesWildcard(p.toLowerCase(), name));
}

export function findCorsRule(rules: readonly CorsRule[], origin: string, method: string, requestHeaders: readonly string[] = []): CorsMatch | undefined {
  for (const rule of rules) {
    if (!(rule.allowedMethods as readonly string[]).includes(method)) continue;
    const allowedOrigin = rule.allowedOrigins.find((p) => matchesWildcard(p, origin));
    if (allowedOrigin === undefined) continue;
    if (!requestHeaders.every((h) => headerAllowed(rule, h))) continue;
    return { rule, allowedOrigin };
  }
  return undefined;
}

/**
 * The Access-Control-* headers (and Vary) S3 answers with once a rule matched.
 * `requestHeaders` (a preflight's, already lowercased) are echoed in
 * Access-Control-Allow-Headers; an actual request passes none.
 */
export function corsResponseHeaders(match: CorsMatch, origin: string, requestHeaders: readonly string[] = []): Record<string, string> {
  const { rule } = match;
  const headers: Record<string, string> = {};
  if (match.allowedOrigin === '*') headers['access-control-allow-origin'] = '*';
  else {
    headers['access-control-allow-origin'] = origin;
    // credentials may only be allowed for a named origin, never for '*'
    headers['access-control-allow-credentials'] = 'true';
  }
  headers['access-control-allow-methods'] = rule.allowedMethods.join(', ');
  if (requestHeaders.length > 0) headers['access-control-allow-headers'] = requestHeaders.join(', ');
  if (rule.exposeHeaders !== undefined && rule.exposeHeaders.length > 0) headers['access-control-expose-headers'] = rule.exposeHeaders.join(', ');
  if (rule.maxAgeSeconds !== undefined) headers['access-control-max-age'] = String(rule.maxAgeSeconds);
  headers.vary = CORS_VARY;
  return headers;
}
