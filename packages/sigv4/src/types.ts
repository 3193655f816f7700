export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  userId: string;
}

export type CredentialLookup = (accessKeyId: string) => Promise<Credentials | undefined>;

export interface AuthInput {
  /** 'GET', 'PUT', ... */
  method: string;
  /** path + query exactly as received on the wire, e.g. '/bucket/a%20b?X-Amz-Date=...' */
  rawUrl: string;
  /**
   * node IncomingHttpHeaders (lowercase names). `req.headersDistinct` is better
   * still: repeated headers then keep their separate values, which SigV4 joins
   * with ',' (IncomingHttpHeaders pre-joins them with ', ').
   */
  headers: Record<string, string | string[] | undefined>;
  /**
   * The bucket of a virtual-hosted-style request (taken from Host by the
   * caller, who knows its base domains): SigV2 signs it into the resource.
   */
  virtualHostBucket?: string;
  /** default new Date() */
  now?: Date;
}

export interface AuthOptions {
  region: string;
  /** default 's3' */
  service?: string;
  /** default 15 min */
  maxSkewMs?: number;
}

export type PayloadMode =
  /** UNSIGNED-PAYLOAD (or presigned / SigV2) */
  | { kind: 'unsigned' }
  /** hex; the caller hashes the body and compares (XAmzContentSHA256Mismatch) */
  | { kind: 'sha256'; expectedSha256: string }
  /** the aws-chunked modes */
  | {
      kind: 'chunked';
      signed: boolean;
      trailer: boolean;
      seedSignature: string;
      signingKey: Buffer;
      scope: string;
      amzDate: string;
    };

export interface AuthResult {
  credentials: Credentials;
  payload: PayloadMode;
  presigned: boolean;
  signatureVersion: 2 | 4;
}

export const DEFAULT_MAX_SKEW_MS = 15 * 60 * 1000;
