/**
 * What every scenario gets: options, the VaultX server and client, the RSS
 * monitor, a place for figures, and lazily started ceilings.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { Target } from './client.ts';
import type { Figure } from './report.ts';
import type { RssMonitor } from './rss.ts';
import type { VaultxServer } from './servers.ts';

export const KiB = 1024;
export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

export interface Sizes {
  /** single-stream PUT/GET object */
  big: number;
  /** multipart object and part size */
  multipart: number;
  partSize: number;
  partsInFlight: number;
  /** small objects */
  smallSize: number;
  smallConcurrency: number;
  smallMaxOps: number;
  smallMaxSecs: number;
  /** warm-up before each measured phase (seconds) */
  smallWarmupSecs: number;
  /** LIST */
  listKeys: number;
  listPage: number;
  listRuns: number;
  /** dedup: one object, copies */
  dedupSize: number;
  dedupCopies: number;
  /** compression: total logical bytes (split over logs, JSON, CSV) */
  textSize: number;
}

export const FULL: Sizes = {
  big: GiB,
  multipart: GiB,
  partSize: 16 * MiB,
  partsInFlight: 4,
  smallSize: 4 * KiB,
  smallConcurrency: 32,
  smallMaxOps: 20_000,
  smallMaxSecs: 10,
  smallWarmupSecs: 1,
  listKeys: 10_000,
  listPage: 1_000,
  listRuns: 5,
  dedupSize: 100 * MiB,
  dedupCopies: 10,
  textSize: 100 * MiB,
};

export const QUICK: Sizes = {
  ...FULL,
  big: 256 * MiB,
  multipart: 256 * MiB,
  smallMaxOps: 5_000,
  smallMaxSecs: 3,
  smallWarmupSecs: 0.5,
  listKeys: 10_000,
  listRuns: 3,
  dedupSize: 16 * MiB,
  textSize: 12 * MiB,
};

export class WrongBytesError extends Error {}

export interface Ctx {
  quick: boolean;
  sizes: Sizes;
  root: string;
  logDir: string;
  /** where the sink writes and the file server reads (same file system as the VaultX data dir) */
  sinkDir: string;
  vx: VaultxServer;
  /** VaultX through the benchmark client */
  vxt: Target;
  sdk: S3Client;
  rss: RssMonitor;
  figures: Figure[];
  /** state scenarios hand to later ones */
  state: {
    smallBucket?: string;
    smallKeys?: number; // keys obj/0000000 .. obj/<n-1> exist in smallBucket
  };
  log(msg: string): void;
  /** creates a bucket if it does not exist yet */
  ensureBucket(name: string): Promise<void>;
}

export function mb(bytes: number, secs: number): number {
  return bytes / 1e6 / secs;
}

export const now = () => performance.now();
