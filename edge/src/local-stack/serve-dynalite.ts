import type { RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MessagePort } from 'node:worker_threads';
import dynalite from 'dynalite';
import { RequestListenerHandler, type InProcessStore } from '../../../contracts/store/in-process-store.js';
import { useExpressionCache } from './dynalite-expression-cache.js';
import { useSyncLevelReads } from './level-sync-reads.js';

export interface EmbeddedStore {
  /** Over HTTP, for other processes and tools: `npm run bans`, a second edge (PBX_DYNAMODB_ENDPOINT), tests. */
  endpoint: string;
  /** The same store for the clients of this process: no socket, no SigV4 (contracts/store/in-process-store.ts). */
  inProcess: InProcessStore;
  /**
   * A port through which another thread of this process reaches the store
   * in-process (store-thread-client.ts storeOverPort). Only a store on its
   * own thread has one; the others use `endpoint`.
   */
  connect?(): MessagePort;
  close(): Promise<void>;
}

/**
 * dynalite on a loopback port and, for this process, the same dynalite
 * through its request listener — the one function both paths reach, so
 * both see one store with one behaviour. Without `path` it keeps its data
 * in memory (tests).
 */
export async function serveDynalite(options: { path?: string; port?: number } = {}): Promise<EmbeddedStore> {
  // On disk, reads are done on this thread rather than through the libuv pool (level-sync-reads.ts).
  if (options.path) useSyncLevelReads();
  // Each expression parsed once, not on every request (dynalite-expression-cache.ts).
  useExpressionCache();
  const server = dynalite({ ...(options.path ? { path: options.path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  // dynalite passes its handler to http.createServer: it is the server's one 'request' listener.
  const listeners = server.listeners('request') as RequestListener[];
  if (listeners.length !== 1) throw new Error(`dynalite: expected one request listener, found ${listeners.length}`);
  const listener = listeners[0]!;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${bound}`;
  const requestHandler = new RequestListenerHandler(listener);
  return {
    endpoint,
    inProcess: { endpoint, requestHandler },
    close: async () => {
      // In-process requests under way finish first, as the HTTP server lets its requests finish; then LevelDB flushes.
      await requestHandler.close();
      await new Promise<void>((resolve, reject) => server.close((err?: Error) => (err ? reject(err) : resolve())));
    },
  };
}
