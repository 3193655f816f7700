/**
 * Bytes on disk under a directory: the sum of file sizes (each inode counted
 * once, so hard links are not double-counted), and the allocated bytes
 * (st_blocks × 512, what `du` reports).
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface DiskUsage {
  files: number;
  bytes: number;
  allocated: number;
}

export async function diskUsage(dir: string): Promise<DiskUsage> {
  const seen = new Set<string>();
  const out: DiskUsage = { files: 0, bytes: 0, allocated: 0 };
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        await walk(p);
      } else if (e.isFile()) {
        try {
          const st = await lstat(p);
          const id = `${st.dev}:${st.ino}`;
          if (seen.has(id)) continue;
          seen.add(id);
          out.files++;
          out.bytes += st.size;
          out.allocated += st.blocks * 512;
        } catch {
          /* vanished */
        }
      }
    }
  };
  await walk(dir);
  return out;
}
