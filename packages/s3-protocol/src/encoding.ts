/**
 * `encoding-type=url` for listings.
 *
 * Every UTF-8 byte is percent-encoded (upper-case hex) except
 * `A-Z a-z 0-9 - _ . * /`; so a literal `+` is `%2B`, `~` is `%7E`,
 * `100%.csv` → `100%25.csv`, `한글/x.txt` → `%ED%95%9C%EA%B8%80/x.txt`.
 *
 * A space is `%20`, which is what the Ceph S3 conformance suite
 * (test_bucket_list_encoding_basic: `quux ab/` → `quux%20ab/`) holds S3 to.
 * `%20` also decodes right with every client decoder (botocore's
 * unquote_plus, Go's QueryUnescape, Java's URLDecoder, JS's
 * decodeURIComponent), where `+` fools the plain URI decoders. Amazon S3 has
 * been seen to answer `+` (Java URLEncoder style, as MinIO's s3URLEncode
 * does): `{ spaceAsPlus: true }` gives that form.
 */

const HEX = '0123456789ABCDEF';

function keep(b: number): boolean {
  return (
    (b >= 0x41 && b <= 0x5a) || // A-Z
    (b >= 0x61 && b <= 0x7a) || // a-z
    (b >= 0x30 && b <= 0x39) || // 0-9
    b === 0x2d || // -
    b === 0x5f || // _
    b === 0x2e || // .
    b === 0x2a || // *
    b === 0x2f // /
  );
}

export function uriEncodeForListing(s: string, opts: { spaceAsPlus?: boolean } = {}): string {
  const spaceAsPlus = opts.spaceAsPlus ?? false;
  const bytes = Buffer.from(s, 'utf8');
  let out = '';
  for (const b of bytes) {
    if (keep(b)) out += String.fromCharCode(b);
    else if (b === 0x20 && spaceAsPlus) out += '+';
    else out += `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
}

/** Apply the listing encoding when `encodingType` is 'url', else return s unchanged. */
export function encodeListingValue(s: string, encodingType: 'url' | undefined): string {
  return encodingType === 'url' ? uriEncodeForListing(s) : s;
}
