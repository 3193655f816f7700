/**
 * `pnpm bench` — VaultX's data-path benchmark (issue 4): starts VaultX
 * (embedded default, one process) and the ceilings, runs the scenarios one
 * after another, and prints a table and one JSON line per figure, each VaultX
 * figure beside its ceiling as a fraction. See bench/README.md.
 *
 *   node --import tsx bench/run.ts [--quick] [--only=put,get,...] [--cpu-prof[=dir]]
 *                                  [--tmp=dir] [--keep] [--json-only]
 *
 * Scenarios: put get multipart small-put small-get list dedup compression
 * Exit status: 0 unless the benchmark crashed, VaultX failed a request it
 * should have served, or bytes read back were wrong (a missed target is
 * printed, not a failure).
 */
import { mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Target } from './lib/client.ts';
import { FULL, QUICK, WrongBytesError, type Ctx } from './lib/context.ts';
import { formatTop, profilesIn, readProfile, topOfProfile } from './lib/profile-top.ts';
import { BUSY_PCT, busy, jsonLine, table, type Figure } from './lib/report.ts';
import { procStatus, RssMonitor, toMiB } from './lib/rss.ts';
import { cleanupNow, livePids, registerTempDir } from './lib/procs.ts';
import { OtherLoad, waitQuiet } from './lib/cpu.ts';
import { CREDS, REPO_ROOT, startVaultx } from './lib/servers.ts';
import { runBig } from './scenarios/big.ts';
import { runMultipart } from './scenarios/multipart.ts';
import { runSmall } from './scenarios/small.ts';
import { runList } from './scenarios/list.ts';
import { runDedup } from './scenarios/dedup.ts';
import { runCompression } from './scenarios/compression.ts';

const ALL = ['put', 'get', 'multipart', 'small-put', 'small-get', 'list', 'dedup', 'compression'] as const;
type Scenario = (typeof ALL)[number];

interface Args {
  quick: boolean;
  only: Set<Scenario>;
  cpuProf?: string;
  tmp: string;
  keep: boolean;
  jsonOnly: boolean;
  /** before each step, wait up to this many seconds for other processes to go below 10% CPU */
  waitQuiet: number;
}

function usage(msg?: string): never {
  if (msg) process.stderr.write(`bench: ${msg}\n`);
  process.stderr.write(
    [
      'usage: node --import tsx bench/run.ts [options]',
      '  --quick              smaller sizes (a smoke run of about a minute)',
      `  --only=a,b,...       scenarios to run: ${ALL.join(', ')}`,
      '  --cpu-prof[=dir]     run the VaultX server under node --cpu-prof (profiles kept in dir,',
      '                       default .tmp/bench-profiles/<time>); prints the top self-time functions',
      '  --tmp=dir            where the temp root goes (default: $BENCH_TMPDIR or the OS temp dir)',
      '  --keep               keep the temp root (VaultX data, sink files, logs)',
      '  --json-only          print only the JSON lines',
      '  --wait-quiet[=secs]  before each step wait (up to secs, default 120) until other processes',
      '                       use < 10% of the CPU — for a shared machine',
      'env: BENCH_CPU_PROF_DIR (same as --cpu-prof=dir), BENCH_TMPDIR, BENCH_VAULTX_ENV (extra server env, JSON)',
      '',
    ].join('\n'),
  );
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const a: Args = { quick: false, only: new Set(ALL), tmp: process.env.BENCH_TMPDIR || tmpdir(), keep: false, jsonOnly: false, waitQuiet: 0 };
  if (process.env.BENCH_CPU_PROF_DIR) a.cpuProf = resolve(process.env.BENCH_CPU_PROF_DIR);
  for (const arg of argv) {
    if (arg === '--quick') a.quick = true;
    else if (arg === '--keep') a.keep = true;
    else if (arg === '--json-only') a.jsonOnly = true;
    else if (arg === '--wait-quiet') a.waitQuiet = 120;
    else if (arg.startsWith('--wait-quiet=')) a.waitQuiet = Number(arg.slice('--wait-quiet='.length));
    else if (arg === '--cpu-prof') a.cpuProf = join(REPO_ROOT, '.tmp', 'bench-profiles', new Date().toISOString().replace(/[:.]/g, '-'));
    else if (arg.startsWith('--cpu-prof=')) a.cpuProf = resolve(arg.slice('--cpu-prof='.length));
    else if (arg.startsWith('--tmp=')) a.tmp = resolve(arg.slice('--tmp='.length));
    else if (arg.startsWith('--only=')) {
      const list = arg.slice('--only='.length).split(',').map((s) => s.trim()).filter(Boolean);
      for (const s of list) if (!(ALL as readonly string[]).includes(s)) usage(`unknown scenario "${s}"`);
      a.only = new Set(list as Scenario[]);
    } else if (arg === '--help' || arg === '-h') usage();
    else usage(`unknown option ${arg}`);
  }
  return a;
}

function rssTable(figs: Figure[]): string {
  const rows = [['scenario', 'peak RSS', 'peak RssAnon', 'RssFile at peak', 'target', 'met?']];
  for (const f of figs) {
    const e = f.extra ?? {};
    const met = f.value !== null && f.value <= 200;
    rows.push([
      f.scenario,
      `${f.value?.toFixed(1)} MiB`,
      e.anon_peak_mib !== undefined ? `${e.anon_peak_mib} MiB` : '—',
      e.file_at_peak_mib !== undefined ? `${e.file_at_peak_mib} MiB` : '—',
      '≤ 200 MiB',
      met ? 'yes' : 'NO',
    ]);
  }
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  const line = (r: string[]) => '| ' + r.map((c, i) => String(c).padEnd(w[i])).join(' | ') + ' |';
  return [line(rows[0]), '|' + w.map((n) => '-'.repeat(n + 2)).join('|') + '|', ...rows.slice(1).map(line)].join('\n');
}

/** The mount a path lives on, from /proc/self/mountinfo (longest prefix). */
function mountOf(path: string): string {
  try {
    let best = { mp: '', src: '?', fs: '?' };
    for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
      const f = line.split(' ');
      if (f.length < 10) continue;
      const mp = f[4];
      const dash = f.indexOf('-');
      if ((path === mp || path.startsWith(mp.endsWith('/') ? mp : mp + '/')) && mp.length >= best.mp.length) {
        best = { mp, fs: f[dash + 1], src: f[dash + 2] };
      }
    }
    return `${best.src} (${best.fs}) mounted on ${best.mp}`;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<number> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const args = parseArgs(process.argv.slice(2));
  const sizes = args.quick ? QUICK : FULL;
  let extraEnv: Record<string, string> = {};
  if (process.env.BENCH_VAULTX_ENV) extraEnv = JSON.parse(process.env.BENCH_VAULTX_ENV) as Record<string, string>;
  const log = (m: string) => process.stderr.write(m + '\n');

  mkdirSync(args.tmp, { recursive: true });
  const root = mkdtempSync(join(args.tmp, 'vaultx-bench-'));
  if (!args.keep) registerTempDir(root);
  const dataDir = join(root, 'vaultx-data');
  const sinkDir = join(root, 'sink');
  const logDir = join(root, 'logs');
  for (const d of [dataDir, sinkDir, logDir]) mkdirSync(d, { recursive: true });
  const devData = statSync(dataDir).dev;
  const devSink = statSync(sinkDir).dev;
  if (devData !== devSink) throw new Error(`VaultX data dir and sink dir are on different devices (${devData} vs ${devSink})`);
  const where = mountOf(root);

  const started = Date.now();
  const load = new OtherLoad(livePids);
  const runMark = load.mark();
  log(`bench: ${args.quick ? 'QUICK' : 'full'} run; scenarios: ${[...args.only].join(', ')}`);
  log(`bench: temp root ${root} on ${where}; VaultX data and sink files share it (device ${devData})`);
  if (args.cpuProf) log(`bench: VaultX runs under --cpu-prof, profiles go to ${args.cpuProf} (figures include profiling overhead)`);

  const vx = await startVaultx({ dataDir, logDir, cpuProfDir: args.cpuProf, env: extraEnv });
  log(`bench: VaultX pid ${vx.pid} at ${vx.endpoint}, startup RSS ${toMiB(procStatus(vx.pid)?.rss ?? 0).toFixed(1)} MiB`);
  const rss = new RssMonitor(vx.pid);
  const vxt = new Target({ name: 'vaultx', origin: vx.endpoint, ...CREDS, connections: sizes.smallConcurrency });
  const sdk = new S3Client({
    endpoint: vx.endpoint,
    region: CREDS.region,
    forcePathStyle: true,
    credentials: { accessKeyId: CREDS.accessKeyId, secretAccessKey: CREDS.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const buckets = new Set<string>();
  const figures: Figure[] = [];
  const ctx: Ctx = {
    quick: args.quick,
    sizes,
    root,
    logDir,
    sinkDir,
    vx,
    vxt,
    sdk,
    rss,
    figures,
    state: {},
    log,
    ensureBucket: async (name) => {
      if (buckets.has(name)) return;
      await sdk.send(new CreateBucketCommand({ Bucket: name })).catch((e: { name?: string }) => {
        if (e?.name !== 'BucketAlreadyOwnedByYou') throw e;
      });
      buckets.add(name);
    },
  };

  const failures: string[] = [];
  const otherByStep: string[] = [];
  let wrongBytes = false;
  const has = (s: Scenario) => args.only.has(s);
  const vxDead = () => vx.proc.child.exitCode !== null || vx.proc.child.signalCode !== null;
  const step = async (name: string, fn: () => Promise<void>) => {
    if (vxDead()) {
      figures.push({ scenario: name, value: null, note: 'skipped: VaultX exited', unit: '', better: 'higher' });
      return;
    }
    if (args.waitQuiet > 0) await waitQuiet(load, { maxPct: 10, windowMs: 2000, timeoutMs: args.waitQuiet * 1000, log });
    log(`bench: ${name}`);
    const t0 = Date.now();
    const mark = load.mark();
    const nFigures = figures.length;
    try {
      await fn();
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (e instanceof WrongBytesError) wrongBytes = true;
      failures.push(`${name}: ${msg}`);
      figures.push({ scenario: name, value: null, note: `FAILED: ${msg.slice(0, 80)}`, unit: '', better: 'higher' });
      log(`bench: ${name} FAILED: ${e instanceof Error ? (e.stack ?? msg) : msg}`);
      if (vxDead()) {
        failures.push(`VaultX exited (${vx.proc.child.exitCode ?? vx.proc.child.signalCode}) during ${name}`);
      }
    } finally {
      const other = load.since(mark);
      for (const f of figures.slice(nFigures)) f.extra = { ...(f.extra ?? {}), other_cpu_pct: +other.toFixed(1) };
      otherByStep.push(`${name} ${other.toFixed(0)}%`);
      log(`bench: ${name} took ${((Date.now() - t0) / 1000).toFixed(1)} s; other processes used ${other.toFixed(1)}% of the machine's CPU meanwhile`);
    }
  };

  try {
    if (has('put') || has('get')) await step('put/get', () => runBig(ctx, { put: has('put'), get: has('get') }));
    if (has('multipart')) await step('multipart', () => runMultipart(ctx));
    if (has('small-put') || has('small-get')) await step('small', () => runSmall(ctx, { put: has('small-put'), get: has('small-get') }));
    if (has('list')) await step('list', () => runList(ctx));
    if (has('dedup')) await step('dedup', () => runDedup(ctx));
    if (has('compression')) await step('compression', () => runCompression(ctx));
  } finally {
    rss.stop();
    await vxt.close();
    sdk.destroy();
  }
  const peak = rss.peak();
  log('bench: stopping VaultX …');
  await vx.stop();
  const elapsed = (Date.now() - started) / 1000;
  const otherAll = load.since(runMark);

  // ---- output
  const rssFigures: Figure[] = [...rss.perScenario.entries()].map(([scenario, bytes]) => {
    const b = rss.breakdown.get(scenario);
    return {
      scenario: `rss_${scenario}`,
      value: toMiB(bytes),
      unit: 'MiB',
      better: 'lower' as const,
      target: { op: '<=' as const, value: 200, text: '≤ 200 MiB' },
      extra: b ? { anon_peak_mib: +toMiB(b.anon).toFixed(1), file_at_peak_mib: +toMiB(b.fileAtPeak).toFixed(1) } : undefined,
    };
  });
  const peakFigure: Figure = {
    scenario: 'peak_rss',
    value: toMiB(peak),
    unit: 'MiB',
    better: 'lower',
    target: { op: '<=', value: 200, text: '≤ 200 MiB' },
    extra: {
      per_scenario_mib: Object.fromEntries([...rss.perScenario.entries()].map(([k, v]) => [k, +toMiB(v).toFixed(1)])),
      anon_peak_mib: +toMiB(rss.peakAnon()).toFixed(1),
      per_scenario_method: rss.resetSupported ? 'VmHWM reset per scenario via clear_refs + 100 ms VmRSS samples' : '100 ms VmRSS samples',
    },
  };
  const out: string[] = [];
  if (!args.jsonOnly) {
    out.push('');
    out.push(`VaultX benchmark — ${args.quick ? 'QUICK (reduced sizes; targets are for the full run)' : 'full run'}, ${new Date().toISOString()}`);
    out.push(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, node ${process.version}; data on ${where}`);
    out.push(`client: undici, SigV4 header signing with UNSIGNED-PAYLOAD${args.cpuProf ? '; server under --cpu-prof' : ''}; ${elapsed.toFixed(0)} s`);
    out.push(
      `other processes' CPU during the run: ${otherAll.toFixed(0)}% of the machine (${otherByStep.join(', ')})` +
        (otherAll > 5 ? ' — the machine was not quiet; figures are skewed' : ''),
    );
    out.push('');
    out.push(table([...figures, peakFigure]));
    const skewed = figures.filter(busy);
    if (skewed.length) out.push(`* other processes used more than ${BUSY_PCT}% of the machine's CPU during this step: the figure is skewed`);
    out.push('');
    out.push('peak RSS per scenario (VaultX server; RssAnon = heap/stacks/buffers, RssFile = file-backed pages such as LMDB\'s map and code):');
    out.push(rssTable(rssFigures));
    out.push('');
  }
  for (const f of [...figures, ...rssFigures]) out.push(jsonLine(f));
  out.push(jsonLine(peakFigure));
  process.stdout.write(out.join('\n') + '\n');

  if (args.cpuProf) {
    try {
      // per measured window; threads that were (almost) idle in it are listed in one line
      for (const f of profilesIn(args.cpuProf)) {
        const p = readProfile(f);
        for (const w of rss.windows) {
          const r = topOfProfile(p, 1, w);
          if (r.busy < 0.05 * (r.total || 1) && !/\.0\.\d+\.cpuprofile$/.test(f)) {
            process.stdout.write(`\nprofile ${f}, window "${w.name}": busy ${(r.busy / 1000).toFixed(2)} s of ${(r.total / 1000).toFixed(2)} s (idle thread)\n`);
            continue;
          }
          process.stdout.write('\n' + formatTop(f, 25, w, p) + '\n');
        }
      }
      process.stdout.write(`\nprofiles kept in ${args.cpuProf}; windows (µs, CLOCK_MONOTONIC): ${rss.windows.map((w) => `${w.name} ${w.startUs} ${w.endUs}`).join('; ')}\n`);
    } catch (e) {
      log(`bench: no profile read from ${args.cpuProf}: ${e instanceof Error ? e.message : e}`);
    }
  }
  if (failures.length) {
    log(`bench: ${failures.length} scenario(s) failed${wrongBytes ? ' (WRONG BYTES)' : ''}:`);
    for (const f of failures) log(`  ${f}`);
    try {
      const tail = readFileSync(vx.logFile, 'utf8').split('\n').filter((l) => l.trim()).slice(-20).join('\n');
      if (tail) log(`bench: last lines of the VaultX log:\n${tail}`);
    } catch {
      /* no log */
    }
    if (args.keep) log(`bench: logs kept in ${logDir}`);
    return 1;
  }
  if (args.keep) log(`bench: temp root kept: ${root}`);
  return 0;
}

main().then(
  (code) => {
    cleanupNow();
    process.exit(code);
  },
  (e: unknown) => {
    process.stderr.write(`bench: crashed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    cleanupNow();
    process.exit(1);
  },
);
