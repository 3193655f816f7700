/** authenticate(): pick the auth form a request uses and verify it. */
import { S3Error } from '@vaultx/s3-protocol';
import { headerFirst, parseRawUrl } from './request.ts';
import { authenticateV2Header, authenticateV2Presigned, isV2Presigned } from './sigv2.ts';
import { authenticateV4Header, authenticateV4Presigned, isV4Presigned, V4_ALGORITHM } from './sigv4.ts';
import type { AuthInput, AuthOptions, AuthResult, CredentialLookup } from './types.ts';

const ONE_MECHANISM =
  'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter ' +
  'or the Authorization header should be specified';

/**
 * undefined = anonymous request (no Authorization header, no signature query
 * params). Throws S3Error otherwise on any failure.
 */
export async function authenticate(
  input: AuthInput,
  lookup: CredentialLookup,
  opts: AuthOptions,
): Promise<AuthResult | undefined> {
  const url = parseRawUrl(input.rawUrl);
  const authorization = headerFirst(input.headers, 'authorization');
  const v4q = isV4Presigned(url.params);
  const v2q = isV2Presigned(url.params);

  // An empty Authorization header carries no credentials: the request is anonymous (as S3 treats it).
  if (authorization !== undefined && authorization.trim() !== '') {
    if (v4q || v2q) {
      throw new S3Error('InvalidArgument', ONE_MECHANISM, { ArgumentName: 'Authorization', ArgumentValue: authorization });
    }
    const value = authorization.trim();
    if (value.startsWith(V4_ALGORITHM)) return authenticateV4Header(input, value, url, lookup, opts);
    if (value.startsWith('AWS ')) return authenticateV2Header(input, value, url, lookup, opts);
    throw new S3Error('InvalidArgument', 'Unsupported Authorization Type', {
      ArgumentName: 'Authorization',
      ArgumentValue: authorization,
    });
  }
  if (v4q && v2q) {
    throw new S3Error('InvalidArgument', ONE_MECHANISM, { ArgumentName: 'X-Amz-Algorithm' });
  }
  if (v4q) return authenticateV4Presigned(input, url, lookup, opts);
  if (v2q) return authenticateV2Presigned(input, url, lookup);
  return undefined;
}
