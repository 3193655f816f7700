/**
 * In the split wiring the chunk collector runs in its own `--services=lifecycle`
 * process, reached by the gateway at VAULTX_LIFECYCLE_URL (the same recipe as
 * test/e2e/dedup-gc.test.ts). This starts one, can SIGKILL it, and restarts it
 * on the same port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LAUNCHER, REPO_ROOT, TEST_ADMIN_TOKEN, TEST_REGION, TEST_ROOT_ACCESS_KEY, TEST_ROOT_SECRET_KEY, sleep, type Vaultx } from '../harness.ts';

export interface LifecycleProc {
  readonly pid: number | undefined;
  readonly port: number;
  alive(): boolean;
  start(): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

export function lifecycleProc(v: Vaultx, port: number, env: Record<string, string>): LifecycleProc {
  const log = path.join(v.dataDir, 'vaultx-lifecycle.log');
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const onExit = () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.on('exit', onExit);

  const alive = () => !!child && child.exitCode === null && child.signalCode === null;

  async function start(): Promise<void> {
    const fd = openSync(log, 'a');
    const childEnv: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      VAULTX_BIND: '127.0.0.1',
      VAULTX_DATA_DIR: v.dataDir,
      VAULTX_REGION: TEST_REGION,
      VAULTX_ROOT_ACCESS_KEY: TEST_ROOT_ACCESS_KEY,
      VAULTX_ROOT_SECRET_KEY: TEST_ROOT_SECRET_KEY,
      VAULTX_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      VAULTX_LOG_LEVEL: 'warn',
      VAULTX_METADATA_URL: `http://127.0.0.1:${v.ports.metadata}`,
      VAULTX_CHUNK_STORE_URL: `http://127.0.0.1:${v.ports.chunkStore}`,
      VAULTX_LIFECYCLE_PORT: String(port),
      ...env,
    };
    const c = spawn(process.execPath, ['--import', 'tsx', LAUNCHER, '--services=lifecycle'], { cwd: REPO_ROOT, env: childEnv, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    child = c;
    exited = new Promise<void>((r) => c.once('exit', () => r()));
    for (let i = 0; i < 600; i++) {
      if (!alive()) throw new Error(`lifecycle exited (${c.exitCode ?? c.signalCode}):\n${readFileSync(log, 'utf8').slice(-4000)}`);
      const ok = await fetch(`http://127.0.0.1:${port}/health/readiness`).then((r) => r.status === 200, () => false);
      if (ok) return;
      await sleep(100);
    }
    throw new Error('lifecycle process not ready after 60 s');
  }

  return {
    get pid() {
      return child?.pid;
    },
    port,
    alive,
    start,
    async kill(signal) {
      if (alive()) child!.kill(signal);
      await exited;
    },
    async stop() {
      if (alive()) {
        child!.kill('SIGTERM');
        const t = setTimeout(() => alive() && child!.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
      }
      process.off('exit', onExit);
    },
  };
}
