/**
 * Resident memory of a process from /proc/<pid>/status: VmRSS sampled every
 * 100 ms, and VmHWM (the kernel's own high-water mark, which also catches
 * spikes between samples).
 *
 * Per-scenario peaks: at the start of each scenario the monitor folds the
 * current VmHWM into the overall peak, then resets the kernel's mark by
 * writing "5" to /proc/<pid>/clear_refs (Linux ≥ 4.0, our own child), so the
 * VmHWM read at the end of the scenario is that scenario's peak. If the reset
 * is refused, per-scenario peaks fall back to the 100 ms samples alone.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const MiB = 1024 * 1024;

export function procStatus(pid: number): { rss: number; hwm: number; anon: number; file: number } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM'), anon: kb('RssAnon'), file: kb('RssFile') + kb('RssShmem') };
  } catch {
    return undefined;
  }
}

export class RssMonitor {
  private timer: NodeJS.Timeout;
  private overall = 0;
  private scenarioSampled = 0;
  private scenarioAnon = 0;
  private scenarioFileAtPeak = 0;
  private overallAnon = 0;
  /** per scenario: peak RssAnon (sampled) and RssFile+RssShmem at the sampled RSS peak */
  readonly breakdown = new Map<string, { anon: number; fileAtPeak: number }>();
  private current: string | undefined;
  private resetWorks = true;
  readonly perScenario = new Map<string, number>();
  /** measurement windows on CLOCK_MONOTONIC in µs (the clock V8's .cpuprofile timestamps use) */
  readonly windows: Array<{ name: string; startUs: number; endUs: number }> = [];
  private windowStart = 0;

  constructor(readonly pid: number) {
    this.timer = setInterval(() => this.sample(), 100);
    this.timer.unref();
    this.sample();
  }

  private sample(): void {
    const st = procStatus(this.pid);
    if (!st) return;
    if (st.rss > this.scenarioSampled) this.scenarioFileAtPeak = st.file;
    this.scenarioSampled = Math.max(this.scenarioSampled, st.rss);
    this.scenarioAnon = Math.max(this.scenarioAnon, st.anon);
    this.overallAnon = Math.max(this.overallAnon, st.anon);
    this.overall = Math.max(this.overall, st.rss, st.hwm);
  }

  /** Starts a scenario's window (ends the previous one). */
  begin(name: string): void {
    if (this.current) this.end();
    this.sample();
    try {
      writeFileSync(`/proc/${this.pid}/clear_refs`, '5');
    } catch {
      this.resetWorks = false;
    }
    const st = procStatus(this.pid);
    this.scenarioSampled = st?.rss ?? 0;
    this.scenarioAnon = st?.anon ?? 0;
    this.scenarioFileAtPeak = st?.file ?? 0;
    this.current = name;
    this.windowStart = monoUs();
  }

  /** Ends the current scenario's window; returns its peak in bytes. */
  end(): number {
    this.sample();
    const st = procStatus(this.pid);
    const peak = Math.max(this.scenarioSampled, this.resetWorks ? (st?.hwm ?? 0) : 0);
    if (this.current) {
      this.perScenario.set(this.current, Math.max(this.perScenario.get(this.current) ?? 0, peak));
      this.breakdown.set(this.current, { anon: this.scenarioAnon, fileAtPeak: this.scenarioFileAtPeak });
      this.windows.push({ name: this.current, startUs: this.windowStart, endUs: monoUs() });
    }
    this.current = undefined;
    return peak;
  }

  /** Peak sampled RssAnon (heap, stacks, buffers — not file-backed mappings) over the whole life (bytes). */
  peakAnon(): number {
    return this.overallAnon;
  }

  /** Peak over the whole life of the process so far (bytes). */
  peak(): number {
    this.sample();
    return this.overall;
  }

  get resetSupported(): boolean {
    return this.resetWorks;
  }

  stop(): void {
    if (this.current) this.end();
    this.sample();
    clearInterval(this.timer);
  }
}

export const monoUs = () => Number(process.hrtime.bigint() / 1000n);

export const toMiB = (b: number) => b / MiB;
