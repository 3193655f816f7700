/**
 * Cheap tests for "already compressed, do not try": the object's content type
 * (passed by the gateway as a hint) and the magic bytes at the start of a chunk.
 * Anything they let through still faces the trial compression in codec.ts.
 */

const INCOMPRESSIBLE_TYPES = new Set([
  'application/zip',
  'application/x-zip-compressed',
  'application/gzip',
  'application/x-gzip',
  'application/x-7z-compressed',
  'application/x-rar-compressed',
  'application/vnd.rar',
  'application/x-rar',
  'application/x-xz',
  'application/x-bzip2',
  'application/x-bzip',
  'application/zstd',
  'application/x-zstd',
  'application/x-lz4',
  'application/x-lzma',
  'application/x-compress',
  'application/x-brotli',
  'application/java-archive',
  'application/epub+zip',
  'application/vnd.android.package-archive',
  'application/x-apple-diskimage',
  'application/vnd.ms-cab-compressed',
  'font/woff',
  'font/woff2',
]);

/** Image types that are not compressed formats (worth the trial). */
const COMPRESSIBLE_IMAGES = new Set(['image/svg+xml', 'image/bmp', 'image/x-ms-bmp', 'image/tiff', 'image/x-portable-pixmap', 'image/x-icon']);
const COMPRESSIBLE_AUDIO = new Set(['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/aiff', 'audio/x-aiff']);

/** True when a content type names an already-compressed format. */
export function isIncompressibleType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const t = contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (INCOMPRESSIBLE_TYPES.has(t)) return true;
  if (t.startsWith('application/vnd.openxmlformats-officedocument.') || t.startsWith('application/vnd.oasis.opendocument.')) return true; // zip inside
  if (t.startsWith('video/')) return true;
  if (t.startsWith('image/')) return !COMPRESSIBLE_IMAGES.has(t);
  if (t.startsWith('audio/')) return !COMPRESSIBLE_AUDIO.has(t);
  return false;
}

const MAGICS: Array<{ at: number; bytes: number[] }> = [
  { at: 0, bytes: [0x1f, 0x8b] }, // gzip
  { at: 0, bytes: [0x50, 0x4b, 0x03, 0x04] }, // zip (and docx, jar, apk, epub...)
  { at: 0, bytes: [0x50, 0x4b, 0x07, 0x08] }, // zip, spanned
  { at: 0, bytes: [0x28, 0xb5, 0x2f, 0xfd] }, // zstd
  { at: 0, bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] }, // xz
  { at: 0, bytes: [0x42, 0x5a, 0x68] }, // bzip2
  { at: 0, bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] }, // 7z
  { at: 0, bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07] }, // rar
  { at: 0, bytes: [0x04, 0x22, 0x4d, 0x18] }, // lz4 frame
  { at: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] }, // png
  { at: 0, bytes: [0xff, 0xd8, 0xff] }, // jpeg
  { at: 0, bytes: [0x47, 0x49, 0x46, 0x38] }, // gif
  { at: 8, bytes: [0x57, 0x45, 0x42, 0x50] }, // webp (RIFF....WEBP)
  { at: 4, bytes: [0x66, 0x74, 0x79, 0x70] }, // mp4 / mov / heic / avif ('ftyp')
  { at: 0, bytes: [0x1a, 0x45, 0xdf, 0xa3] }, // matroska / webm
  { at: 0, bytes: [0x4f, 0x67, 0x67, 0x53] }, // ogg
  { at: 0, bytes: [0x66, 0x4c, 0x61, 0x43] }, // flac
  { at: 0, bytes: [0x49, 0x44, 0x33] }, // mp3 with ID3
  { at: 0, bytes: [0x77, 0x4f, 0x46, 0x32] }, // woff2
  { at: 0, bytes: [0x77, 0x4f, 0x46, 0x46] }, // woff
];

/** True when `head` (the first bytes of a chunk) starts like a compressed format. */
export function hasCompressedMagic(head: Buffer): boolean {
  for (const m of MAGICS) {
    if (head.length < m.at + m.bytes.length) continue;
    let ok = true;
    for (let i = 0; i < m.bytes.length; i++) {
      if (head[m.at + i] !== m.bytes[i]) {
        ok = false;
        break;
      }
    }
    if (ok) return true;
  }
  return false;
}
