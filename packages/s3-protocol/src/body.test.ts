import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { S3Error } from './errors.ts';
import { readBoundedBody } from './body.ts';

async function* chunks(...parts: (string | Buffer | Uint8Array)[]): AsyncGenerator<string | Buffer | Uint8Array> {
  for (const p of parts) yield p;
}

test('readBoundedBody: concatenates chunks of any kind', async () => {
  const buf = await readBoundedBody(chunks('ab', Buffer.from('cd'), new Uint8Array([0x65, 0x66])), 10);
  assert.equal(buf.toString(), 'abcdef');
});

test('readBoundedBody: empty stream and exact limit', async () => {
  assert.equal((await readBoundedBody(chunks(), 0)).length, 0);
  assert.equal((await readBoundedBody(chunks('12345'), 5)).toString(), '12345');
});

test('readBoundedBody: over the limit throws MaxMessageLengthExceeded (or the given code)', async () => {
  await assert.rejects(readBoundedBody(chunks('123', '456'), 5), (e: unknown) => e instanceof S3Error && e.code === 'MaxMessageLengthExceeded');
  await assert.rejects(readBoundedBody(chunks('123456'), 5, 'MalformedXML'), (e: unknown) => e instanceof S3Error && e.code === 'MalformedXML');
});

test('readBoundedBody: stops pulling as soon as the limit is passed', async () => {
  let pulled = 0;
  async function* endless(): AsyncGenerator<Buffer> {
    for (;;) {
      pulled++;
      yield Buffer.alloc(1024);
    }
  }
  await assert.rejects(readBoundedBody(endless(), 4096));
  assert.equal(pulled, 5);
});

test('readBoundedBody: a Node Readable is not destroyed on overflow', async () => {
  const r = Readable.from([Buffer.alloc(10), Buffer.alloc(10)], { objectMode: false });
  await assert.rejects(readBoundedBody(r, 5));
  assert.equal(r.destroyed, false);
});

test('readBoundedBody: works with a Node Readable', async () => {
  const r = Readable.from([Buffer.from('<a/>')]);
  assert.equal((await readBoundedBody(r, 100)).toString(), '<a/>');
});
