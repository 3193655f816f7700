/**
 * The chunk collector: deletes a chunk only when nothing refers to it, after
 * the grace period, safe under concurrent uploads of the same chunk and under
 * crashes.
 *
 * Candidates come from two places:
 *  1. g/<id> entries in the metadata (a chunk whose reference count dropped
 *     to 0; written in the same update that removed the last reference);
 *  2. an orphan scan of the chunk store: chunks with no r/ entry at all —
 *     debris of uploads that failed, were aborted or crashed before their
 *     record was committed, so never got a reference (nor a g/ entry).
 * The scan is resumable (a cursor kept across runs) and bounded per run.
 *
 * For each candidate, in this order:
 *  a. metadata check (getChunkRefs): r/<id> absent, and g/<id> — if present —
 *     older than the grace period;
 *  b. chunk-store deleteChunkIfIdle(id, grace): under the chunk's lock, delete
 *     only if the file was not written or dedup-touched within the grace;
 *  c. dropGcCandidate(id) once the chunk is gone (re-checks r/ atomically).
 *
 * Why this is safe:
 *  - An upload that writes chunk X while an unreferenced copy is on disk gets
 *    existed=true, and its commit touches X (mtime = now) under the same
 *    per-chunk lock that (b) takes. So either (b) ran first — X is deleted and
 *    the upload's commit finds no file and stores X anew (existed=false) — or
 *    the touch ran first and (b) sees a fresh mtime and keeps X. After
 *    putChunk returns, X is on disk and stays there for a whole grace period,
 *    within which the upload commits its record (r/<X> > 0) and (a) keeps X
 *    for good. Same for a brand-new chunk: its mtime is its write time.
 *  - Records that reuse chunks without uploading them (CopyObject,
 *    UploadPartCopy) read a record whose chunks are referenced; if that record
 *    is deleted before the copy commits, g/<X> is written at that moment, and
 *    (a) keeps X until g/ is older than the grace period.
 *  - (a) happens right before (b); a reference that appears between them
 *    comes from a writer covered by one of the two points above.
 *  - Crashes: every step is idempotent and the state lives in the metadata
 *    and the chunk files. A crash after (b) and before (c) leaves a g/ entry
 *    whose chunk is missing: the next run finds it absent and drops it. A
 *    crash of an upload leaves an unreferenced chunk: the orphan scan
 *    collects it after the grace period.
 * Hence the one rule for operators: the grace period must exceed the longest
 * time between a chunk's upload and the commit of the record that refers to
 * it (one PUT's duration, one part's upload), and the longest CopyObject.
 * The default (1 h) is generous for both; idle times are measured on the
 * chunk store's own clock, so clock skew between hosts does not shorten it.
 */
import type { ChunkStoreFullApi } from '@vaultx/chunk-store-client';
import type { MetadataApi } from '@vaultx/metadata-client';
import type { GcSummary } from '@vaultx/lifecycle-client';
import type { Logger } from '@vaultx/service-kit';
import { gcBytesFreed, gcChunksDeleted, gcRuns } from './metrics.ts';

export interface CollectorOptions {
  metadata: MetadataApi;
  chunks: ChunkStoreFullApi;
  logger: Logger;
  /** A chunk must be unreferenced and untouched this long before it is deleted. */
  graceMs: number;
  /** Ids per metadata/chunk-store request (default 500). */
  batchSize?: number;
  /** Most g/ candidates looked at per run (default 100,000). */
  maxCandidates?: number;
  /** Most chunks the orphan scan lists per run (default 200,000). */
  maxScan?: number;
  /** Deletes in flight at once (default 4). */
  concurrency?: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class ChunkCollector {
  private readonly batch: number;
  private readonly maxCandidates: number;
  private readonly maxScan: number;
  private readonly concurrency: number;
  /** Where the orphan scan resumes (exclusive); undefined = from the start. */
  private cursor: string | undefined;
  private current: Promise<GcSummary> | undefined;
  private queued: Promise<GcSummary> | undefined;

  constructor(private readonly opts: CollectorOptions) {
    this.batch = opts.batchSize ?? 500;
    this.maxCandidates = opts.maxCandidates ?? 100_000;
    this.maxScan = opts.maxScan ?? 200_000;
    this.concurrency = opts.concurrency ?? 4;
  }

  /** Starts a run unless one is in progress (then returns that one). */
  trigger(): Promise<GcSummary> {
    if (!this.current) {
      this.current = this.runOnce().finally(() => {
        this.current = undefined;
      });
    }
    return this.current;
  }

  /** A run that starts after this call (waits for one in progress; concurrent callers share the next run). */
  runNow(): Promise<GcSummary> {
    if (!this.current) return this.trigger();
    if (!this.queued) {
      this.queued = this.current
        .catch(() => undefined)
        .then(() => {
          this.queued = undefined;
          return this.trigger();
        });
    }
    return this.queued;
  }

  private async runOnce(): Promise<GcSummary> {
    const started = Date.now();
    const s: Mutable<GcSummary> = {
      startedAt: new Date(started).toISOString(),
      durationMs: 0,
      candidates: 0,
      scanned: 0,
      scanComplete: false,
      deleted: 0,
      bytesFreed: 0,
      keptReferenced: 0,
      keptRecent: 0,
      errors: 0,
    };
    const { metadata, chunks, graceMs, logger } = this.opts;

    // 1. g/ candidates, oldest-unreferenced first does not matter: id order, bounded.
    let after: string | undefined;
    while (s.candidates < this.maxCandidates) {
      const page = await metadata.listGcCandidates({ after, limit: this.batch, minAgeMs: graceMs });
      s.candidates += page.candidates.length;
      await this.collect(page.candidates.map((c) => c.id), s);
      if (!page.next) break;
      after = page.next;
    }

    // 2. orphan scan of the chunk store, resuming where the last run stopped.
    let cursor = this.cursor;
    for (;;) {
      if (s.scanned >= this.maxScan) break;
      const page = await chunks.listChunks({ after: cursor, limit: this.batch });
      s.scanned += page.chunks.length;
      // Pre-filter on age (deleteChunkIfIdle re-checks on the chunk store's clock).
      const old = page.chunks.filter((c) => started - c.mtimeMs >= graceMs).map((c) => c.id);
      await this.collect(old, s);
      if (!page.next) {
        cursor = undefined;
        s.scanComplete = true;
        break;
      }
      cursor = page.next;
    }
    this.cursor = cursor;

    s.durationMs = Date.now() - started;
    gcRuns.inc();
    const level = s.deleted > 0 || s.errors > 0 ? 'info' : 'debug';
    logger[level]({ gc: s }, `chunk GC: freed ${s.deleted} chunks (${s.bytesFreed} bytes)`);
    return s;
  }

  /** Steps a–c for a batch of candidate ids. */
  private async collect(ids: string[], s: Mutable<GcSummary>): Promise<void> {
    if (ids.length === 0) return;
    const { metadata, chunks, graceMs, logger } = this.opts;
    const { chunks: refs } = await metadata.getChunkRefs({ ids: [...new Set(ids)] });
    const eligible: string[] = [];
    for (const r of refs) {
      if (r.refs > 0 || (r.gcAgeMs !== undefined && r.gcAgeMs < graceMs)) s.keptReferenced++;
      else eligible.push(r.id);
    }
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < eligible.length) {
        const id = eligible[next++]!;
        try {
          const d = await chunks.deleteChunkIfIdle(id, graceMs);
          if (d.deleted) {
            s.deleted++;
            s.bytesFreed += d.size;
            gcChunksDeleted.inc();
            gcBytesFreed.inc(d.size);
            logger.debug({ chunkId: id, bytes: d.size }, 'chunk GC: deleted');
          } else if (d.found) {
            s.keptRecent++;
            continue; // keep g/: looked at again next run
          }
          const drop = await metadata.dropGcCandidate({ id });
          if (drop.referenced && d.deleted) {
            // Only possible when a writer broke the grace rule (see the top of this file).
            const st = await chunks.statChunk(id).catch(() => undefined);
            if (!st) logger.error({ chunkId: id }, 'chunk GC: a chunk was referenced again after it was deleted, and is missing');
          }
        } catch (e) {
          s.errors++;
          logger.warn({ err: e, chunkId: id }, 'chunk GC: could not collect a chunk');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, eligible.length) }, worker));
  }
}
