/**
 * VaultX test runner.
 *
 * Finds every `*.test.ts` under packages/*\/src, services/*\/src and test/
 * (never inside node_modules), runs them all in one invocation of Node's test
 * runner (TAP to stdout, 2 files at a time, a per-test timeout) and closes with
 * the plain line `N passed, N failed`. Exits non-zero when anything failed or
 * when no test ran.
 *
 * Usage: node --import tsx scripts/run-tests.ts [substring ...]
 *   Each argument keeps only the files whose path contains it
 *   (e.g. `pnpm test test/e2e/sdk`). Env: VAULTX_TEST_CONCURRENCY (default 2),
 *   VAULTX_TEST_TIMEOUT_MS (default 600000; it bounds each test file as a whole,
 *   while e2e tests bound themselves at 120 s each via itWithLogs).
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function walk(dir: string, out: string[]): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
}

function findTestFiles(): string[] {
  const files: string[] = [];
  for (const group of ['packages', 'services']) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const pkg of readdirSync(base).sort()) {
      walk(join(base, pkg, 'src'), files);
    }
  }
  walk(join(root, 'test'), files);
  return files.map((f) => relative(root, f)).sort();
}

const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
let files = findTestFiles();
if (filters.length > 0) files = files.filter((f) => filters.some((s) => f.includes(s)));

if (files.length === 0) {
  console.log('no test files found');
  console.log('0 passed, 0 failed');
  process.exit(1);
}

const concurrency = Number(process.env.VAULTX_TEST_CONCURRENCY ?? 2) || 2;
const timeoutMs = Number(process.env.VAULTX_TEST_TIMEOUT_MS ?? 600_000) || 600_000;

console.log(`# running ${files.length} test file(s), concurrency ${concurrency}`);
for (const f of files) console.log(`#   ${f}`);

const args = [
  '--import',
  'tsx',
  '--test',
  '--test-reporter=tap',
  `--test-concurrency=${concurrency}`,
  `--test-timeout=${timeoutMs}`,
  ...files,
];

const started = Date.now();
const child = spawn(process.execPath, args, {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, FORCE_COLOR: '0' },
});

// The closing TAP lines of Node's runner: `# tests N`, `# pass N`, `# fail N`, ...
const summary: Record<string, number> = {};
let carry = '';
child.stdout.on('data', (buf: Buffer) => {
  process.stdout.write(buf);
  const text = carry + buf.toString('utf8');
  const lines = text.split('\n');
  carry = lines.pop() ?? '';
  for (const line of lines) scan(line);
});

function scan(line: string): void {
  const m = /^# (tests|suites|pass|fail|cancelled|skipped|todo) (\d+)\s*$/.exec(line);
  if (m) summary[m[1]] = Number(m[2]);
}

// Forward Ctrl-C / SIGTERM to the runner so that servers started by tests get stopped.
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => child.kill(sig));
}

child.on('close', (code, signal) => {
  if (carry) scan(carry);
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  const passed = summary.pass ?? 0;
  // cancelled tests (e.g. a file that crashed or timed out) count as failures
  const failed = (summary.fail ?? 0) + (summary.cancelled ?? 0);
  const skipped = (summary.skipped ?? 0) + (summary.todo ?? 0);
  const runnerFailed = code !== 0 || signal !== null;
  console.log(`# finished in ${secs}s (runner exit ${signal ?? code})`);
  const extra = skipped > 0 ? `, ${skipped} skipped` : '';
  // If the runner failed but reported no failing test (e.g. it crashed), still report a failure.
  const shownFailed = runnerFailed && failed === 0 ? 1 : failed;
  console.log(`${passed} passed, ${shownFailed} failed${extra}`);
  process.exit(runnerFailed || failed > 0 || passed === 0 ? 1 : 0);
});
