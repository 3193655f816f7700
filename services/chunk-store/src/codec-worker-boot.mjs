// Entry point of a codec worker thread: worker threads do not inherit the
// main thread's TypeScript loader, so register tsx here, then load the worker.
import { register } from 'tsx/esm/api';

register();
await import('./codec-worker.ts');
