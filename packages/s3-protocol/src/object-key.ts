/**
 * Object keys: any UTF-8 string of 1 to 1024 bytes. An empty key never reaches
 * an object operation (the path addresses the bucket instead), so the caller
 * handles that case.
 */
import { S3Error } from './errors.ts';

export const MAX_KEY_BYTES = 1024;

/** Throws KeyTooLongError (400) with details { Size, MaxSizeAllowed } when over 1024 UTF-8 bytes. */
export function validateObjectKey(key: string): void {
  const size = Buffer.byteLength(key, 'utf8');
  if (size > MAX_KEY_BYTES) {
    throw new S3Error('KeyTooLongError', undefined, { Size: size, MaxSizeAllowed: MAX_KEY_BYTES });
  }
}
