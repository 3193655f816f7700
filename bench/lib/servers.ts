/**
 * Starting the servers the benchmark measures: VaultX (the launcher with
 * --services=all, embedded default) and the three ceilings, each in its own
 * process, each tracked by pid (see procs.ts).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, sleep, spawnTracked, stopTracked, waitForLine, type Tracked } from './procs.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BENCH_DIR = join(REPO_ROOT, 'bench');

export const CREDS = {
  accessKeyId: 'VXBENCHROOTACCESSKEY',
  secretAccessKey: 'vxBenchRootSecretKey/0123456789abcdefghij',
  adminToken: 'vx-bench-admin-token-0123456789abcdef',
  region: 'us-east-1',
};

/** env without anything VaultX- or Node-option-related from our own environment */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (k.startsWith('VAULTX_') || k === 'NODE_OPTIONS' || k.startsWith('NODE_TEST')) continue;
    env[k] = v;
  }
  return env;
}

export interface VaultxServer {
  proc: Tracked;
  pid: number;
  endpoint: string;
  adminUrl: string;
  dataDir: string;
  logFile: string;
  stop(): Promise<void>;
}

export async function startVaultx(opts: {
  dataDir: string;
  logDir: string;
  cpuProfDir?: string;
  env?: Record<string, string>;
}): Promise<VaultxServer> {
  mkdirSync(opts.dataDir, { recursive: true });
  const s3Port = await freePort();
  let adminPort = await freePort();
  while (adminPort === s3Port) adminPort = await freePort();
  const env = {
    ...cleanEnv(),
    VAULTX_BIND: '127.0.0.1',
    VAULTX_S3_PORT: String(s3Port),
    VAULTX_ADMIN_PORT: String(adminPort),
    VAULTX_DATA_DIR: opts.dataDir,
    VAULTX_REGION: CREDS.region,
    VAULTX_ROOT_ACCESS_KEY: CREDS.accessKeyId,
    VAULTX_ROOT_SECRET_KEY: CREDS.secretAccessKey,
    VAULTX_ADMIN_TOKEN: CREDS.adminToken,
    VAULTX_LOG_LEVEL: 'warn',
    ...(opts.env ?? {}),
  };
  const nodeArgs: string[] = [];
  if (opts.cpuProfDir) {
    mkdirSync(opts.cpuProfDir, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`);
  }
  const logFile = join(opts.logDir, 'vaultx.log');
  const proc = spawnTracked('vaultx', process.execPath, [...nodeArgs, '--import', 'tsx', 'packages/launcher/src/main.ts', '--services=all'], {
    cwd: REPO_ROOT,
    env,
    logFile,
  });
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) throw new Error(`VaultX exited during start; see ${logFile}`);
    try {
      const r = await fetch(`${adminUrl}/health/readiness`, { signal: AbortSignal.timeout(2000) });
      await r.arrayBuffer().catch(() => undefined);
      if (r.status === 200) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`VaultX not ready after 60 s; see ${logFile}`);
    await sleep(100);
  }
  return {
    proc,
    pid: proc.pid,
    endpoint: `http://127.0.0.1:${s3Port}`,
    adminUrl,
    dataDir: opts.dataDir,
    logFile,
    stop: () => stopTracked(proc, 30_000),
  };
}

export type CeilingKind = 'sink' | 'file-server' | 'trivial';

export interface Ceiling {
  kind: CeilingKind;
  proc: Tracked;
  pid: number;
  origin: string;
  stop(): Promise<void>;
}

export async function startCeiling(kind: CeilingKind, opts: { dir?: string; logDir: string }): Promise<Ceiling> {
  const env: Record<string, string> = { ...cleanEnv() };
  if (opts.dir) {
    env.SINK_DIR = opts.dir;
    env.FILE_DIR = opts.dir;
  }
  const proc = spawnTracked(kind, process.execPath, ['--import', 'tsx', join(BENCH_DIR, 'ceilings', `${kind}.ts`)], {
    cwd: REPO_ROOT,
    env,
    logFile: join(opts.logDir, `${kind}.log`),
  });
  const m = await waitForLine(proc, /^READY (\d+)/);
  return { kind, proc, pid: proc.pid, origin: `http://127.0.0.1:${m[1]}`, stop: () => stopTracked(proc, 5_000) };
}
