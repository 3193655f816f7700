/**
 * Running the real client programs for the large scenarios: a spawn wrapper
 * with a timeout and bounded output capture (long runs print a lot), the aws
 * CLI with its own isolated HOME and config file (e.g. multipart_chunksize),
 * and restic with its environment (keys, password, cache dir) in a temp dir.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AWS_CLI, type Vaultx, type ExecResult } from '../harness.ts';

const KEEP = 256 * 1024;

function keepTail(acc: string, more: string): string {
  const s = acc + more;
  return s.length > KEEP ? `…${s.slice(-KEEP)}` : s;
}

/** Runs a program; resolves with its exit code (-1 on timeout/spawn error) and the last 256 KiB of each output. */
export function runTool(
  file: string,
  args: string[],
  opts: { env: Record<string, string>; cwd?: string; timeoutMs: number },
): Promise<ExecResult & { ms: number }> {
  const started = Date.now();
  return new Promise((res) => {
    const child = spawn(file, args, { env: opts.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout = keepTail(stdout, d)));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = keepTail(stderr, d)));
    const timer = setTimeout(() => {
      timedOut = true;
      // only the process we started, by its pid
      if (child.pid !== undefined) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }, opts.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      res({ code: -1, stdout, stderr: `${stderr}\nspawn error: ${err.message}`, ms: Date.now() - started });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const note = timedOut ? `\n(killed after ${opts.timeoutMs} ms timeout)` : signal ? `\n(killed by ${signal})` : '';
      res({ code: timedOut || code === null ? -1 : code, stdout, stderr: stderr + note, ms: Date.now() - started });
    });
  });
}

/** Makes an isolated HOME for the aws CLI with the given `s3 =` settings; returns the directory. */
export function awsHome(root: string, s3Settings: Record<string, string>): string {
  const home = join(root, 'aws-home');
  mkdirSync(join(home, '.aws'), { recursive: true });
  const s3 = Object.entries({ addressing_style: 'path', ...s3Settings })
    .map(([k, val]) => `  ${k} = ${val}\n`)
    .join('');
  writeFileSync(join(home, '.aws', 'config'), `[default]\nregion = us-east-1\noutput = json\ns3 =\n${s3}`);
  writeFileSync(join(home, '.aws', 'credentials'), '');
  return home;
}

/** Runs Debian's aws CLI v2 with HOME (and its config) set to home, against v. */
export function awsCliIn(home: string, v: Vaultx, args: string[], timeoutMs: number): Promise<ExecResult & { ms: number }> {
  const env: Record<string, string> = {
    PATH: '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    PYTHONIOENCODING: 'utf-8',
    TMPDIR: tmpdir(),
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
    AWS_ACCESS_KEY_ID: v.accessKeyId,
    AWS_SECRET_ACCESS_KEY: v.secretAccessKey,
    AWS_DEFAULT_REGION: v.region,
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  return runTool(AWS_CLI, [...args, '--endpoint-url', v.endpoint], { env, timeoutMs });
}

export const RESTIC_PASSWORD = 'vaultx-e2e-restic-password';

/** Runs Debian's restic with the repository at s3:<endpoint>/<bucket>/<prefix>; cache and HOME under root. */
export function restic(
  v: Vaultx,
  root: string,
  repo: string,
  args: string[],
  opts: { cwd?: string; timeoutMs: number },
): Promise<ExecResult & { ms: number }> {
  const home = join(root, 'restic-home');
  mkdirSync(join(home, 'cache'), { recursive: true });
  const env: Record<string, string> = {
    PATH: '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    TMPDIR: tmpdir(),
    AWS_ACCESS_KEY_ID: v.accessKeyId,
    AWS_SECRET_ACCESS_KEY: v.secretAccessKey,
    RESTIC_PASSWORD,
    RESTIC_CACHE_DIR: join(home, 'cache'),
    RESTIC_REPOSITORY: `s3:${v.endpoint}/${repo}`,
  };
  return runTool('restic', args, { env, cwd: opts.cwd, timeoutMs: opts.timeoutMs });
}
