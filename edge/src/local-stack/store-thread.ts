/**
 * The embedded store's own thread (worker side): dynalite with its LevelDB,
 * listening on its loopback port for other processes, and answering the
 * stack's in-process requests that store-thread-client.ts posts here
 * through the same request listener (contracts/store/in-process-store.ts).
 * Started by store-thread-entry.mjs; speaks the messages of
 * store-thread-messages.ts.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { HttpRequest } from '@smithy/core/protocols';
import { serveDynalite } from './serve-dynalite.js';
import type { FromStoreThread, StoreThreadRequest, ToStoreThread } from './store-thread-messages.js';

const port = parentPort;
if (!port) throw new Error('store-thread.ts runs as a worker thread (edge/src/local-stack/store-thread-client.ts)');
const post = (message: FromStoreThread) => port.postMessage(message);

const store = await serveDynalite(workerData as { path?: string; port?: number });
post({ type: 'ready', endpoint: store.endpoint });

/** Answers one request on the port it came from (the stack's thread, or a thread that connected). */
function answer(to: Pick<MessagePort, 'postMessage'>, message: StoreThreadRequest): void {
  const reply = (m: FromStoreThread) => to.postMessage(m);
  const { id, method, path, query, headers, body } = message;
  store.inProcess.requestHandler
    .handle(new HttpRequest({ protocol: 'http:', hostname: '127.0.0.1', method, path, query, headers, body }))
    .then(
      ({ response }) => reply({ type: 'response', id, statusCode: response.statusCode, headers: response.headers, body: response.body as Uint8Array }),
      (err: Error & { code?: string }) => reply({ type: 'failed', id, message: err.message, ...(err.code ? { code: err.code } : {}) }),
    );
}

port.on('message', (message: ToStoreThread) => {
  if (message.type === 'close') {
    // Requests under way finish first, then LevelDB flushes (embedded-store.ts close).
    store.close().then(
      () => post({ type: 'closed' }),
      (err: Error) => post({ type: 'closed', error: err.message }),
    );
    return;
  }
  if (message.type === 'connect') {
    const client = message.port;
    client.on('message', (request: StoreThreadRequest) => answer(client, request));
    return;
  }
  answer(port, message);
});
