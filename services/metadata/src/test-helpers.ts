/** Shared by the metadata *.test.ts files: a MetadataService on a real LMDB in a temp dir. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { metadataMethods, type ChunkRef, type MetadataApi, type MetadataMethod, type ObjectRecord } from '@vaultx/metadata-client';
import { openLmdbKv, type MetaKV } from '@vaultx/storage';
import { MetadataService } from './metadata-service.ts';

export interface TestEnv {
  /** The service, with every output checked against its zod output schema. */
  svc: MetadataApi;
  raw: MetadataService;
  kv: MetaKV;
  clock: { now: Date };
  cleanup(): Promise<void>;
}

export async function openTestEnv(): Promise<TestEnv> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vaultx-meta-'));
  const kv = await openLmdbKv(dir);
  const clock = { now: new Date('2025-01-02T03:04:05.678Z') };
  const raw = new MetadataService({ kv, now: () => clock.now });
  const svc = new Proxy(raw, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof prop !== 'string' || !(prop in metadataMethods) || typeof v !== 'function') return v;
      const schema = metadataMethods[prop as MetadataMethod].output;
      return async (input: unknown) => {
        const out = await (v as (i: unknown) => Promise<unknown>).call(target, input);
        // The output must already be exactly what the schema produces (no extra
        // internal fields, no missing defaults).
        assert.deepEqual(schema.parse(out), out, `${prop} output does not match its schema`);
        return out;
      };
    },
  }) as unknown as MetadataApi;
  return {
    svc,
    raw,
    kv,
    clock,
    cleanup: async () => {
      await kv.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** A deterministic chunk id. */
export function cid(name: string | number): string {
  return createHash('sha256').update(String(name)).digest('hex');
}

export function rec(
  bucket: string,
  key: string,
  opts: { etag?: string; chunks?: Array<string | number>; owner?: string; size?: number } = {},
): ObjectRecord {
  const chunks: ChunkRef[] = (opts.chunks ?? []).map((c) => ({ id: typeof c === 'number' ? cid(c) : c, size: 10 }));
  return {
    bucket,
    key,
    size: opts.size ?? chunks.length * 10,
    etag: opts.etag ?? createHash('md5').update(key).digest('hex'),
    lastModified: '2025-01-02T03:04:05.678Z',
    owner: opts.owner ?? 'u-owner',
    storageClass: 'STANDARD',
    headers: { 'content-type': 'application/octet-stream' },
    userMeta: {},
    chunks,
  };
}

/** Asserts a promise rejects with an S3Error of this code (and returns it). */
export async function rejectsCode(p: Promise<unknown>, code: string): Promise<{ code: string; status: number; details: Record<string, unknown> }> {
  let err: unknown;
  await assert.rejects(p, (e: unknown) => {
    err = e;
    assert.equal((e as { code?: string }).code, code, `expected ${code}, got ${String((e as Error)?.message ?? e)}`);
    return true;
  });
  return err as { code: string; status: number; details: Record<string, unknown> };
}
