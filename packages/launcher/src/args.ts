export const SERVICE_NAMES = ['gateway', 'metadata', 'chunk-store', 'lifecycle'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export class UsageError extends Error {}

/** `--services=all` (default) or a comma-separated subset. */
export function parseServices(argv: string[]): Set<ServiceName> {
  let spec = 'all';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--services=')) spec = a.slice('--services='.length);
    else if (a === '--services') spec = argv[++i] ?? '';
    else if (a === '--help' || a === '-h') throw new UsageError('usage: vaultx [--services=all|gateway,metadata,chunk-store,lifecycle]');
    else throw new UsageError(`unknown argument: ${a}`);
  }
  if (spec === 'all') return new Set(SERVICE_NAMES);
  const out = new Set<ServiceName>();
  for (const s of spec.split(',').map((x) => x.trim()).filter(Boolean)) {
    if (!(SERVICE_NAMES as readonly string[]).includes(s)) throw new UsageError(`unknown service: ${s} (expected ${SERVICE_NAMES.join(', ')} or all)`);
    out.add(s as ServiceName);
  }
  if (out.size === 0) throw new UsageError('--services is empty');
  return out;
}
