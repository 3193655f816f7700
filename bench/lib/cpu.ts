/**
 * How much CPU the rest of the machine used while the benchmark ran. The box
 * is shared (and has 2 cores): a test suite running beside the benchmark
 * skews every figure, so each step reports the CPU that neither the benchmark
 * nor its children used.
 *
 *   other = busy jiffies of the whole machine (/proc/stat)
 *         − CPU of this process, its reaped children (cutime/cstime) and its
 *           live children (/proc/<pid>/stat)
 * expressed as a share of the machine's capacity over the window.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

const TICK_MS = 10; // USER_HZ = 100 on Linux

function machineBusyMs(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]; // cpu  user nice system idle iowait irq softirq steal ...
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const busy = f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] ?? 0);
    return busy * TICK_MS;
  } catch {
    return 0;
  }
}

function procCpuMs(pid: number | 'self', withChildren: boolean): number {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // fields after ")": state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14)
    let t = Number(f[11]) + Number(f[12]);
    if (withChildren) t += Number(f[13]) + Number(f[14]);
    return t * TICK_MS;
  } catch {
    return 0;
  }
}

export interface CpuMark {
  at: number;
  machine: number;
  ours: number;
}

export class OtherLoad {
  constructor(private readonly livePids: () => number[]) {}

  mark(): CpuMark {
    let ours = procCpuMs('self', true);
    for (const p of this.livePids()) ours += procCpuMs(p, false);
    return { at: performance.now(), machine: machineBusyMs(), ours };
  }

  /** percent of the machine (all cores) used by other processes since `m` */
  since(m: CpuMark, now: CpuMark = this.mark()): number {
    const wall = now.at - m.at;
    if (wall <= 0) return 0;
    const other = Math.max(0, now.machine - m.machine - (now.ours - m.ours));
    return (other / (wall * cpus().length)) * 100;
  }
}

/**
 * Waits until other processes use less than `maxPct` % of the machine over a
 * `windowMs` window, for at most `timeoutMs`. Returns the last reading.
 */
export async function waitQuiet(load: OtherLoad, opts: { maxPct: number; windowMs: number; timeoutMs: number; log?: (m: string) => void }): Promise<number> {
  const deadline = performance.now() + opts.timeoutMs;
  let said = false;
  for (;;) {
    const m = load.mark();
    await new Promise((r) => setTimeout(r, opts.windowMs));
    const pct = load.since(m);
    if (pct < opts.maxPct) return pct;
    if (performance.now() >= deadline) {
      opts.log?.(`bench: the machine is still busy (others use ${pct.toFixed(0)}%); going on anyway`);
      return pct;
    }
    if (!said) {
      opts.log?.(`bench: waiting for a quiet machine (others use ${pct.toFixed(0)}% > ${opts.maxPct}%) …`);
      said = true;
    }
  }
}
