/**
 * The functions the edge invokes, on a worker thread of their own (issue 14:
 * both cores used). On one thread with the edge they took 40–46 % of its
 * CPU per REGISTER or call (the AWS SDK's pipeline most of it), and the main
 * thread was what saturated first. Here the edge's thread only parses,
 * routes and answers, and the functions run beside it — as Lambda runs them
 * beside the edge in the cloud: the event and the result cross as JSON
 * text, the thread has its own warm caches, and what it publishes reaches
 * the stack's bus. The background functions (CDR batches, trunk status,
 * reaper, rollups) run there too: local-background.ts still collects their
 * batches and keeps their schedules on the stack's thread. Only the admin
 * API stays on the stack's thread (function-host.ts).
 *
 * A function that throws rejects its invocation with the function's error
 * name and message (Lambda's FunctionError). If the thread ends on its own,
 * every invocation under way and every later one fails, and `onExit` says so
 * (the stack logs it as fatal): an edge without functions cannot register or
 * route, and must not look as if it could.
 */
import { Worker } from 'node:worker_threads';
import { DIRECTORY_CHANGED_DETAIL_TYPE } from '../../../contracts/bus/directory-events.js';
import type { InProcessBus } from '../../../contracts/bus/in-process-bus.js';
import type { FunctionEvents, FunctionName, FunctionResults } from '../../../contracts/function-events.js';
import type { BackgroundName } from '../../../functions/src/index.js';
import type { RegistrarSettings } from '../../../contracts/settings/registrar-settings.js';
import type { StoreSettings } from '../../../contracts/settings/store-settings.js';
import type { StoreObserver } from '../../../contracts/store/store-timing.js';
import type { Invoker } from '../invoker/invoker.js';
import type { FromFunctionThread, FunctionThreadData, ToFunctionThread } from './function-thread-messages.js';
import type { BackgroundHandlers } from './local-background.js';
import type { EmbeddedStore } from './serve-dynalite.js';

export interface FunctionThread {
  invoker: Invoker;
  /** The bus consumers and scheduled functions, run on the thread (local-background.ts delivers to them). */
  background: BackgroundHandlers;
  /** Invocations under way answer first; then the thread ends. */
  close(): Promise<void>;
}

export interface FunctionThreadOptions {
  store: StoreSettings;
  registrar: RegistrarSettings;
  adminToken?: string;
  /** The stack's bus: what the functions publish goes there, and its directory.changed events come to the thread. */
  bus: InProcessBus;
  storeObserver?: StoreObserver;
  /** The embedded store, when it has a thread of its own: the functions reach it in-process (else store.dynamoEndpoint). */
  embeddedStore?: Pick<EmbeddedStore, 'connect' | 'endpoint'>;
  /** The thread ended without being closed. */
  onExit?: (err: Error) => void;
}

interface Pending {
  resolve(result: unknown): void;
  reject(err: Error): void;
}

/** Starts the thread; resolves once its functions are loaded. */
export async function startFunctionThread(options: FunctionThreadOptions): Promise<FunctionThread> {
  const storePort = options.embeddedStore?.connect?.();
  const data: FunctionThreadData = {
    store: options.store,
    registrar: options.registrar,
    ...(options.adminToken !== undefined ? { adminToken: options.adminToken } : {}),
    ...(storePort ? { storePort, storeEndpoint: options.embeddedStore!.endpoint } : {}),
  };
  // No execArgv of the parent (its --import preloads are for the main thread); the entry registers tsx itself.
  const worker = new Worker(new URL('./function-thread-entry.mjs', import.meta.url), {
    workerData: data,
    transferList: storePort ? [storePort] : [],
    execArgv: [],
  });
  const post = (message: ToFunctionThread) => worker.postMessage(message);
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let gone: string | undefined;
  let closing = false;
  let closed: () => void = () => {};
  const stop = (why: string) => {
    gone ??= why;
    for (const waiting of pending.values()) waiting.reject(new Error(why));
    pending.clear();
  };

  const unsubscribe = options.bus.subscribe({ detailType: [DIRECTORY_CHANGED_DETAIL_TYPE] }, async (event) => {
    if (!gone) post({ type: 'directory-changed', event });
  });

  await new Promise<void>((resolve, reject) => {
    let lastError: Error | undefined;
    worker.on('message', (message: FromFunctionThread) => {
      switch (message.type) {
        case 'ready':
          resolve();
          break;
        case 'result':
        case 'error': {
          const waiting = pending.get(message.id);
          if (!waiting) break;
          pending.delete(message.id);
          if (message.type === 'result') waiting.resolve(JSON.parse(message.result));
          else waiting.reject(Object.assign(new Error(message.message), { name: message.name }));
          break;
        }
        case 'publish':
          void options.bus.publish(message.events);
          break;
        case 'store-timings':
          for (const [operation, seconds, ok] of message.timings) options.storeObserver?.(operation, seconds, ok);
          break;
        case 'closed':
          closed();
          break;
      }
    });
    worker.on('error', (err) => {
      lastError = err;
      reject(err);
    });
    worker.once('exit', (code) => {
      unsubscribe();
      const err = lastError ?? new Error(`the functions thread ended (exit code ${code})`);
      stop(`the functions thread ended: ${err.message}`);
      reject(err);
      if (!closing) options.onExit?.(err);
    });
  });

  const call = (message: (id: number) => ToFunctionThread): Promise<unknown> => {
    if (gone) return Promise.reject(new Error(gone));
    // Once closing, only the invocations already under way are answered.
    if (closing) return Promise.reject(new Error('the functions thread is closed'));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      post(message(id));
    });
  };
  const invoker: Invoker = {
    invoke: <N extends FunctionName>(name: N, event: FunctionEvents[N]) =>
      call((id) => ({ type: 'invoke', id, name, event: JSON.stringify(event) })) as Promise<FunctionResults[N]>,
  };
  // The thread builds each run's Context itself: the caller's cannot cross (it holds functions).
  const runBackground = (name: BackgroundName) => (event: unknown) => call((id) => ({ type: 'run-background', id, name, event: JSON.stringify(event) }));
  const background: BackgroundHandlers = { cdr: runBackground('cdr'), 'trunk-status': runBackground('trunk-status'), reaper: runBackground('reaper'), rollup: runBackground('rollup') };

  return {
    invoker,
    background,
    close: async () => {
      if (closing) return;
      closing = true;
      unsubscribe();
      if (!gone) {
        const done = new Promise<void>((resolve) => {
          closed = resolve;
          worker.once('exit', () => resolve());
        });
        post({ type: 'close' });
        await done;
      }
      stop('the functions thread is closed');
      await worker.terminate();
    },
  };
}
