/** Assertions on the errors the AWS SDK raises for S3 error answers. */
import assert from 'node:assert/strict';
import type { S3ServiceException } from '@aws-sdk/client-s3';

/**
 * Awaits `p`, which must fail with S3 error `name` (skipped when '') and HTTP
 * `status` (or one of several); returns the error for further checks.
 */
export async function expectS3Error(p: Promise<unknown>, name: string, status: number | number[]): Promise<S3ServiceException> {
  try {
    await p;
  } catch (e) {
    const err = e as S3ServiceException;
    const statuses = Array.isArray(status) ? status : [status];
    const got = err.$metadata?.httpStatusCode ?? 0;
    assert.ok(statuses.includes(got), `status for ${name}: got ${got}, want ${statuses.join(' or ')} (${err.name}: ${err.message})`);
    if (name) assert.equal(err.name, name, `error name: ${err.name} (${err.message})`);
    return err;
  }
  assert.fail(`expected ${name} (${Array.isArray(status) ? status.join(' or ') : status}), but the request succeeded`);
}

/** Reads an SDK response body into a Buffer. */
export async function bytesOf(body: unknown): Promise<Buffer> {
  return Buffer.from(await (body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
}
