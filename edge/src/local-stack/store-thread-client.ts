/**
 * The embedded store on a thread of its own (issue 14: both cores used).
 * dynalite and LevelDB took about a quarter of the local stack's CPU per
 * flow, on the same event loop as the SIP edge and the functions; on their
 * own worker thread they run beside them. The stack's DynamoDB clients keep
 * their in-process path (no socket, no SigV4: contracts/store/in-process-store.ts)
 * — the request handler below posts each serialized request to the thread
 * and resolves with its answer — and the store still listens on its loopback
 * port for other processes (`npm run bans`, a second edge, tests).
 *
 * A request the thread can no longer answer (it is closing, or it died)
 * fails like a refused connection, so the SDK reports it as it would over
 * TCP; the thread's death is logged through `onExit`, never silent.
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { HttpResponse, type HttpHandler, type HttpHandlerOptions, type HttpRequest } from '@smithy/core/protocols';
import type { InProcessStore } from '../../../contracts/store/in-process-store.js';
import type { EmbeddedStore } from './serve-dynalite.js';
import type { FromStoreThread, StoreThreadRequest, ToStoreThread } from './store-thread-messages.js';

interface Pending {
  resolve(value: { response: HttpResponse }): void;
  reject(err: Error): void;
}

function refused(why: string): Error {
  return Object.assign(new Error(`connect ECONNREFUSED: ${why}`), { code: 'ECONNREFUSED' });
}

function abortError(): Error {
  return Object.assign(new Error('Request aborted'), { name: 'AbortError' });
}

function requestBody(body: unknown): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  // DynamoDB's JSON protocol sends strings; a streaming body would need its own reader.
  throw new TypeError('store thread: only string or byte request bodies are supported');
}

/** Shaped like @smithy/node-http-handler's NodeHttpHandler; `destroy` is a no-op (the store's owner closes it). */
class StoreThreadHandler implements HttpHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private gone: string | undefined;

  /** `thread`: the store's Worker, or a port it answers on (EmbeddedStore.connect). */
  constructor(private readonly thread: Pick<MessagePort, 'postMessage'>) {}

  handle(request: HttpRequest, options: HttpHandlerOptions = {}): Promise<{ response: HttpResponse }> {
    if (this.gone) return Promise.reject(refused(this.gone));
    const { abortSignal } = options;
    if (abortSignal?.aborted) return Promise.reject(abortError());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // An aborted request is given up here; the thread still answers it and that answer is dropped.
      if (abortSignal) {
        const abort = () => {
          if (this.pending.delete(id)) reject(abortError());
        };
        abortSignal.onabort = abort;
      }
      const message: StoreThreadRequest = {
        type: 'request',
        id,
        method: request.method,
        path: request.path,
        query: (request.query ?? {}) as StoreThreadRequest['query'],
        headers: request.headers,
        body: requestBody(request.body),
      };
      this.thread.postMessage(message satisfies ToStoreThread);
    });
  }

  answer(message: Extract<FromStoreThread, { id: number }>): void {
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    if (message.type === 'response') {
      const body = Buffer.from(message.body.buffer, message.body.byteOffset, message.body.byteLength);
      waiting.resolve({ response: new HttpResponse({ statusCode: message.statusCode, headers: message.headers, body }) });
    } else {
      waiting.reject(Object.assign(new Error(message.message), message.code ? { code: message.code } : {}));
    }
  }

  /** No request is sent any more; those waiting fail (the thread is gone or closing). */
  stop(why: string): void {
    this.gone ??= why;
    for (const waiting of this.pending.values()) waiting.reject(refused(why));
    this.pending.clear();
  }

  get inFlight(): number {
    return this.pending.size;
  }

  destroy(): void {}

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }
}

export interface StoreThreadOptions {
  /** LevelDB folder; in memory when absent (tests). */
  path?: string;
  port?: number;
  /** The thread ended without being closed (its error, if any): the stack's store is gone. */
  onExit?: (err: Error | undefined) => void;
}

/** Starts dynalite on its own thread; resolves once it listens. */
export async function startStoreThread(options: StoreThreadOptions = {}): Promise<EmbeddedStore> {
  // No execArgv of the parent (its --import preloads are for the main thread); the entry registers tsx itself.
  const worker = new Worker(new URL('./store-thread-entry.mjs', import.meta.url), {
    workerData: { ...(options.path ? { path: options.path } : {}), ...(options.port !== undefined ? { port: options.port } : {}) },
    execArgv: [],
  });
  const handler = new StoreThreadHandler(worker);
  let closing = false;
  let lastError: Error | undefined;
  let closed: (error?: string) => void = () => {};

  const endpoint = await new Promise<string>((resolve, reject) => {
    worker.on('message', (message: FromStoreThread) => {
      if (message.type === 'ready') resolve(message.endpoint);
      else if (message.type === 'closed') closed(message.error);
      else handler.answer(message);
    });
    worker.on('error', (err) => {
      lastError = err;
      reject(err);
    });
    worker.once('exit', (code) => {
      handler.stop('the store thread ended');
      reject(lastError ?? new Error(`the store thread ended (exit code ${code}) before it listened`));
      if (!closing) options.onExit?.(lastError ?? new Error(`the store thread ended (exit code ${code})`));
    });
  });

  return {
    endpoint,
    inProcess: { endpoint, requestHandler: handler },
    connect: () => {
      const { port1, port2 } = new MessageChannel();
      worker.postMessage({ type: 'connect', port: port2 } satisfies ToStoreThread, [port2]);
      return port1;
    },
    close: async () => {
      if (closing) return;
      closing = true;
      const done = new Promise<string | undefined>((resolve) => {
        closed = resolve;
        worker.once('exit', () => resolve('the store thread ended while closing'));
      });
      // The thread lets requests under way finish, then flushes LevelDB, then says so.
      worker.postMessage({ type: 'close' } satisfies ToStoreThread);
      const error = await done;
      handler.stop('the in-process store is closed');
      await worker.terminate();
      if (error) throw new Error(`embedded store: ${error}`);
    },
  };
}

/**
 * The store for the clients of another thread of this process (the
 * functions' thread), through a port that `EmbeddedStore.connect` gave: the
 * same in-process path as the stack's thread has, no socket, no SigV4.
 * `close` fails what is still waiting and lets the port go.
 */
export function storeOverPort(port: MessagePort, endpoint: string): InProcessStore & { readonly inFlight: number; close(): void } {
  const handler = new StoreThreadHandler(port);
  port.on('message', (message: FromStoreThread) => {
    if (message.type === 'response' || message.type === 'failed') handler.answer(message);
  });
  return {
    endpoint,
    requestHandler: handler,
    get inFlight() {
      return handler.inFlight;
    },
    close: () => {
      handler.stop('the in-process store is closed');
      port.close();
    },
  };
}
