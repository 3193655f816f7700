/**
 * S3 errors as values. Every failure that can reach a client is an S3Error
 * with an S3 code; the gateway renders it to XML in exactly one place.
 * Statuses and default messages follow the AWS S3 API reference
 * ("Error responses" / "List of error codes").
 */

export const ERROR_CATALOG = {
  AccessDenied: [403, 'Access Denied'],
  /** A CORS preflight (OPTIONS) that the bucket's CORS configuration does not allow (S3's wording, typo included). */
  AccessForbidden: [403, 'CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource\'s CORS spec.'],
  AccessControlListNotSupported: [400, 'The bucket does not allow ACLs'],
  AuthorizationHeaderMalformed: [400, 'The authorization header is malformed.'],
  AuthorizationQueryParametersError: [400, 'Error parsing the X-Amz-Credential parameter.'],
  /** The request is not well-formed HTTP (bad Content-Length, control bytes in a header). */
  BadRequest: [400, 'An error occurred when parsing the HTTP request.'],
  BadDigest: [400, 'The Content-MD5 or checksum value that you specified did not match what the server received.'],
  BucketAlreadyExists: [409, 'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.'],
  BucketAlreadyOwnedByYou: [409, 'Your previous request to create the named bucket succeeded and you already own it.'],
  BucketNotEmpty: [409, 'The bucket you tried to delete is not empty'],
  EntityTooLarge: [400, 'Your proposed upload exceeds the maximum allowed object size.'],
  EntityTooSmall: [400, 'Your proposed upload is smaller than the minimum allowed object size.'],
  ExpiredToken: [400, 'The provided token has expired.'],
  IllegalLocationConstraintException: [400, 'The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.'],
  IncompleteBody: [400, 'You did not provide the number of bytes specified by the Content-Length HTTP header.'],
  InternalError: [500, 'We encountered an internal error. Please try again.'],
  InvalidAccessKeyId: [403, 'The AWS Access Key Id you provided does not exist in our records.'],
  InvalidArgument: [400, 'Invalid Argument'],
  InvalidBucketAclWithObjectOwnership: [400, 'Bucket cannot have ACLs set with ObjectOwnership\'s BucketOwnerEnforced setting'],
  InvalidBucketName: [400, 'The specified bucket is not valid.'],
  InvalidDigest: [400, 'The Content-MD5 you specified is not valid.'],
  InvalidLocationConstraint: [400, 'The specified location constraint is not valid.'],
  InvalidObjectState: [403, 'The operation is not valid for the current state of the object.'],
  InvalidPart: [400, 'One or more of the specified parts could not be found. The part might not have been uploaded, or the specified entity tag might not have matched the part\'s entity tag.'],
  InvalidPolicyDocument: [400, 'The content of the form does not meet the conditions specified in the policy document.'],
  InvalidPartNumber: [416, 'The requested partnumber is not satisfiable'],
  InvalidPartOrder: [400, 'The list of parts was not in ascending order. The parts list must be specified in order by part number.'],
  InvalidRange: [416, 'The requested range is not satisfiable'],
  InvalidRequest: [400, 'Invalid Request'],
  InvalidTag: [400, 'The tag provided was not a valid tag.'],
  InvalidStorageClass: [400, 'The storage class you specified is not valid'],
  InvalidURI: [400, 'Couldn\'t parse the specified URI.'],
  KeyTooLongError: [400, 'Your key is too long'],
  MalformedACLError: [400, 'The XML you provided was not well-formed or did not validate against our published schema.'],
  MalformedPOSTRequest: [400, 'The body of your POST request is not well-formed multipart/form-data.'],
  MalformedXML: [400, 'The XML you provided was not well-formed or did not validate against our published schema.'],
  MaxMessageLengthExceeded: [400, 'Your request was too big.'],
  MetadataTooLarge: [400, 'Your metadata headers exceed the maximum allowed metadata size.'],
  MethodNotAllowed: [405, 'The specified method is not allowed against this resource.'],
  MissingContentLength: [411, 'You must provide the Content-Length HTTP header.'],
  MissingRequestBodyError: [400, 'Request Body is empty'],
  MissingSecurityHeader: [400, 'Your request is missing a required header.'],
  NoSuchBucket: [404, 'The specified bucket does not exist'],
  NoSuchCORSConfiguration: [404, 'The CORS configuration does not exist'],
  NoSuchTagSet: [404, 'The TagSet does not exist'],
  NoSuchBucketPolicy: [404, 'The bucket policy does not exist'],
  NoSuchLifecycleConfiguration: [404, 'The lifecycle configuration does not exist'],
  NoSuchWebsiteConfiguration: [404, 'The specified bucket does not have a website configuration'],
  NoSuchPublicAccessBlockConfiguration: [404, 'The public access block configuration was not found'],
  ServerSideEncryptionConfigurationNotFoundError: [404, 'The server side encryption configuration was not found'],
  ReplicationConfigurationNotFoundError: [404, 'The replication configuration was not found'],
  ObjectLockConfigurationNotFoundError: [404, 'Object Lock configuration does not exist for this bucket'],
  NoSuchKey: [404, 'The specified key does not exist.'],
  NoSuchUpload: [404, 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.'],
  NoSuchVersion: [404, 'The specified version does not exist.'],
  NotImplemented: [501, 'A header you provided implies functionality that is not implemented.'],
  NotModified: [304, 'Not Modified'],
  PreconditionFailed: [412, 'At least one of the pre-conditions you specified did not hold'],
  RequestHeaderSectionTooLarge: [400, 'Your request header section exceeds the maximum allowed size.'],
  RequestTimeout: [400, 'Your socket connection to the server was not read from or written to within the timeout period.'],
  RequestTimeTooSkewed: [403, 'The difference between the request time and the server\'s time is too large.'],
  ServiceUnavailable: [503, 'Please reduce your request rate.'],
  SignatureDoesNotMatch: [403, 'The request signature we calculated does not match the signature you provided. Check your key and signing method.'],
  SlowDown: [503, 'Please reduce your request rate.'],
  TooManyBuckets: [400, 'You have attempted to create more buckets than allowed.'],
  UnexpectedContent: [400, 'This request does not support content.'],
  UnsupportedSignature: [400, 'The provided request is signed with an unsupported STS Token version or the signature version is not supported.'],
  XAmzContentSHA256Mismatch: [400, 'The provided \'x-amz-content-sha256\' header does not match what was computed.'],
  // Not S3 codes: used between internal services only, never rendered to clients as such.
  NoSuchChunk: [404, 'The specified chunk does not exist.'],
  CorruptChunk: [500, 'A stored chunk failed its integrity check.'],
} as const satisfies Record<string, readonly [number, string]>;

export type S3ErrorCode = keyof typeof ERROR_CATALOG;

/** Extra elements rendered inside <Error> (e.g. BucketName, Key, ServerTime). */
export type S3ErrorDetails = Record<string, string | number | undefined>;

export class S3Error extends Error {
  readonly code: S3ErrorCode;
  readonly status: number;
  readonly details: S3ErrorDetails;

  constructor(code: S3ErrorCode, message?: string, details: S3ErrorDetails = {}, status?: number) {
    const [defaultStatus, defaultMessage] = ERROR_CATALOG[code];
    super(message ?? defaultMessage);
    this.name = 'S3Error';
    this.code = code;
    this.status = status ?? defaultStatus;
    this.details = details;
  }

  toJSON(): { code: S3ErrorCode; message: string; status: number; details: S3ErrorDetails } {
    return { code: this.code, message: this.message, status: this.status, details: this.details };
  }

  static isCode(code: string): code is S3ErrorCode {
    return Object.prototype.hasOwnProperty.call(ERROR_CATALOG, code);
  }

  /** Rebuild an error that crossed an internal HTTP hop. */
  static fromJSON(v: { code: string; message?: string; status?: number; details?: S3ErrorDetails }): S3Error {
    if (!S3Error.isCode(v.code)) return new S3Error('InternalError', v.message);
    return new S3Error(v.code, v.message, v.details ?? {}, v.status);
  }
}

export function isS3Error(e: unknown): e is S3Error {
  return e instanceof S3Error;
}
