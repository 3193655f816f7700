/** The part list of a CompleteMultipartUpload request, put in the form the upload is checked against. */
import { S3Error, type CompletePartRequest } from '@vaultx/s3-protocol';

/**
 * The listed parts, ascending (else InvalidPartOrder). A part number listed
 * twice in a row counts once, with its last entry: a client that re-sent a
 * part lists both answers, and the part stored last is the one that counts
 * (s3-tests' test_multipart_resend_first_finishes_last).
 */
export function lastOfEachPartNumber(parts: CompletePartRequest[], uploadId: string): CompletePartRequest[] {
  const out: CompletePartRequest[] = [];
  for (const p of parts) {
    const prev = out[out.length - 1];
    if (prev && p.partNumber < prev.partNumber) throw new S3Error('InvalidPartOrder', undefined, { UploadId: uploadId });
    if (prev && p.partNumber === prev.partNumber) out[out.length - 1] = p;
    else out.push(p);
  }
  return out;
}
