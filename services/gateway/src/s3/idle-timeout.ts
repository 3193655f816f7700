/**
 * A request body that stops arriving (a client that declared more bytes than
 * it sends, or stalled): S3 gives up after about 20 s without a byte and
 * answers 400 RequestTimeout. Without this the request would wait forever.
 */

/**
 * `source`, failing with `onIdle()` when a read waits longer than `ms`. After a
 * timeout the source is left open, not destroyed: destroying a request
 * destroys its socket, and the error answer could no longer be sent (the
 * caller answers with Connection: close).
 */
export function withIdleTimeout<T>(source: AsyncIterable<T>, ms: number, onIdle: () => Error): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      const it = source[Symbol.asyncIterator]();
      let timedOut = false;
      return {
        next(): Promise<IteratorResult<T>> {
          const pending = it.next();
          let timer: NodeJS.Timeout | undefined;
          const idle = new Promise<never>((_resolve, reject) => {
            timer = setTimeout(() => {
              timedOut = true;
              pending.catch(() => undefined); // settles when the connection closes; nobody waits for it
              reject(onIdle());
            }, ms);
          });
          return Promise.race([pending, idle]).finally(() => clearTimeout(timer));
        },
        async return(value?: unknown): Promise<IteratorResult<T>> {
          if (!timedOut && it.return) return it.return(value);
          return { done: true, value: value as T };
        },
      };
    },
  };
}
