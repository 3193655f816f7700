/**
 * The client scenarios of issue 4 ("What a user can do when this is done"),
 * with real clients and real sizes, in both wirings:
 *
 *  1. `aws s3 cp` (Debian's aws CLI v2) of a 1 GiB file in 8 MiB parts, up and
 *     back down, byte-identical; head-object shows the ETag `"…-128"`.
 *  2. `rclone copy` + `rclone check` of a tree from 0 B to 300 MiB (multipart
 *     above 5 MiB), copy back, then `rclone sync` of a changed tree.
 *  3. restic: init, backup of a ~200 MiB mixed tree, check --read-data,
 *     restore latest — identical tree.
 *  4. `@aws-sdk/lib-storage` Upload of a 64 MiB stream (default CRC32
 *     checksums) and of a small one (single PUT).
 *
 * All data comes from a seeded AES-CTR PRNG into a temp dir (one copy shared
 * by both wirings); files are hashed while streaming, never read whole.
 * Timings of the slow steps are printed as TAP comments at the end.
 */
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync, unlinkSync, writeFileSync } from 'node:fs';
import { readFile, mkdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { startVaultx, wirings, itWithLogs, rclone, bucketName, s3Client, withLogs, type Vaultx, type ExecResult } from './harness.ts';
import {
  KiB,
  MiB,
  GiB,
  Prng,
  MultipartEtag,
  mulberry32,
  writeRandomFile,
  writeBuffer,
  digestFile,
  digestStream,
  randomReadable,
  logText,
  jsonLines,
  treeManifest,
  diffManifests,
  type FileDigest,
} from './lib/bigdata.ts';
import { awsHome, awsCliIn, restic } from './lib/tools.ts';

/** The sizes the issue names; all of them run in both wirings (~45 s per wiring on the 2-core machine). */
const SZ = {
  cliFile: 1 * GiB,
  rcloneBig: 300 * MiB,
  sdkUpload: 64 * MiB,
};

function ok(what: string, r: ExecResult): ExecResult {
  assert.equal(r.code, 0, `${what} failed (exit ${r.code})\nstdout: ${r.stdout.slice(-4000)}\nstderr: ${r.stderr.slice(-4000)}`);
  return r;
}

const timings: string[] = [];
function timed<T>(label: string, p: Promise<T>): Promise<T> {
  const t0 = Date.now();
  return p.finally(() => timings.push(`${label}: ${((Date.now() - t0) / 1000).toFixed(1)} s`));
}

// ---------------------------------------------------------------------------
// shared test data (generated once, lazily, used by every wiring)

let work = '';
function workDir(): string {
  if (!work) work = mkdtempSync(join(tmpdir(), 'vaultx-e2e-large-'));
  return work;
}

const memo = new Map<string, Promise<unknown>>();
function once<T>(key: string, make: () => Promise<T>): Promise<T> {
  let p = memo.get(key) as Promise<T> | undefined;
  if (!p) {
    p = make();
    memo.set(key, p);
  }
  return p;
}

interface BigFile {
  path: string;
  digest: FileDigest;
  etag8MiB: string;
}
function cliFile(size: number): Promise<BigFile> {
  return once(`cli-${size}`, async () => {
    const path = join(workDir(), `cli-${size}.bin`);
    const etag = new MultipartEtag(8 * MiB);
    const digest = await timed(`generate ${size / MiB} MiB file`, writeRandomFile(path, size, `cli-${size}`, (b) => etag.update(b)));
    return { path, digest, etag8MiB: etag.digest() };
  });
}

/** The rclone tree: the issue's sizes (the biggest one per wiring), nested dirs, a unicode name and names with spaces. */
function rcloneTreeSpec(big: number): Record<string, number> {
  return {
    'empty.bin': 0,
    'one byte.txt': 1,
    'a/b/4k.bin': 4 * KiB,
    'a/100k.bin': 100 * KiB,
    'a/b/c/exactly 5m.bin': 5 * MiB,
    'données/ünïcödé – 文件 5m+1.bin': 5 * MiB + 1,
    'big/64m.bin': 64 * MiB,
    [`big/${big / MiB}m.bin`]: big,
  };
}
interface Tree {
  root: string;
  manifest: Map<string, FileDigest>;
}
function rcloneTree(big: number): Promise<Tree> {
  return once(`rclone-${big}`, async () => {
    const root = join(workDir(), `rclone-src-${big}`);
    const spec = rcloneTreeSpec(big);
    await timed(`generate rclone tree (${big / MiB} MiB max)`, (async () => {
      for (const [rel, size] of Object.entries(spec)) await writeRandomFile(join(root, rel), size, `rclone:${rel}`);
    })());
    return { root, manifest: await treeManifest(root) };
  });
}

/**
 * The restic tree, ~200 MiB: random binaries (one duplicated), text logs and
 * JSON lines (compressible), ~2,000 small files of 1–20 KiB in nested dirs
 * (some duplicated), an empty file and an empty directory.
 */
function resticTree(): Promise<Tree> {
  return once('restic', async () => {
    const root = join(workDir(), 'restic-src');
    await timed('generate restic tree', (async () => {
      for (const [name, size] of [
        ['bin/disk-image.img', 64 * MiB],
        ['bin/archive.tar', 40 * MiB],
        ['bin/video.mp4', 20 * MiB],
        ['bin/db/pages.db', 8 * MiB],
        ['bin/db/wal.log', 3 * MiB + 12345],
      ] as const) {
        await writeRandomFile(join(root, name), size, `restic:${name}`);
      }
      // a duplicate of a large file (restic stores its blobs once)
      await writeRandomFile(join(root, 'backup-of-video/video (copy).mp4'), 20 * MiB, 'restic:bin/video.mp4');
      for (let i = 0; i < 6; i++) await writeBuffer(join(root, `logs/app-${i}.log`), logText((2 + (i % 3)) * MiB + i * 777, 100 + i));
      for (let i = 0; i < 4; i++) await writeBuffer(join(root, `logs/json/events-${i}.jsonl`), jsonLines(2 * MiB + i * 31, 200 + i));
      const r = mulberry32(42);
      const prng = new Prng('restic:small');
      const smalls: string[] = [];
      for (let i = 0; i < 2000; i++) {
        const dir = `small/d${String(i % 25).padStart(2, '0')}/s${i % 4}`;
        const size = 1 * KiB + Math.floor(r() * 19 * KiB);
        const kind = i % 3;
        const name = `${dir}/f${String(i).padStart(4, '0')}.${kind === 0 ? 'bin' : kind === 1 ? 'log' : 'json'}`;
        const data = kind === 0 ? prng.bytes(size) : kind === 1 ? logText(size, 1000 + i) : jsonLines(size, 5000 + i);
        await writeBuffer(join(root, name), data);
        smalls.push(name);
      }
      // duplicates of some small files under other names
      for (let i = 0; i < 50; i++) {
        const from = smalls[(i * 37) % smalls.length];
        await writeBuffer(join(root, `small/dups/${i}-${from.split('/').pop()}`), await readFile(join(root, from)));
      }
      await writeBuffer(join(root, 'small/empty.txt'), Buffer.alloc(0));
      await mkdir(join(root, 'empty-dir'), { recursive: true });
    })());
    return { root, manifest: await treeManifest(root) };
  });
}

after(() => {
  if (work && !process.env.VAULTX_E2E_KEEP) rmSync(work, { recursive: true, force: true });
  if (timings.length > 0) console.log(`# clients-large timings:\n${timings.map((t) => `#   ${t}`).join('\n')}`);
});

// ---------------------------------------------------------------------------

for (const wiring of wirings()) {
  describe(`large client scenarios (${wiring})`, () => {
    let v: Vaultx;
    let s3: S3Client;
    let mine: string; // this wiring's scratch dir (downloads, restores, homes)
    const test = itWithLogs(() => v);

    before(
      withLogs(
        () => v,
        async () => {
          v = await startVaultx({ wiring });
          s3 = s3Client(v);
          mine = mkdtempSync(join(workDir(), `${wiring}-`));
        },
      ),
    );
    after(async () => {
      s3?.destroy();
      await v?.dispose();
      if (mine) rmSync(mine, { recursive: true, force: true });
    });

    // -- 1 ------------------------------------------------------------------
    test(
      `aws s3 cp of ${SZ.cliFile / MiB} MiB in 8 MiB parts, up and back down: byte-identical, ETag "…-${SZ.cliFile / (8 * MiB)}"`,
      async () => {
        const bucket = bucketName('cli-large');
        const src = await cliFile(SZ.cliFile);
        const home = awsHome(mine, { multipart_chunksize: '8MB', multipart_threshold: '8MB' });
        ok('aws s3 mb', await awsCliIn(home, v, ['s3', 'mb', `s3://${bucket}`], 60_000));

        const key = 'large/object.bin';
        const up = await timed(`[${wiring}] aws s3 cp up ${SZ.cliFile / MiB} MiB`, awsCliIn(home, v, ['s3', 'cp', '--no-progress', src.path, `s3://${bucket}/${key}`], 600_000));
        ok('aws s3 cp (upload)', up);

        const head = ok('aws s3api head-object', await awsCliIn(home, v, ['s3api', 'head-object', '--bucket', bucket, '--key', key], 60_000));
        const h = JSON.parse(head.stdout) as { ETag: string; ContentLength: number };
        const parts = SZ.cliFile / (8 * MiB);
        assert.match(h.ETag, new RegExp(`^"[0-9a-f]{32}-${parts}"$`), `multipart ETag with ${parts} parts`);
        assert.equal(h.ETag, src.etag8MiB, 'ETag = md5 of the 8 MiB part MD5s');
        assert.equal(h.ContentLength, SZ.cliFile);

        const down = join(mine, 'cli-down.bin');
        try {
          const d = await timed(`[${wiring}] aws s3 cp down ${SZ.cliFile / MiB} MiB`, awsCliIn(home, v, ['s3', 'cp', '--no-progress', `s3://${bucket}/${key}`, down], 600_000));
          ok('aws s3 cp (download)', d);
          const got = await digestFile(down);
          assert.equal(got.size, src.digest.size, 'downloaded size');
          assert.equal(got.sha256, src.digest.sha256, 'downloaded SHA-256');
        } finally {
          if (existsSync(down)) unlinkSync(down);
        }
        // free the space on the server side before the next scenario
        ok('aws s3 rm', await awsCliIn(home, v, ['s3', 'rm', `s3://${bucket}/${key}`], 60_000));
      },
      { timeout: 900_000 },
    );

    // -- 2 ------------------------------------------------------------------
    test(
      `rclone copy + check of a tree from 0 B to ${SZ.rcloneBig / MiB} MiB (multipart above 5 MiB), copy back, sync a changed tree`,
      async () => {
        const tree = await rcloneTree(SZ.rcloneBig);
        const bucket = bucketName('rclone-large');
        const remote = `vx:${bucket}/tree`;
        // 5 MiB parts; files of 5 MiB and more go multipart (rclone: size >= upload_cutoff)
        const mp = ['--s3-upload-cutoff', '5M', '--s3-chunk-size', '5M'];
        ok('rclone mkdir', await rclone(v, ['mkdir', `vx:${bucket}`]));
        ok('rclone copy', await timed(`[${wiring}] rclone copy up`, rclone(v, ['copy', '--checksum', ...mp, tree.root, remote], { timeoutMs: 600_000 })));

        // what rclone stored: multipart ETags for the big files, with its md5 in X-Amz-Meta-Md5chksum
        const files = [...tree.manifest.entries()].filter(([k]) => !k.endsWith('/'));
        const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'tree/' }));
        const byKey = new Map((listed.Contents ?? []).map((c) => [(c.Key as string).slice('tree/'.length), c]));
        assert.deepEqual([...byKey.keys()].sort(), files.map(([k]) => k).sort());
        for (const [rel, d] of files) {
          const c = byKey.get(rel);
          assert.equal(c?.Size, d.size, `size of ${rel}`);
          if (d.size >= 5 * MiB) {
            const n = Math.ceil(d.size / (5 * MiB));
            assert.match(c?.ETag ?? '', new RegExp(`^"[0-9a-f]{32}-${n}"$`), `${rel} uploaded in ${n} parts`);
            const hd = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `tree/${rel}` }));
            assert.ok(hd.Metadata?.md5chksum, `${rel}: rclone stored its MD5 in metadata (md5chksum): ${JSON.stringify(hd.Metadata)}`);
          } else {
            assert.match(c?.ETag ?? '', /^"[0-9a-f]{32}"$/, `${rel}: single PUT`);
          }
        }

        // check compares sizes and MD5s (the metadata md5 for multipart objects): nothing may go unchecked
        const chk = ok('rclone check', await timed(`[${wiring}] rclone check`, rclone(v, ['check', tree.root, remote], { timeoutMs: 300_000 })));
        const out = chk.stdout + chk.stderr;
        assert.match(out, /: 0 differences found/, out);
        assert.match(out, new RegExp(`: ${files.length} matching files`), out);
        assert.doesNotMatch(out, /hashes could not be checked/, out);

        // copy back down and compare every byte
        const down = join(mine, 'rclone-down');
        try {
          ok('rclone copy (down)', await timed(`[${wiring}] rclone copy down`, rclone(v, ['copy', remote, down], { timeoutMs: 600_000 })));
          assert.deepEqual(diffManifests(tree.manifest, await treeManifest(down)), []);
        } finally {
          rmSync(down, { recursive: true, force: true });
        }

        // sync a changed tree: one multipart file rewritten (same size, new bytes), one file deleted, one added
        const changed = join(mine, 'rclone-changed');
        try {
          ok('local copy', await rclone(v, ['copy', tree.root, changed], { timeoutMs: 300_000 }));
          const modified = 'données/ünïcödé – 文件 5m+1.bin';
          const newDigest = await writeRandomFile(join(changed, modified), 5 * MiB + 1, 'rclone:modified');
          unlinkSync(join(changed, 'a/b/4k.bin'));
          writeFileSync(join(changed, 'a/new file.txt'), 'added by the sync\n');
          // check sees the three changes; the rewritten multipart file by its MD5 (same size)
          const pre = await rclone(v, ['check', changed, remote], { timeoutMs: 300_000 });
          const preOut = pre.stdout + pre.stderr;
          assert.notEqual(pre.code, 0, preOut);
          assert.match(preOut, /: 3 differences found/, preOut);
          assert.match(preOut, /md5 differ/, preOut);
          const sync = ok(
            'rclone sync',
            await timed(`[${wiring}] rclone sync`, rclone(v, ['sync', '-v', '--checksum', ...mp, changed, remote], { timeoutMs: 300_000 })),
          );
          // only the changes were transferred
          assert.match(sync.stderr, new RegExp(`${modified.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: Copied`), sync.stderr);
          assert.match(sync.stderr, /a\/new file\.txt: Copied/);
          assert.match(sync.stderr, /a\/b\/4k\.bin: Deleted/);
          assert.doesNotMatch(sync.stderr, /big\/.*: Copied/, 'unchanged big files not re-uploaded');

          const chk2 = ok('rclone check after sync', await rclone(v, ['check', changed, remote], { timeoutMs: 300_000 }));
          const out2 = chk2.stdout + chk2.stderr;
          assert.match(out2, /: 0 differences found/, out2);
          assert.match(out2, new RegExp(`: ${files.length} matching files`), out2); // one gone, one added
          assert.doesNotMatch(out2, /hashes could not be checked/, out2);
          const g = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `tree/${modified}` }));
          const gd = await digestStream(g.Body as AsyncIterable<Uint8Array>);
          assert.equal(gd.sha256, newDigest.sha256, 'the modified file has its new bytes');
          const l2 = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'tree/a/b/' }));
          assert.ok(!(l2.Contents ?? []).some((c) => c.Key === 'tree/a/b/4k.bin'), 'deleted file is gone');
        } finally {
          rmSync(changed, { recursive: true, force: true });
        }
        ok('rclone purge', await rclone(v, ['purge', `vx:${bucket}`], { timeoutMs: 120_000 }));
      },
      { timeout: 900_000 },
    );

    // -- 3 ------------------------------------------------------------------
    test(
      'restic init, backup of a ~200 MiB mixed tree, check --read-data, restore latest: identical tree',
      async () => {
        const tree = await resticTree();
        const bucket = bucketName('restic');
        const repo = `${bucket}/repo`;
        const home = join(mine, 'restic');
        const r = (args: string[], timeoutMs = 300_000, cwd?: string) => restic(v, home, repo, args, { timeoutMs, cwd });

        ok('restic init', await timed(`[${wiring}] restic init`, r(['init'])));
        const b = ok('restic backup', await timed(`[${wiring}] restic backup`, r(['backup', '--json', '.'], 600_000, tree.root)));
        const summary = b.stdout
          .split('\n')
          .filter((l) => l.includes('"message_type":"summary"'))
          .map((l) => JSON.parse(l))[0];
        assert.ok(summary, `a backup summary:\n${b.stdout.slice(-2000)}`);
        const nFiles = [...tree.manifest.keys()].filter((k) => !k.endsWith('/')).length;
        assert.equal(summary.total_files_processed, nFiles, 'files processed');

        const chk = ok('restic check --read-data', await timed(`[${wiring}] restic check --read-data`, r(['check', '--read-data'], 600_000)));
        assert.match(chk.stdout, /no errors were found/, chk.stdout + chk.stderr);

        const target = join(mine, 'restic-restore');
        try {
          ok('restic restore', await timed(`[${wiring}] restic restore`, r(['restore', 'latest', '--target', target], 600_000)));
          // `backup .` keeps the directory's absolute path in the snapshot; restore recreates it under target
          const restored = existsSync(join(target, tree.root)) ? join(target, tree.root) : target;
          assert.deepEqual(diffManifests(tree.manifest, await treeManifest(restored)), []);
        } finally {
          rmSync(target, { recursive: true, force: true });
        }
      },
      { timeout: 900_000 },
    );

    // -- 4 ------------------------------------------------------------------
    test(`@aws-sdk/lib-storage Upload of a ${SZ.sdkUpload / MiB} MiB stream with default checksums, and of a small one`, async () => {
      const bucket = bucketName('lib-storage');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));

      // expected values, computed independently from the same PRNG stream: lib-storage cuts 5 MiB parts
      const partSize = 5 * MiB;
      const size = SZ.sdkUpload;
      const n = Math.ceil(size / partSize);
      const etag = new MultipartEtag(partSize);
      const partCrcs = Buffer.alloc(4 * n);
      const g = new Prng('sdk-upload');
      const whole = { sha: createHash('sha256') };
      for (let i = 0; i < n; i++) {
        const piece = g.bytes(Math.min(partSize, size - i * partSize));
        etag.update(piece);
        whole.sha.update(piece);
        partCrcs.writeUInt32BE(zlib.crc32(piece) >>> 0, 4 * i);
      }
      const crcBuf = Buffer.alloc(4);
      crcBuf.writeUInt32BE(zlib.crc32(partCrcs) >>> 0);
      const wantComposite = `${crcBuf.toString('base64')}-${n}`;
      const wantSha = whole.sha.digest('hex');

      const key = 'sdk/large.bin';
      const up = new Upload({ client: s3, params: { Bucket: bucket, Key: key, Body: randomReadable(size, 'sdk-upload') } });
      const done = await timed(`[${wiring}] lib-storage Upload ${size / MiB} MiB`, up.done());
      assert.equal(done.ETag, etag.digest(), `multipart ETag of ${n} parts`);
      assert.equal(done.ChecksumCRC32, wantComposite, 'composite CRC32 in the Complete response');

      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal(got.ContentLength, size);
      const d = await digestStream(got.Body as AsyncIterable<Uint8Array>);
      assert.equal(d.size, size);
      assert.equal(d.sha256, wantSha, 'GetObject returns the same bytes');

      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
      assert.equal(head.ETag, done.ETag);
      assert.equal(head.ChecksumCRC32, wantComposite, 'HeadObject (ChecksumMode ENABLED) returns the composite CRC32');

      // small: under lib-storage's part size it is one PutObject (with a full-object CRC32)
      const smallSize = 3 * MiB + 12345;
      const smallBytes = new Prng('sdk-small').bytes(smallSize);
      const smallCrc = Buffer.alloc(4);
      smallCrc.writeUInt32BE(zlib.crc32(smallBytes) >>> 0);
      const up2 = new Upload({ client: s3, params: { Bucket: bucket, Key: 'sdk/small.bin', Body: randomReadable(smallSize, 'sdk-small', 256 * KiB) } });
      const done2 = await up2.done();
      assert.equal(done2.ETag, `"${createHash('md5').update(smallBytes).digest('hex')}"`, 'single-PUT ETag is the MD5');
      const got2 = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'sdk/small.bin', ChecksumMode: 'ENABLED' }));
      const d2 = await digestStream(got2.Body as AsyncIterable<Uint8Array>);
      assert.equal(d2.sha256, createHash('sha256').update(smallBytes).digest('hex'), 'small object bytes');
      const head2 = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'sdk/small.bin', ChecksumMode: 'ENABLED' }));
      assert.equal(head2.ChecksumCRC32, smallCrc.toString('base64'), 'full-object CRC32 of the small upload');
    }, { timeout: 300_000 });
  });
}
