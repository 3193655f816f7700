/**
 * Prints the top N functions by self time from a V8 .cpuprofile (as written
 * by `node --cpu-prof`), and the same time grouped by source (a workspace
 * package, a node_modules package, node internals, or V8's pseudo-entries
 * like (garbage collector) and (idle)).
 *
 *   node --import tsx bench/lib/profile-top.ts <file.cpuprofile | dir> [N] [startUs endUs]
 *
 * With a window (µs on CLOCK_MONOTONIC — the clock of V8's profile
 * timestamps and of process.hrtime), only samples inside it count; bench/run.ts
 * uses this to show each measured scenario on its own, without server startup.
 *
 * Self time comes from the sample timeline (samples + timeDeltas), so it is
 * milliseconds, not sample counts.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface TopEntry {
  name: string;
  where: string;
  group: string;
  selfMs: number;
  pct: number;
  /** callers by self time spent in this function under them */
  callers: Map<string, number>;
}

function shortUrl(url: string): string {
  if (!url) return '';
  let u = url.startsWith('file://') ? url.slice(7) : url;
  const nm = u.lastIndexOf('/node_modules/');
  if (nm >= 0) return u.slice(nm + '/node_modules/'.length);
  const m = /\/(packages|services|bench|test)\/(.*)$/.exec(u);
  if (m) u = `${m[1]}/${m[2]}`;
  return u;
}

function groupOf(cf: CallFrame): string {
  const u = cf.url;
  if (!u) return cf.functionName.startsWith('(') ? cf.functionName : '(native / builtin)';
  if (u.startsWith('node:')) return 'node internals';
  const nm = u.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = u.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const m = /\/(packages|services)\/([^/]+)\//.exec(u);
  if (m) return `${m[1]}/${m[2]}`;
  return shortUrl(u);
}

export interface Window {
  name: string;
  startUs: number;
  endUs: number;
}

export function topOfProfile(p: CpuProfile, n = 25, win?: Window): { total: number; busy: number; top: TopEntry[]; groups: Array<{ group: string; selfMs: number; pct: number }> } {
  const byId = new Map<number, ProfileNode>(p.nodes.map((x) => [x.id, x]));
  const parent = new Map<number, number>();
  for (const x of p.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
  const self = new Map<number, number>(); // node id → µs
  if (p.samples && p.timeDeltas && p.samples.length === p.timeDeltas.length) {
    // timeDeltas[i] is the time before sample i; attribute the gap after sample i to it
    let t = p.startTime;
    for (let i = 0; i < p.samples.length; i++) {
      t += p.timeDeltas[i];
      if (win && (t < win.startUs || t > win.endUs)) continue;
      const dt = i + 1 < p.timeDeltas.length ? p.timeDeltas[i + 1] : 0;
      self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + Math.max(0, dt));
    }
  } else {
    const per = (p.endTime - p.startTime) / Math.max(1, p.nodes.reduce((s, x) => s + (x.hitCount ?? 0), 0));
    for (const x of p.nodes) self.set(x.id, (x.hitCount ?? 0) * per);
  }
  const agg = new Map<string, TopEntry>();
  const groups = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const cf = node.callFrame;
    const name = cf.functionName || '(anonymous)';
    const where = cf.url ? `${shortUrl(cf.url)}:${cf.lineNumber + 1}` : '';
    const k = `${name}@${where}`;
    const e = agg.get(k) ?? { name, where, group: groupOf(cf), selfMs: 0, pct: 0, callers: new Map<string, number>() };
    e.selfMs += us / 1000;
    const par = byId.get(parent.get(id) ?? -1);
    if (par) {
      const pcf = par.callFrame;
      const pk = `${pcf.functionName || '(anonymous)'}${pcf.url ? ` (${shortUrl(pcf.url)})` : ''}`;
      e.callers.set(pk, (e.callers.get(pk) ?? 0) + us / 1000);
    }
    agg.set(k, e);
    groups.set(e.group, (groups.get(e.group) ?? 0) + us / 1000);
    total += us / 1000;
    if (name === '(idle)') idle += us / 1000;
  }
  const busy = total - idle;
  const top = [...agg.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, n);
  for (const e of top) e.pct = (e.selfMs / total) * 100;
  const g = [...groups.entries()].map(([group, selfMs]) => ({ group, selfMs, pct: (selfMs / total) * 100 })).sort((a, b) => b.selfMs - a.selfMs);
  return { total, busy, top, groups: g };
}

/** "main thread" or "thread N" from node's CPU.<date>.<time>.<pid>.<tid>.<seq>.cpuprofile names */
function threadOf(file: string): string {
  const m = /\.(\d+)\.(\d+)\.(\d+)\.cpuprofile$/.exec(file);
  if (!m) return '';
  return m[2] === '0' ? `pid ${m[1]} main thread` : `pid ${m[1]} worker thread ${m[2]}`;
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

export function formatTop(file: string, n = 25, win?: Window, p: CpuProfile = readProfile(file)): string {
  const r = topOfProfile(p, n, win);
  const lines: string[] = [];
  lines.push(`profile ${file} (${threadOf(file)})${win ? `, window "${win.name}" (${((win.endUs - win.startUs) / 1e6).toFixed(2)} s)` : ', whole life'}`);
  lines.push(`  sampled ${(r.total / 1000).toFixed(2)} s, busy (not idle) ${(r.busy / 1000).toFixed(2)} s`);
  lines.push(`  top ${n} by self time:`);
  lines.push(`    ${'self ms'.padStart(9)} ${'%'.padStart(6)} ${'%busy'.padStart(6)}  function  (where)`);
  for (const e of r.top) {
    const pb = e.name === '(idle)' ? '' : ((e.selfMs / r.busy) * 100).toFixed(1);
    lines.push(`    ${e.selfMs.toFixed(0).padStart(9)} ${e.pct.toFixed(1).padStart(6)} ${pb.padStart(6)}  ${e.name}${e.where ? `  (${e.where})` : ''}`);
    if (e.name.startsWith('(') || e.selfMs < 0.02 * r.busy) continue;
    const callers = [...e.callers.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3);
    if (callers.length) lines.push(`${' '.repeat(30)}← ${callers.map(([c, ms]) => `${c} ${ms.toFixed(0)} ms`).join('; ')}`);
  }
  lines.push('  self time by source:');
  for (const g of r.groups.slice(0, 15)) {
    const pb = g.group === '(idle)' ? '' : ((g.selfMs / r.busy) * 100).toFixed(1);
    lines.push(`    ${g.selfMs.toFixed(0).padStart(9)} ${g.pct.toFixed(1).padStart(6)} ${pb.padStart(6)}  ${g.group}`);
  }
  return lines.join('\n');
}

export function profilesIn(dirOrFile: string): string[] {
  if (statSync(dirOrFile).isFile()) return [dirOrFile];
  return readdirSync(dirOrFile)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dirOrFile, f))
    .sort();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const target = process.argv[2];
  if (!target) {
    process.stderr.write('usage: node --import tsx bench/lib/profile-top.ts <file.cpuprofile | dir> [N]\n');
    process.exit(2);
  }
  const n = Number(process.argv[3] ?? 25);
  // optional window: start and end in µs on CLOCK_MONOTONIC (as printed by bench/run.ts)
  const win = process.argv[4] && process.argv[5] ? { name: 'window', startUs: Number(process.argv[4]), endUs: Number(process.argv[5]) } : undefined;
  for (const f of profilesIn(target)) console.log(formatTop(f, n, win));
}
