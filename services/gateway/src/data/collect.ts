/**
 * Buffers a small body (XML documents, inline objects) while digesting it,
 * never holding more than `limit` bytes.
 */
import type { BodyDigests } from './digests.ts';

export async function collectBody(
  source: AsyncIterable<Buffer>,
  digests: BodyDigests,
  limit: number,
  onOverflow: () => Error,
): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const buf of source) {
    size += buf.length;
    if (size > limit) throw onOverflow();
    digests.update(buf);
    parts.push(buf);
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
}
