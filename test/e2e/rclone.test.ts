/**
 * rclone (Debian's, s3 backend, provider Other) against VaultX: copy a small
 * tree up, check it, list it, copy it back down, delete and purge.
 */
import { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startVaultx, wirings, itWithLogs, rclone, bucketName, s3Client, withLogs, type Vaultx, type ExecResult } from './harness.ts';
import { ListObjectsV2Command, HeadBucketCommand } from '@aws-sdk/client-s3';

function ok(r: ExecResult): ExecResult {
  assert.equal(r.code, 0, `rclone failed (exit ${r.code})\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}
function listFiles(dir: string, base = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, base))) {
    const rel = base ? `${base}/${name}` : name;
    if (statSync(join(dir, rel)).isDirectory()) out.push(...listFiles(dir, rel));
    else out.push(rel);
  }
  return out.sort();
}

/** The tree: nested dirs, a 0-byte file, sizes from bytes to a few MiB, unicode and spaces. */
function makeTree(root: string): Record<string, Buffer> {
  const files: Record<string, Buffer> = {
    'readme.txt': Buffer.from('a small tree for rclone\n'),
    'empty.dat': Buffer.alloc(0),
    'docs/guide.md': Buffer.from('# guide\n'.repeat(500)),
    'docs/deeper/still deeper/leaf.bin': randomBytes(3 * 1024),
    'media/photo 1.jpg': randomBytes(700 * 1024),
    'media/video.bin': randomBytes(3 * 1024 * 1024 + 17),
    'données/ünïcödé – 文件.txt': Buffer.from('unicode name\n'),
    'same/a.bin': Buffer.alloc(64 * 1024, 7),
    'same/b.bin': Buffer.alloc(64 * 1024, 7),
  };
  for (const [rel, data] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), data);
  }
  return files;
}

for (const wiring of wirings()) {
  describe(`rclone (${wiring})`, () => {
    let v: Vaultx;
    let work: string;
    let src: string;
    let files: Record<string, Buffer>;
    const test = itWithLogs(() => v);
    const bucket = bucketName('rclone');

    before(withLogs(() => v, async () => {
      v = await startVaultx({ wiring });
      work = mkdtempSync(join(tmpdir(), 'vaultx-e2e-rclone-work-'));
      src = join(work, 'src');
      files = makeTree(src);
    }));
    after(async () => {
      await v?.dispose();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    test('rclone mkdir + copy uploads the tree; listing matches', async () => {
      ok(await rclone(v, ['mkdir', `vx:${bucket}`]));
      const s3 = s3Client(v);
      try {
        await s3.send(new HeadBucketCommand({ Bucket: bucket }));
      } finally {
        s3.destroy();
      }
      ok(await rclone(v, ['copy', src, `vx:${bucket}/tree`]));
      const s3b = s3Client(v);
      try {
        const l = await s3b.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'tree/' }));
        const keys = (l.Contents ?? []).map((c) => (c.Key as string).slice('tree/'.length)).sort();
        assert.deepEqual(keys, Object.keys(files).sort());
        for (const c of l.Contents ?? []) assert.equal(c.Size, files[(c.Key as string).slice(5)].length, c.Key);
      } finally {
        s3b.destroy();
      }
    });

    test('rclone check finds 0 differences (sizes and MD5s)', async () => {
      const r = ok(await rclone(v, ['check', src, `vx:${bucket}/tree`]));
      const all = r.stdout + r.stderr;
      assert.match(all, /0 differences found/);
      assert.match(all, new RegExp(`${Object.keys(files).length} matching files`));
      assert.doesNotMatch(all, /hash.*not.*(supported|available)/i);
      // --download compares the actual bytes
      const d = ok(await rclone(v, ['check', '--download', src, `vx:${bucket}/tree`]));
      assert.match(d.stdout + d.stderr, /0 differences found/);
    });

    test('rclone check notices a changed file', async () => {
      const altered = join(work, 'altered');
      makeTree(altered);
      for (const [rel, data] of Object.entries(files)) writeFileSync(join(altered, rel), data);
      writeFileSync(join(altered, 'readme.txt'), 'A small tree for rclone\n'); // same size, different bytes
      const r = await rclone(v, ['check', altered, `vx:${bucket}/tree`]);
      assert.notEqual(r.code, 0);
      assert.match(r.stdout + r.stderr, /1 differences found/);
    });

    test('rclone ls / lsf list the files with sizes', async () => {
      const r = ok(await rclone(v, ['ls', `vx:${bucket}/tree`]));
      const got = r.stdout
        .trim()
        .split('\n')
        .map((l) => l.trim().match(/^(\d+) (.*)$/))
        .map((m) => [m?.[2], Number(m?.[1])])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
      const want = Object.entries(files)
        .map(([k, d]) => [k, d.length])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
      assert.deepEqual(got, want);
      const dirs = ok(await rclone(v, ['lsf', '--dirs-only', `vx:${bucket}/tree`])).stdout.trim().split('\n').sort();
      assert.deepEqual(dirs, ['docs/', 'données/', 'media/', 'same/']);
    });

    test('rclone copy back down gives identical bytes; a second copy transfers nothing', async () => {
      const down = join(work, 'down');
      ok(await rclone(v, ['copy', `vx:${bucket}/tree`, down]));
      assert.deepEqual(listFiles(down), Object.keys(files).sort());
      for (const [rel, data] of Object.entries(files)) assert.ok(readFileSync(join(down, rel)).equals(data), rel);
      const again = ok(await rclone(v, ['copy', '-v', src, `vx:${bucket}/tree`]));
      assert.doesNotMatch(again.stderr, /: Copied/);
    });

    test('rclone delete and purge', async () => {
      ok(await rclone(v, ['delete', `vx:${bucket}/tree/media`]));
      const r = ok(await rclone(v, ['ls', `vx:${bucket}/tree`]));
      assert.doesNotMatch(r.stdout, /media\//);
      assert.match(r.stdout, /readme\.txt/);
      ok(await rclone(v, ['purge', `vx:${bucket}`]));
      const s3 = s3Client(v);
      try {
        await assert.rejects(s3.send(new HeadBucketCommand({ Bucket: bucket })), (e: any) => e.$metadata?.httpStatusCode === 404);
      } finally {
        s3.destroy();
      }
    });
  });
}
