/**
 * Root credentials and the admin token: from the environment when set;
 * otherwise generated on first start, stored in the data directory (mode 0600)
 * and printed once. Several processes sharing a data directory race safely:
 * the file is created exclusively and whoever loses reads the winner's.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Config } from '@vaultx/service-kit';

const Stored = z.object({
  rootAccessKey: z.string().min(3),
  rootSecretKey: z.string().min(8),
  adminToken: z.string().min(16),
});
type Stored = z.infer<typeof Stored>;

export interface ResolvedCredentials extends Stored {
  /** True when this process generated them just now (print them once). */
  generated: boolean;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function accessKeyId(): string {
  const b = randomBytes(18);
  return 'VX' + Array.from(b, (x) => ALNUM[x % ALNUM.length]).join('');
}

function generate(): Stored {
  return {
    rootAccessKey: accessKeyId(),
    rootSecretKey: randomBytes(30).toString('base64').replace(/[+/=]/g, 'x').slice(0, 40),
    adminToken: randomBytes(24).toString('hex'),
  };
}

async function readStored(file: string): Promise<Stored> {
  // The winner may still be writing: retry briefly until it parses.
  for (let i = 0; ; i++) {
    try {
      return Stored.parse(JSON.parse(await readFile(file, 'utf8')));
    } catch (e) {
      if (i >= 50) throw new Error(`cannot read ${file}: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

export async function resolveCredentials(config: Config): Promise<ResolvedCredentials> {
  const file = join(config.dataDir, 'credentials.json');
  await mkdir(config.dataDir, { recursive: true });
  let stored: Stored;
  let generated = false;
  try {
    const fresh = generate();
    const fh = await open(file, 'wx', 0o600);
    try {
      await fh.writeFile(JSON.stringify(fresh, null, 2) + '\n');
      await fh.sync();
    } finally {
      await fh.close();
    }
    stored = fresh;
    generated = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    stored = await readStored(file);
  }
  return {
    rootAccessKey: config.rootAccessKey ?? stored.rootAccessKey,
    rootSecretKey: config.rootSecretKey ?? stored.rootSecretKey,
    adminToken: config.adminToken ?? stored.adminToken,
    generated: generated && (config.rootAccessKey === undefined || config.adminToken === undefined),
  };
}
