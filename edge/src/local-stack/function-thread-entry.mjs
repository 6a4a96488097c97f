// The functions' thread entry (function-thread.ts starts it). A worker thread does not inherit its
// parent's TypeScript loader on Node 20, so this plain module registers tsx before it loads the
// TypeScript of the thread itself (as store-thread-entry.mjs does).
import { register } from 'tsx/esm/api';

register();
await import('./function-thread-worker.ts');
