/**
 * @vaultx/sigv4 — request authentication for the S3 gateway:
 * SigV4 (Authorization header and presigned query), SigV2 (header and query),
 * the aws-chunked body decoder, and the S3 flexible checksums.
 */
export type { Credentials, CredentialLookup, AuthInput, AuthOptions, PayloadMode, AuthResult } from './types.ts';
export { authenticate } from './auth.ts';
export { createAwsChunkedDecoder, MAX_CHUNK_SIZE } from './chunked.ts';
export type { AwsChunkedDecoder, AwsChunkedDecoderOptions } from './chunked.ts';
export { createChecksum, checksumHeaderName, parseChecksumAlgorithm } from './checksum.ts';
export type { ChecksumAlgorithm, Checksummer } from './checksum.ts';
export { awsUriEncode, timingSafeEqualHex } from './encoding.ts';
export { createPayloadHashVerifier } from './payload-hash.ts';
export { parsePostCredential, postSignatureV4, verifyPostSignatureV4, verifyPostSignatureV2 } from './post-form.ts';
export type { PostCredentialScope } from './post-form.ts';
