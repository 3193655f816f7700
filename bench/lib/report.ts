/**
 * Figures, the table and the JSON lines.
 *
 * fraction = how much of the ceiling's performance VaultX reaches:
 *   value / ceiling   for figures where higher is better (MB/s, ops/s)
 *   ceiling / value   for figures where lower is better (latency, bytes)
 * so 1.0 means "as good as the ceiling" either way.
 */
export type Better = 'higher' | 'lower';
export type Op = '>=' | '<=' | '<';

export interface Target {
  op: Op;
  value: number;
  /** how to print it, e.g. "≥ 0.85 × sink" */
  text: string;
  /** compare the fraction instead of the value */
  onFraction?: boolean;
}

export interface Figure {
  scenario: string;
  value: number | null;
  unit: string;
  better: Better;
  ceiling?: number | null;
  ceilingName?: string;
  target?: Target;
  /** printed instead of the value when value is null */
  note?: string;
  /** extra fields for the JSON line */
  extra?: Record<string, unknown>;
  /** digits to print */
  digits?: number;
}

export function fractionOf(f: Figure): number | null {
  if (f.value === null || f.ceiling === null || f.ceiling === undefined || f.ceiling === 0 || f.value === 0) return null;
  return f.better === 'higher' ? f.value / f.ceiling : f.ceiling / f.value;
}

export function metOf(f: Figure): boolean | null {
  if (!f.target || f.value === null) return null;
  const x = f.target.onFraction ? fractionOf(f) : f.value;
  if (x === null) return null;
  switch (f.target.op) {
    case '>=':
      return x >= f.target.value;
    case '<=':
      return x <= f.target.value;
    case '<':
      return x < f.target.value;
  }
}

function fmt(n: number, digits: number): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function fmtValue(v: number | null | undefined, unit: string, digits = 1): string {
  if (v === null || v === undefined) return '—';
  return `${fmt(v, digits)} ${unit}`;
}

export function jsonLine(f: Figure): string {
  const frac = fractionOf(f);
  const met = metOf(f);
  const o: Record<string, unknown> = {
    scenario: f.scenario,
    value: f.value === null ? null : +f.value.toFixed(f.digits ?? 3),
    unit: f.unit,
    ceiling: f.ceiling === undefined || f.ceiling === null ? null : +f.ceiling.toFixed(f.digits ?? 3),
    fraction: frac === null ? null : +frac.toFixed(3),
    target: f.target ? f.target.value : null,
  };
  if (f.target) {
    o.target_op = f.target.op;
    if (f.target.onFraction) o.target_on = 'fraction';
    o.met = met;
  }
  if (f.ceilingName) o.ceiling_name = f.ceilingName;
  if (f.note) o.note = f.note;
  if (f.extra) Object.assign(o, f.extra);
  return JSON.stringify(o);
}

/** CPU share other processes took during the figure's step (set by run.ts) */
export const BUSY_PCT = 10;
export function busy(f: Figure): boolean {
  const o = f.extra?.other_cpu_pct;
  const timed = f.unit === 'MB/s' || f.unit === 'ops/s' || f.unit === 'ms';
  return timed && typeof o === 'number' && o > BUSY_PCT;
}

export function table(figs: Figure[]): string {
  const rows: string[][] = [['scenario', 'VaultX', 'ceiling', 'fraction', 'target', 'met?']];
  for (const f of figs) {
    const d = f.digits ?? 1;
    const frac = fractionOf(f);
    const met = metOf(f);
    rows.push([
      f.scenario,
      (f.value === null ? (f.note ?? '—') : fmtValue(f.value, f.unit, d)) + (busy(f) ? ' *' : ''),
      f.ceiling === undefined || f.ceiling === null ? '—' : `${fmtValue(f.ceiling, f.unit, d)}${f.ceilingName ? ` (${f.ceilingName})` : ''}`,
      frac === null ? '—' : frac.toFixed(2),
      f.target?.text ?? '—',
      met === null ? '—' : met ? 'yes' : 'NO',
    ]);
  }
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => '| ' + r.map((c, i) => c.padEnd(w[i])).join(' | ') + ' |';
  const sep = '|' + w.map((n) => '-'.repeat(n + 2)).join('|') + '|';
  return [line(rows[0]), sep, ...rows.slice(1).map(line)].join('\n');
}

export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
