/**
 * One pass over a body's bytes computing every digest a request needs: MD5
 * (the ETag), SHA-256 (when the signature covers the payload) and the S3
 * checksum the client asked for.
 */
import { createHash, type Hash } from 'node:crypto';
import { createChecksum, type ChecksumAlgorithm, type Checksummer } from '@vaultx/sigv4';

export interface DigestResult {
  length: number;
  md5: Buffer;
  sha256?: Buffer;
  checksum?: string;
}

export class BodyDigests {
  private length = 0;
  private readonly md5: Hash = createHash('md5');
  private readonly sha256?: Hash;
  private readonly checksum?: Checksummer;

  constructor(opts: { sha256?: boolean; checksum?: ChecksumAlgorithm }) {
    if (opts.sha256) this.sha256 = createHash('sha256');
    if (opts.checksum) this.checksum = createChecksum(opts.checksum);
  }

  update(buf: Buffer): void {
    this.length += buf.length;
    this.md5.update(buf);
    this.sha256?.update(buf);
    this.checksum?.update(buf);
  }

  digest(): DigestResult {
    return {
      length: this.length,
      md5: this.md5.digest(),
      sha256: this.sha256?.digest(),
      checksum: this.checksum?.digest(),
    };
  }
}
