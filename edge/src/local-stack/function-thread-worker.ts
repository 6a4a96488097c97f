/**
 * The functions' own thread (worker side): the middy-wrapped handlers the
 * edge invokes and the background ones (bus consumers, schedules), with a
 * functions runtime of their own — as a Lambda
 * container has its own — built from the settings the stack's thread hands
 * over. It reaches the embedded store in-process through the port the
 * store's thread answers on, sends what its functions publish and how long
 * each store request took back to the stack's thread, and hears the stack's
 * directory.changed events, so its warm caches drop a changed user, domain
 * or trunk at once, as the stack's own do. Started by
 * function-thread-entry.mjs; speaks function-thread-messages.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { EventBus } from '../../../contracts/bus/event-bus.js';
import { InProcessBus } from '../../../contracts/bus/in-process-bus.js';
import type { FunctionName } from '../../../contracts/function-events.js';
import type { StoreObserver } from '../../../contracts/store/store-timing.js';
import { createBackgroundHandlers, createFunctionHandlers, createFunctionsRuntime, type BackgroundName } from '../../../functions/src/index.js';
import { lambdaContext } from '../invoker/in-process-invoker.js';
import { LOCAL_CDR_WRITE_CONCURRENCY } from './function-host.js';
import type { FromFunctionThread, FunctionThreadData, StoreTiming, ToFunctionThread } from './function-thread-messages.js';
import { storeOverPort } from './store-thread-client.js';

const port = parentPort;
if (!port) throw new Error('function-thread-worker.ts runs as a worker thread (edge/src/local-stack/function-thread.ts)');
const post = (message: FromFunctionThread) => port.postMessage(message);
const data = workerData as FunctionThreadData;

const store = data.storePort && data.storeEndpoint ? storeOverPort(data.storePort, data.storeEndpoint) : undefined;

// Posted before the invocation's result, so the stack's bus has the events when the edge reads the answer.
const bus: EventBus = {
  publish: async (events) => post({ type: 'publish', events }),
};

// One message per turn of this thread's loop, not one per store request.
let timings: StoreTiming[] = [];
const flushTimings = () => {
  if (timings.length === 0) return;
  post({ type: 'store-timings', timings });
  timings = [];
};
const observe: StoreObserver = (operation, seconds, ok) => {
  if (timings.length === 0) setImmediate(flushTimings);
  timings.push([operation, seconds, ok]);
};

const changes = new InProcessBus((err) => console.warn('functions thread: a directory change was not applied:', err instanceof Error ? err.message : err));
const runtime = createFunctionsRuntime({
  store: data.store,
  ...(store ? { inProcessStore: store } : {}),
  storeObserver: observe,
  registrar: data.registrar,
  ...(data.adminToken !== undefined ? { adminToken: data.adminToken } : {}),
  bus,
  directoryChanges: changes,
  cdrWriteConcurrency: LOCAL_CDR_WRITE_CONCURRENCY,
});
type Handler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
const handlers = createFunctionHandlers(runtime) as Record<FunctionName, Handler>;
const background: Record<BackgroundName, Handler> = createBackgroundHandlers(runtime);

const running = new Set<Promise<void>>();
/** How long a closing thread waits for store requests still under way. */
const CLOSE_WAIT_MS = 5_000;

function invoke(id: number, name: string, handler: Handler | undefined, eventText: string): void {
  const run = (async () => {
    try {
      if (!handler) throw new Error(`function ${name} is not available in this build`);
      const result = await handler(JSON.parse(eventText), lambdaContext(name));
      post({ type: 'result', id, result: JSON.stringify(result ?? null) });
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      post({ type: 'error', id, name: error.name, message: error.message });
    }
  })();
  running.add(run);
  void run.finally(() => running.delete(run));
}

port.on('message', (message: ToFunctionThread) => {
  if (message.type === 'invoke') invoke(message.id, message.name, handlers[message.name], message.event);
  else if (message.type === 'run-background') invoke(message.id, message.name, background[message.name], message.event);
  else if (message.type === 'directory-changed') void changes.publish([message.event]);
  else if (message.type === 'close') {
    void (async () => {
      while (running.size > 0) await Promise.allSettled([...running]);
      await changes.drain();
      // A write a function started without waiting for it (fail-to-ban's count) still lands.
      for (let waited = 0; (store?.inFlight ?? 0) > 0 && waited < CLOSE_WAIT_MS; waited += 10) await new Promise((r) => setTimeout(r, 10));
      flushTimings();
      store?.close();
      post({ type: 'closed' });
    })();
  }
});

post({ type: 'ready' });
