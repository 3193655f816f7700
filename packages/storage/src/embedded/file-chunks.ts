/**
 * ChunkBackend on the local file system, for the embedded run mode.
 *
 * Layout: `<dir>/<ab>/<cd>/<abcd…64 hex>` — one file per chunk named by the
 * SHA-256 of its bytes, under a two-level fan-out (65,536 leaf directories).
 * `<dir>/tmp/` holds chunks being written.
 *
 * Write: stream into `tmp/<random>` while hashing (constant memory: each piece
 * is written before the next one is pulled), fsync the file, then publish it
 * with link(2) under its final name (atomic, fails with EEXIST when an identical
 * chunk is already there: that is dedup, existed=true), fsync the leaf
 * directory, and unlink the temp name. A reader therefore never sees a
 * partial chunk: the final name only ever points at a complete, fsynced file.
 * On file systems without hard links it falls back to rename(2) (same
 * atomicity; concurrent identical writes may then both report existed=false).
 *
 * Crash debris: anything left in `tmp/` is deleted on open. One process per
 * directory (that cleanup would otherwise remove another process's writes).
 */
import { createHash, randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { S3Error } from '@vaultx/s3-protocol';
import type { ChunkBackend, ChunkWriteResult } from '../types.ts';

const ID_RE = /^[0-9a-f]{64}$/;
const FAN_RE = /^[0-9a-f]{2}$/;

function isErrno(e: unknown, ...codes: string[]): boolean {
  return typeof e === 'object' && e !== null && codes.includes((e as NodeJS.ErrnoException).code ?? '');
}

/** fsync a directory so the entries created/renamed in it are durable. */
async function syncDir(dir: string): Promise<void> {
  let fh: fs.FileHandle | undefined;
  try {
    fh = await fs.open(dir, fsConstants.O_RDONLY | (fsConstants.O_DIRECTORY ?? 0));
    await fh.sync();
  } catch (e) {
    // Some platforms/file systems refuse fsync on directories; nothing more we can do there.
    if (!isErrno(e, 'EINVAL', 'EPERM', 'EISDIR', 'EBADF')) throw e;
  } finally {
    await fh?.close();
  }
}

class FileChunkBackend implements ChunkBackend {
  private closed = false;
  private readonly tmpDir: string;
  private useLink = true;

  constructor(private readonly dir: string) {
    this.tmpDir = path.join(dir, 'tmp');
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('ChunkBackend is closed');
  }

  private leafDir(id: string): string {
    return path.join(this.dir, id.slice(0, 2), id.slice(2, 4));
  }

  private chunkPath(id: string): string {
    return path.join(this.leafDir(id), id);
  }

  async write(source: AsyncIterable<Buffer>, expectedId?: string): Promise<ChunkWriteResult> {
    this.checkOpen();
    const tmp = path.join(this.tmpDir, `${Date.now().toString(36)}-${randomBytes(8).toString('hex')}`);
    const hash = createHash('sha256');
    let size = 0;
    let fh: fs.FileHandle | undefined = await fs.open(tmp, 'wx', 0o644);
    try {
      for await (const piece of source) {
        const buf = Buffer.isBuffer(piece) ? piece : Buffer.from(piece as Uint8Array);
        if (buf.length === 0) continue;
        hash.update(buf);
        let off = 0;
        while (off < buf.length) {
          const { bytesWritten } = await fh.write(buf, off, buf.length - off);
          off += bytesWritten;
        }
        size += buf.length;
      }
      await fh.sync();
      await fh.close();
      fh = undefined;

      const id = hash.digest('hex');
      if (expectedId !== undefined && expectedId !== id) {
        throw new S3Error('BadDigest', undefined, { ExpectedChunkId: expectedId, CalculatedChunkId: id });
      }

      const leaf = this.leafDir(id);
      const finalPath = this.chunkPath(id);
      const created = await fs.mkdir(leaf, { recursive: true });
      if (created !== undefined) {
        // New fan-out directories: make their entries durable up to `dir`.
        await syncDir(path.dirname(leaf));
        await syncDir(this.dir);
      }

      const existed = await this.publish(tmp, finalPath, size);
      await syncDir(leaf);
      return { id, size, existed };
    } finally {
      await fh?.close().catch(() => {});
      // After link (or dedup) the temp name is just debris; after rename it is gone.
      await fs.unlink(tmp).catch(() => {});
    }
  }

  /**
   * Gives the complete, fsynced temp file its final name. Returns true when an
   * intact identical chunk was already there (dedup; the temp file is left for
   * the caller to unlink).
   */
  private async publish(tmp: string, finalPath: string, size: number): Promise<boolean> {
    const statOrUndefined = (p: string) =>
      fs.stat(p).catch((e: unknown) => {
        if (isErrno(e, 'ENOENT')) return undefined;
        throw e;
      });
    for (let attempt = 0; ; attempt++) {
      if (this.useLink) {
        try {
          await fs.link(tmp, finalPath); // atomic; EEXIST when already stored
          return false;
        } catch (e) {
          if (isErrno(e, 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EMLINK')) {
            this.useLink = false; // no hard links here: fall back to rename
            continue;
          }
          if (!isErrno(e, 'EEXIST')) throw e;
        }
      } else if ((await statOrUndefined(finalPath)) === undefined) {
        await fs.rename(tmp, finalPath);
        return false;
      }
      // An identical chunk is stored. Paranoia: one of the wrong size (disk
      // damage) is replaced by ours; one deleted meanwhile (GC) is re-published.
      const st = await statOrUndefined(finalPath);
      if (st?.size === size) return true;
      if (st === undefined && attempt < 3) continue;
      await fs.rename(tmp, finalPath);
      return false;
    }
  }

  async read(id: string, range?: { start: number; end: number }): Promise<Readable> {
    this.checkOpen();
    if (!ID_RE.test(id)) throw new S3Error('NoSuchChunk', undefined, { ChunkId: id });
    let fh: fs.FileHandle;
    try {
      fh = await fs.open(this.chunkPath(id), 'r');
    } catch (e) {
      if (isErrno(e, 'ENOENT')) throw new S3Error('NoSuchChunk', undefined, { ChunkId: id });
      throw e;
    }
    if (!range) return fh.createReadStream({ autoClose: true });
    try {
      const { size } = await fh.stat();
      const { start, end } = range;
      if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || start >= size) {
        throw new S3Error('InvalidRange', undefined, { ChunkId: id, ActualObjectSize: size });
      }
      // `end` past the last byte is clamped, as HTTP ranges are.
      return fh.createReadStream({ start, end: Math.min(end, size - 1), autoClose: true });
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  async stat(id: string): Promise<{ size: number } | undefined> {
    this.checkOpen();
    if (!ID_RE.test(id)) return undefined;
    try {
      const st = await fs.stat(this.chunkPath(id));
      return { size: st.size };
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return undefined;
      throw e;
    }
  }

  async delete(id: string): Promise<void> {
    this.checkOpen();
    if (!ID_RE.test(id)) return;
    try {
      await fs.unlink(this.chunkPath(id));
    } catch (e) {
      if (!isErrno(e, 'ENOENT')) throw e;
    }
  }

  /** Every stored chunk id, walking the fan-out (streams; sorted within each directory). */
  async *list(): AsyncIterable<string> {
    this.checkOpen();
    const dirNames = async (p: string): Promise<string[]> => {
      try {
        const entries = await fs.readdir(p, { withFileTypes: true });
        return entries.filter((e) => e.isDirectory() && FAN_RE.test(e.name)).map((e) => e.name).sort();
      } catch (e) {
        if (isErrno(e, 'ENOENT')) return [];
        throw e;
      }
    };
    for (const a of await dirNames(this.dir)) {
      for (const b of await dirNames(path.join(this.dir, a))) {
        let leaf: import('node:fs').Dir;
        try {
          leaf = await fs.opendir(path.join(this.dir, a, b));
        } catch (e) {
          if (isErrno(e, 'ENOENT')) continue;
          throw e;
        }
        for await (const ent of leaf) {
          if (ent.isFile() && ID_RE.test(ent.name) && ent.name.startsWith(a + b)) yield ent.name;
        }
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** Opens (creating if needed) a chunk directory; clears crash debris from `tmp/`. */
export async function openFileChunkBackend(dir: string): Promise<ChunkBackend> {
  const root = path.resolve(dir);
  await fs.mkdir(path.join(root, 'tmp'), { recursive: true });
  for (const name of await fs.readdir(path.join(root, 'tmp'))) {
    await fs.rm(path.join(root, 'tmp', name), { recursive: true, force: true });
  }
  return new FileChunkBackend(root);
}
