/**
 * VaultX configuration: read from the environment once, validated with zod.
 * Every variable is documented in .env.example and the README.
 */
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const optionalUrl = z
  .string()
  .url()
  .optional()
  .or(z.literal('').transform(() => undefined));
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

const ConfigSchema = z.object({
  VAULTX_BIND: z.string().default('0.0.0.0'),
  VAULTX_S3_PORT: port.default(9000),
  VAULTX_ADMIN_PORT: port.default(9001),
  VAULTX_METADATA_PORT: port.default(9100),
  VAULTX_CHUNK_STORE_PORT: port.default(9200),
  VAULTX_LIFECYCLE_PORT: port.default(9300),
  VAULTX_METADATA_URL: optionalUrl,
  VAULTX_CHUNK_STORE_URL: optionalUrl,
  VAULTX_LIFECYCLE_URL: optionalUrl,
  VAULTX_DATA_DIR: z.string().min(1).default('./data'),
  VAULTX_REGION: z.string().regex(/^[a-z0-9-]{1,32}$/).default('us-east-1'),
  /**
   * Comma-separated base domains for virtual-hosted-style addressing: a request
   * to `<bucket>.<domain>` names that bucket (SDKs use this form unless told to
   * use paths). '' turns it off; path-style requests always work.
   */
  VAULTX_DOMAINS: z
    .string()
    .default('localhost')
    .transform((s) => s.split(',').map((d) => d.trim().toLowerCase()).filter((d) => d !== ''))
    .pipe(z.array(z.string().regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/, 'not a domain name'))),
  VAULTX_ROOT_ACCESS_KEY: optionalString.pipe(z.string().min(3).max(128).optional()),
  VAULTX_ROOT_SECRET_KEY: optionalString.pipe(z.string().min(8).max(128).optional()),
  VAULTX_ADMIN_TOKEN: optionalString.pipe(z.string().min(16).optional()),
  VAULTX_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Bytes per chunk; objects are stored as content-addressed chunks of this size. */
  /**
   * 8 MiB, by `pnpm bench` on 2 cores (PUT / GET of 1 GiB, MB/s): 1 MiB 149 / 401,
   * 5 MiB 255 / 632, 8 MiB 241 / 597, 16 MiB 299 / 662 (±15% run to run). Below
   * ~5 MiB per-chunk costs (fsync, open, header) dominate; above, gains are within
   * noise while ranged reads of compressed chunks decode more. 8 MiB makes the
   * aws CLI's default 8 MiB parts (and 5 MiB rclone / lib-storage parts) exactly
   * one chunk each.
   */
  VAULTX_CHUNK_SIZE: z.coerce.number().int().min(64 * 1024).max(64 * 1024 * 1024).default(8 * 1024 * 1024),
  /** The chunk collector deletes a chunk only after it has been unreferenced (and untouched) this long. */
  VAULTX_GC_GRACE_SECONDS: z.coerce.number().int().min(0).max(365 * 24 * 3600).default(3600),
  /** Seconds between collector runs (0 = only on demand: POST /admin/v1/gc/run). */
  VAULTX_GC_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(7 * 24 * 3600).default(300),
  /** Worker threads that hash and compress chunks in the chunk store (0 = on the main thread; default: cores − 1, at least 1). */
  VAULTX_CHUNK_WORKERS: optionalString.pipe(z.coerce.number().int().min(0).max(64).optional()),
  /**
   * Objects up to this size are stored inline with their metadata instead of as
   * chunks: one batched LMDB commit instead of a chunk file's own fsyncs. By
   * `pnpm bench` (4 KiB objects, concurrency 32): inline 8,618 PUT/s, p99 7 ms,
   * 13,813 GET/s; as chunk files 1,602 PUT/s, p99 40 ms, 5,218 GET/s. 32 KiB
   * keeps values within a few LMDB pages; larger sizes were not swept.
   */
  VAULTX_INLINE_MAX_BYTES: z.coerce.number().int().min(0).max(256 * 1024).default(32 * 1024),
  /** Largest single PUT (S3: 5 GiB). */
  VAULTX_MAX_OBJECT_SIZE: z.coerce.number().int().positive().default(5 * 1024 * 1024 * 1024),
  /** A request body with no byte for this long is answered 400 RequestTimeout (S3: about 20 s). */
  VAULTX_BODY_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(20_000),
});

export type Config = {
  bind: string;
  s3Port: number;
  adminPort: number;
  metadataPort: number;
  chunkStorePort: number;
  lifecyclePort: number;
  metadataUrl?: string;
  chunkStoreUrl?: string;
  lifecycleUrl?: string;
  dataDir: string;
  region: string;
  /** Base domains for virtual-hosted-style requests (`bucket.<domain>`), lowercase. */
  domains: string[];
  rootAccessKey?: string;
  rootSecretKey?: string;
  adminToken?: string;
  logLevel: string;
  chunkSize: number;
  inlineMaxBytes: number;
  gcGraceSeconds: number;
  /** undefined = the default (cores − 1, at least 1). */
  chunkWorkers?: number;
  gcIntervalSeconds: number;
  maxObjectSize: number;
  bodyIdleTimeoutMs: number;
};

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if ((e.VAULTX_ROOT_ACCESS_KEY === undefined) !== (e.VAULTX_ROOT_SECRET_KEY === undefined)) {
    throw new ConfigError('invalid configuration: set both VAULTX_ROOT_ACCESS_KEY and VAULTX_ROOT_SECRET_KEY, or neither');
  }
  return {
    bind: e.VAULTX_BIND,
    s3Port: e.VAULTX_S3_PORT,
    adminPort: e.VAULTX_ADMIN_PORT,
    metadataPort: e.VAULTX_METADATA_PORT,
    chunkStorePort: e.VAULTX_CHUNK_STORE_PORT,
    lifecyclePort: e.VAULTX_LIFECYCLE_PORT,
    metadataUrl: e.VAULTX_METADATA_URL,
    chunkStoreUrl: e.VAULTX_CHUNK_STORE_URL,
    lifecycleUrl: e.VAULTX_LIFECYCLE_URL,
    dataDir: e.VAULTX_DATA_DIR,
    region: e.VAULTX_REGION,
    domains: e.VAULTX_DOMAINS,
    rootAccessKey: e.VAULTX_ROOT_ACCESS_KEY,
    rootSecretKey: e.VAULTX_ROOT_SECRET_KEY,
    adminToken: e.VAULTX_ADMIN_TOKEN,
    logLevel: e.VAULTX_LOG_LEVEL,
    chunkSize: e.VAULTX_CHUNK_SIZE,
    inlineMaxBytes: e.VAULTX_INLINE_MAX_BYTES,
    gcGraceSeconds: e.VAULTX_GC_GRACE_SECONDS,
    chunkWorkers: e.VAULTX_CHUNK_WORKERS,
    gcIntervalSeconds: e.VAULTX_GC_INTERVAL_SECONDS,
    maxObjectSize: e.VAULTX_MAX_OBJECT_SIZE,
    bodyIdleTimeoutMs: e.VAULTX_BODY_IDLE_TIMEOUT_MS,
  };
}
