/**
 * The workspace typechecks (tsc strict, no emit). tsx runs TypeScript without
 * checking types, so without this a type error would only show in an editor.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('tsc -p tsconfig.json reports no errors', async () => {
  const tsc = resolve(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const out = await new Promise<{ code: number; text: string }>((done) => {
    execFile(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: root, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, text: `${stdout}${stderr}` });
    });
  });
  assert.equal(out.code, 0, `tsc found errors:\n${out.text}`);
});
