/**
 * `encoding-type=url` for listings.
 *
 * Amazon S3 encodes like Java's URLEncoder with '/' kept: every UTF-8 byte is
 * percent-encoded (upper-case hex) except `A-Z a-z 0-9 - _ . * /`, and a
 * space becomes `+` (so a literal `+` is `%2B`, `~` is `%7E`). Measured against
 * AWS: `a b.txt` → `a+b.txt`, `a+b.txt` → `a%2Bb.txt`, `100%.csv` →
 * `100%25.csv`, `한글/x.txt` → `%ED%95%9C%EA%B8%80/x.txt`. MinIO's
 * s3URLEncode does the same. botocore and rclone decode with
 * unquote_plus / QueryUnescape, which read both `+` and `%20`.
 * (Ceph's s3-tests expect `%20` for a space: pass `{ spaceAsPlus: false }`
 * for that flavour.)
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
  const spaceAsPlus = opts.spaceAsPlus ?? true;
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
