/**
 * Starts and stops real VaultX processes for the end-to-end tests, and gives
 * the tests real clients pointed at them: @aws-sdk/client-s3 (default
 * settings), Debian's aws CLI (/usr/bin/aws), rclone, curl, and the admin API.
 *
 * Wirings:
 *  - single: one process, `--services=all`
 *  - split:  `--services=metadata`, `--services=chunk-store`, then
 *            `--services=gateway` talking to the other two over HTTP.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, openSync, closeSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { it, type TestContext } from 'node:test';
import { S3Client } from '@aws-sdk/client-s3';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const LAUNCHER = 'packages/launcher/src/main.ts';

export type Wiring = 'single' | 'split';

/** Fixed credentials the tests start VaultX with. */
export const TEST_ROOT_ACCESS_KEY = 'VXE2EROOTACCESSKEY01';
export const TEST_ROOT_SECRET_KEY = 'vxE2eRootSecretKey/0123456789abcdefghijkl';
export const TEST_ADMIN_TOKEN = 'vx-e2e-admin-token-0123456789abcdef';
export const TEST_REGION = 'us-east-1';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface StartOptions {
  wiring: Wiring;
  /** data directory to use (kept); default: a new temp dir (removed by dispose()) */
  dataDir?: string;
  env?: Record<string, string>;
  readinessTimeoutMs?: number;
}

interface ProcSpec {
  name: string;
  services: string;
  /** port whose /health/readiness says this process is ready */
  healthPort: number;
}

interface Proc {
  spec: ProcSpec;
  child: ChildProcess;
  exited: Promise<void>;
  alive: boolean;
  exitInfo?: string;
}

export interface Vaultx {
  wiring: Wiring;
  endpoint: string;
  adminUrl: string;
  adminToken: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  dataDir: string;
  ports: { s3: number; admin: number; metadata: number; chunkStore: number };
  /** ports serving /health/* : admin (gateway or single), plus metadata and chunk-store when split */
  healthPorts: Record<string, number>;
  /** pids of the running server processes (gateway last when split) */
  pids: number[];
  /** log of the gateway (split) or the single process */
  logFile: string;
  logFiles: string[];
  /** SIGTERM every process, wait for them to exit (SIGKILL after 15 s) */
  stop(): Promise<void>;
  /** send a signal to every server process at once, or only to the one named (split: 'metadata', 'chunk-store', 'gateway') */
  kill(signal: NodeJS.Signals, only?: string): void;
  /** wait until every process has exited (after kill) */
  waitExit(): Promise<void>;
  /** wait until the named process has exited */
  waitExitOf(name: string): Promise<void>;
  /** stop (if running), then start again on the same ports and data directory */
  restart(): Promise<void>;
  /** stop, then remove the data directory if the harness created it */
  dispose(): Promise<void>;
  /** last lines of every process's log */
  logTail(lines?: number): string;
}

const live = new Set<ChildProcess>();
let exitHooked = false;
function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  const killAll = () => {
    for (const c of live) {
      try {
        c.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  };
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      killAll();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

const handedOut = new Set<number>();
/** A free TCP port on 127.0.0.1 (not handed out before by this process). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((res, rej) => {
      const s = createServer();
      s.once('error', rej);
      s.listen(0, '127.0.0.1', () => {
        const a = s.address();
        const p = typeof a === 'object' && a ? a.port : 0;
        s.close(() => res(p));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

export function wirings(): Wiring[] {
  const all: Wiring[] = ['single', 'split'];
  const env = process.env.VAULTX_E2E_WIRINGS;
  if (!env) return all;
  const wanted = env.split(',').map((s) => s.trim());
  return all.filter((w) => wanted.includes(w));
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function tail(file: string, lines: number): string {
  try {
    const text = readFileSync(file, 'utf8');
    return text
      .split('\n')
      .filter((l) => !/FSTDEP|FastifyWarning|FastifyDeprecation|--trace-warnings/.test(l))
      .slice(-lines - 1)
      .join('\n');
  } catch {
    return '(no log)';
  }
}

async function probe(url: string, timeoutMs = 2000): Promise<number> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer().catch(() => undefined);
    return res.status;
  } catch {
    return 0;
  }
}

export async function startVaultx(opts: StartOptions): Promise<Vaultx> {
  hookExit();
  const created = !opts.dataDir;
  const dataDir = opts.dataDir ?? join(mkdtempSync(join(tmpdir(), `vaultx-e2e-${opts.wiring}-`)), 'data');
  mkdirSync(dataDir, { recursive: true });
  const ports = { s3: await freePort(), admin: await freePort(), metadata: await freePort(), chunkStore: await freePort() };
  const readinessTimeoutMs = opts.readinessTimeoutMs ?? 60_000;

  const baseEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (k.startsWith('VAULTX_') || k.startsWith('NODE_TEST') || k === 'NODE_OPTIONS') continue;
    baseEnv[k] = v;
  }
  Object.assign(baseEnv, {
    VAULTX_BIND: '127.0.0.1',
    VAULTX_S3_PORT: String(ports.s3),
    VAULTX_ADMIN_PORT: String(ports.admin),
    VAULTX_METADATA_PORT: String(ports.metadata),
    VAULTX_CHUNK_STORE_PORT: String(ports.chunkStore),
    VAULTX_DATA_DIR: dataDir,
    VAULTX_REGION: TEST_REGION,
    VAULTX_ROOT_ACCESS_KEY: TEST_ROOT_ACCESS_KEY,
    VAULTX_ROOT_SECRET_KEY: TEST_ROOT_SECRET_KEY,
    VAULTX_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    VAULTX_LOG_LEVEL: 'warn',
  });
  if (opts.wiring === 'split') {
    baseEnv.VAULTX_METADATA_URL = `http://127.0.0.1:${ports.metadata}`;
    baseEnv.VAULTX_CHUNK_STORE_URL = `http://127.0.0.1:${ports.chunkStore}`;
  }
  Object.assign(baseEnv, opts.env ?? {});

  // Groups are started in order; the processes of one group start together.
  const groups: ProcSpec[][] =
    opts.wiring === 'single'
      ? [[{ name: 'all', services: 'all', healthPort: ports.admin }]]
      : [
          [
            { name: 'metadata', services: 'metadata', healthPort: ports.metadata },
            { name: 'chunk-store', services: 'chunk-store', healthPort: ports.chunkStore },
          ],
          [{ name: 'gateway', services: 'gateway', healthPort: ports.admin }],
        ];
  const logFileOf = (name: string) => join(dataDir, `vaultx-${name}.log`);
  const logFiles = groups.flat().map((s) => logFileOf(s.name));
  let procs: Proc[] = [];

  const logTail = (lines = 40) =>
    logFiles
      .filter((f) => existsSync(f))
      .map((f) => `--- ${f} (last ${lines} lines) ---\n${tail(f, lines)}`)
      .join('\n');

  function spawnOne(spec: ProcSpec): Proc {
    const fd = openSync(logFileOf(spec.name), 'a');
    writeFileSync(fd, `\n=== ${new Date().toISOString()} starting --services=${spec.services} ===\n`);
    const child = spawn(process.execPath, ['--import', 'tsx', LAUNCHER, `--services=${spec.services}`], {
      cwd: REPO_ROOT,
      env: baseEnv,
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    live.add(child);
    const p: Proc = { spec, child, alive: true, exited: Promise.resolve() };
    p.exited = new Promise<void>((res) => {
      child.once('exit', (code, signal) => {
        p.alive = false;
        p.exitInfo = signal ? `signal ${signal}` : `code ${code}`;
        live.delete(child);
        res();
      });
      child.once('error', (err) => {
        p.alive = false;
        p.exitInfo = `spawn error ${err.message}`;
        live.delete(child);
        res();
      });
    });
    return p;
  }

  async function waitReady(group: Proc[]): Promise<void> {
    const deadline = Date.now() + readinessTimeoutMs;
    const pending = new Set(group);
    while (pending.size > 0) {
      for (const p of [...pending]) {
        if (!p.alive) {
          throw new Error(`VaultX ${p.spec.name} exited (${p.exitInfo}) before it was ready\n${logTail(60)}`);
        }
        if ((await probe(`http://127.0.0.1:${p.spec.healthPort}/health/readiness`)) === 200) pending.delete(p);
      }
      if (pending.size === 0) break;
      if (Date.now() > deadline) {
        const names = [...pending].map((p) => p.spec.name).join(', ');
        throw new Error(`VaultX (${opts.wiring}) not ready after ${readinessTimeoutMs} ms: ${names}\n${logTail(60)}`);
      }
      await sleep(100);
    }
  }

  async function waitExit(): Promise<void> {
    await Promise.all(procs.map((p) => p.exited));
  }

  async function stop(): Promise<void> {
    const running = procs.filter((p) => p.alive);
    // gateway first, then the services it uses
    for (const p of [...running].reverse()) {
      try {
        p.child.kill('SIGTERM');
      } catch {
        /* gone */
      }
    }
    const timer = setTimeout(() => {
      for (const p of running) if (p.alive) p.child.kill('SIGKILL');
    }, 15_000);
    await waitExit();
    clearTimeout(timer);
  }

  async function start(): Promise<void> {
    procs = [];
    try {
      for (const group of groups) {
        const started = group.map(spawnOne);
        procs.push(...started);
        await waitReady(started);
      }
    } catch (err) {
      await stop();
      throw err;
    }
  }

  try {
    await start();
  } catch (err) {
    // the error carries the log tail; do not leave the temp dir behind
    if (created && !process.env.VAULTX_E2E_KEEP) rmSync(dirname(dataDir), { recursive: true, force: true });
    throw err;
  }

  const v: Vaultx = {
    wiring: opts.wiring,
    endpoint: `http://127.0.0.1:${ports.s3}`,
    adminUrl: `http://127.0.0.1:${ports.admin}`,
    adminToken: TEST_ADMIN_TOKEN,
    accessKeyId: baseEnv.VAULTX_ROOT_ACCESS_KEY,
    secretAccessKey: baseEnv.VAULTX_ROOT_SECRET_KEY,
    region: baseEnv.VAULTX_REGION,
    dataDir,
    ports,
    healthPorts:
      opts.wiring === 'single'
        ? { admin: ports.admin }
        : { admin: ports.admin, metadata: ports.metadata, 'chunk-store': ports.chunkStore },
    get pids() {
      return procs.filter((p) => p.alive && p.child.pid !== undefined).map((p) => p.child.pid as number);
    },
    logFile: logFiles[logFiles.length - 1],
    logFiles,
    stop,
    kill(signal, only) {
      for (const p of procs) if (p.alive && (only === undefined || p.spec.name === only)) p.child.kill(signal);
    },
    waitExit,
    async waitExitOf(name) {
      await Promise.all(procs.filter((p) => p.spec.name === name).map((p) => p.exited));
    },
    async restart() {
      if (procs.some((p) => p.alive)) await stop();
      await start();
    },
    async dispose() {
      await stop();
      if (created && !process.env.VAULTX_E2E_KEEP) rmSync(dirname(dataDir), { recursive: true, force: true });
    },
    logTail,
  };
  return v;
}

// ---------------------------------------------------------------------------
// test helpers

/**
 * `it()` that appends the server's log tail to the error when the test fails.
 * Usage: const test = itWithLogs(() => v); test('name', async () => { ... });
 */
export function itWithLogs(getV: () => Vaultx | undefined) {
  return (name: string, fn: (t: TestContext) => Promise<void> | void, options: { timeout?: number; skip?: boolean | string } = {}) =>
    it(name, { timeout: 120_000, ...options }, async (t) => {
      try {
        await fn(t);
      } catch (err) {
        const v = getV();
        if (v && err instanceof Error) {
          const t = `\n${v.logTail(30)}`;
          err.message += t;
          if (err.stack) err.stack += t;
        }
        throw err;
      }
    });
}

/** Wraps a hook body so that a failure carries the server's log tail. Usage: before(withLogs(() => v, async () => {...})). */
export function withLogs(getV: () => Vaultx | undefined, fn: () => Promise<void> | void): () => Promise<void> {
  return async () => {
    try {
      await fn();
    } catch (err) {
      const v = getV();
      if (v && err instanceof Error) {
        const t = `\n${v.logTail(30)}`;
        err.message += t;
        if (err.stack) err.stack += t;
      }
      throw err;
    }
  };
}

let counter = 0;
/** A fresh, valid bucket name. */
export function bucketName(prefix = 'b'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${randomBytes(3).toString('hex')}`.toLowerCase();
}

export function s3Client(v: Vaultx, creds?: Credentials): S3Client {
  return new S3Client({
    endpoint: v.endpoint,
    region: v.region,
    credentials: creds ?? { accessKeyId: v.accessKeyId, secretAccessKey: v.secretAccessKey },
    forcePathStyle: true,
  });
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number; input?: string }): Promise<ExecResult> {
  return new Promise((res) => {
    const child = execFile(
      file,
      args,
      { env: opts.env, cwd: opts.cwd, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
        res({ code, stdout: String(stdout), stderr: String(stderr) + (err && code === -1 ? `\n${err.message}` : '') });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

let cliHome: string | undefined;
function cliHomeDir(): string {
  if (!cliHome) {
    cliHome = mkdtempSync(join(tmpdir(), 'vaultx-e2e-cli-'));
    mkdirSync(join(cliHome, '.aws'), { recursive: true });
    writeFileSync(
      join(cliHome, '.aws', 'config'),
      '[default]\nregion = us-east-1\noutput = json\ns3 =\n  addressing_style = path\n',
    );
    writeFileSync(join(cliHome, '.aws', 'credentials'), '');
    process.on('exit', () => rmSync(cliHome as string, { recursive: true, force: true }));
  }
  return cliHome;
}

export const AWS_CLI = '/usr/bin/aws';

/** Runs Debian's aws CLI against v with an isolated HOME and config. */
export function awsCli(
  v: Vaultx,
  args: string[],
  opts: { creds?: Credentials; cwd?: string; timeoutMs?: number; input?: string } = {},
): Promise<ExecResult> {
  const home = cliHomeDir();
  const creds = opts.creds ?? { accessKeyId: v.accessKeyId, secretAccessKey: v.secretAccessKey };
  const env: Record<string, string> = {
    PATH: '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    PYTHONIOENCODING: 'utf-8',
    TMPDIR: tmpdir(),
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    AWS_DEFAULT_REGION: v.region,
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  return run(AWS_CLI, [...args, '--endpoint-url', v.endpoint], { env, cwd: opts.cwd, timeoutMs: opts.timeoutMs, input: opts.input });
}

/** Writes an rclone config with a remote named `vx` for v; returns its path. */
export function rcloneConfig(v: Vaultx, creds?: Credentials): string {
  const dir = mkdtempSync(join(tmpdir(), 'vaultx-e2e-rclone-'));
  const c = creds ?? { accessKeyId: v.accessKeyId, secretAccessKey: v.secretAccessKey };
  const file = join(dir, 'rclone.conf');
  writeFileSync(
    file,
    [
      '[vx]',
      'type = s3',
      'provider = Other',
      'env_auth = false',
      `access_key_id = ${c.accessKeyId}`,
      `secret_access_key = ${c.secretAccessKey}`,
      `region = ${v.region}`,
      `endpoint = ${v.endpoint}`,
      'force_path_style = true',
      '',
    ].join('\n'),
  );
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return file;
}

const rcloneConfigs = new WeakMap<Vaultx, string>();
/** Runs rclone with a remote `vx:` pointing at v. Retries are off so failures show. */
export function rclone(v: Vaultx, args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
  let conf = rcloneConfigs.get(v);
  if (!conf) {
    conf = rcloneConfig(v);
    rcloneConfigs.set(v, conf);
  }
  const env: Record<string, string> = { PATH: '/usr/bin:/bin', HOME: cliHomeDir(), LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', TMPDIR: tmpdir() };
  return run('rclone', ['--config', conf, '--retries', '1', '--low-level-retries', '1', '--contimeout', '10s', '--timeout', '60s', ...args], {
    env,
    cwd: opts.cwd,
    timeoutMs: opts.timeoutMs,
  });
}

/** curl a URL; returns the HTTP status, headers and body. */
export async function curl(url: string, extra: string[] = []): Promise<{ status: number; body: Buffer; headers: string; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'vaultx-e2e-curl-'));
  try {
    const out = join(dir, 'body');
    const hdr = join(dir, 'headers');
    const r = await run('curl', ['-sS', '-g', '-o', out, '-D', hdr, '-w', '%{http_code}', ...extra, url], { env: { PATH: '/usr/bin:/bin' } });
    const status = Number(r.stdout.trim());
    return {
      status,
      body: existsSync(out) ? readFileSync(out) : Buffer.alloc(0),
      headers: existsSync(hdr) ? readFileSync(hdr, 'utf8') : '',
      stderr: r.stderr,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface AdminResponse {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/** Calls the admin API. token: default the test admin token; null sends none. rawBody is sent as is. */
export async function adminRequest(
  v: Vaultx,
  method: string,
  path: string,
  body?: unknown,
  opts: { token?: string | null; rawBody?: string } = {},
): Promise<AdminResponse> {
  const headers: Record<string, string> = {};
  const token = opts.token === undefined ? v.adminToken : opts.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let payload: string | undefined;
  if (opts.rawBody !== undefined) payload = opts.rawBody;
  else if (body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(v.adminUrl + path, { method, headers, body: payload });
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Creates a user and an access key through the admin API. */
export async function createUserWithKey(v: Vaultx, name: string): Promise<{ userId: string; creds: Credentials }> {
  const u = await adminRequest(v, 'POST', '/admin/v1/users', { name });
  if (u.status !== 201) throw new Error(`create user ${name}: ${u.status} ${u.text}`);
  const k = await adminRequest(v, 'POST', `/admin/v1/users/${encodeURIComponent(u.json.id)}/keys`, {});
  if (k.status !== 201) throw new Error(`create key for ${name}: ${k.status} ${k.text}`);
  return { userId: u.json.id, creds: { accessKeyId: k.json.accessKeyId, secretAccessKey: k.json.secretAccessKey } };
}
