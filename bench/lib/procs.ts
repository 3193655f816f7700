/**
 * Child processes and temp dirs the benchmark owns, and their cleanup.
 *
 * Every child is spawned through spawnTracked() and remembered by pid; on
 * exit, on SIGINT/SIGTERM/SIGHUP and on a crash, each one still running is
 * killed by its pid (never by name) and every registered temp dir removed.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream, rmSync, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';

const children = new Map<number, ChildProcess>();
const tempDirs = new Set<string>();
let hooked = false;
let cleaned = false;

function killAllNow(): void {
  for (const [pid, c] of children) {
    if (c.exitCode === null && c.signalCode === null) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
  children.clear();
}

export function cleanupNow(): void {
  if (cleaned) return;
  cleaned = true;
  killAllNow();
  for (const d of tempDirs) {
    try {
      rmSync(d, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  }
  tempDirs.clear();
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', cleanupNow);
  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    process.on(sig, () => {
      process.stderr.write(`\nbench: ${sig}, stopping children and removing temp dirs\n`);
      cleanupNow();
      process.exit(code);
    });
  }
}

export function registerTempDir(dir: string): void {
  hook();
  tempDirs.add(dir);
}

export interface Tracked {
  child: ChildProcess;
  pid: number;
  name: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** stdout+stderr written here */
  logFile?: string;
}

export function spawnTracked(name: string, cmd: string, args: string[], opts: SpawnOptions & { logFile?: string }): Tracked {
  hook();
  const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  const pid = child.pid;
  children.set(pid, child);
  let log: WriteStream | undefined;
  if (opts.logFile) {
    log = createWriteStream(opts.logFile);
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
    child.once('exit', (code, signal) => {
      children.delete(pid);
      // let the pipes drain into the log
      setTimeout(() => {
        log?.end();
        res({ code, signal });
      }, 50);
    });
  });
  return { child, pid, name, exited, logFile: opts.logFile };
}

/** SIGTERM (by pid), then SIGKILL after `graceMs`; resolves once it has exited. */
export async function stopTracked(t: Tracked, graceMs = 15_000): Promise<void> {
  if (t.child.exitCode !== null || t.child.signalCode !== null) return;
  try {
    process.kill(t.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(t.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, graceMs);
  await t.exited;
  clearTimeout(timer);
}

/** Resolves with the first stdout line matching `re` (rejects if the child exits first or after timeout). */
export function waitForLine(t: Tracked, re: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString('utf8');
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        const m = re.exec(line);
        if (m) {
          done();
          resolve(m);
          return;
        }
      }
    };
    const onExit = () => {
      done();
      reject(new Error(`${t.name} exited before it was ready`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${t.name} not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      t.child.stdout!.off('data', onData);
      t.child.off('exit', onExit);
    };
    t.child.stdout!.on('data', onData);
    t.child.once('exit', onExit);
  });
}

export async function freePort(): Promise<number> {
  return new Promise<number>((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const p = typeof a === 'object' && a ? a.port : 0;
      s.close(() => res(p));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** pids of the children still running */
export function livePids(): number[] {
  return [...children.keys()];
}
