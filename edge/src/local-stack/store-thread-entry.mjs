// The store thread's entry (store-thread-client.ts starts it). A worker thread does not inherit its
// parent's TypeScript loader on Node 20, so this plain module registers tsx before it loads the
// TypeScript of the thread itself.
import { register } from 'tsx/esm/api';

register();
await import('./store-thread.ts');
