import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { withIdleTimeout } from './idle-timeout.ts';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('withIdleTimeout', () => {
  it('passes every item through when none is late', async () => {
    async function* src() {
      yield 1;
      await sleep(20);
      yield 2;
    }
    const got: number[] = [];
    for await (const x of withIdleTimeout(src(), 200, () => new Error('idle'))) got.push(x);
    assert.deepEqual(got, [1, 2]);
  });

  it('fails with the given error when a read waits too long, and does not close the source', async () => {
    let returned = false;
    const src: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: () => new Promise<IteratorResult<number>>(() => undefined), // never arrives
        return: async () => {
          returned = true;
          return { done: true, value: undefined };
        },
      }),
    };
    const t0 = Date.now();
    await assert.rejects(async () => {
      for await (const _ of withIdleTimeout(src, 50, () => new Error('idle'))) assert.fail('no item expected');
    }, /idle/);
    assert.ok(Date.now() - t0 >= 45);
    assert.equal(returned, false);
  });

  it('forwards an early exit to the source when nothing timed out', async () => {
    let returned = false;
    async function* src() {
      try {
        yield 1;
        yield 2;
      } finally {
        returned = true;
      }
    }
    for await (const _ of withIdleTimeout(src(), 200, () => new Error('idle'))) break;
    assert.equal(returned, true);
  });
});
