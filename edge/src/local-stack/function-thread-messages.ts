/** What the stack's thread and the functions' thread say to each other (function-thread.ts, function-thread-worker.ts). */
import type { MessagePort } from 'node:worker_threads';
import type { PbxEvent } from '../../../contracts/bus/pbx-event.js';
import type { FunctionName } from '../../../contracts/function-events.js';
import type { BackgroundName } from '../../../functions/src/index.js';
import type { RegistrarSettings } from '../../../contracts/settings/registrar-settings.js';
import type { StoreSettings } from '../../../contracts/settings/store-settings.js';

/** The thread's settings, as the entry point loaded them (the thread reads no environment of its own). */
export interface FunctionThreadData {
  store: StoreSettings;
  registrar: RegistrarSettings;
  adminToken?: string;
  /** The embedded store's port (EmbeddedStore.connect) and endpoint; absent: store.dynamoEndpoint over HTTP. */
  storePort?: MessagePort;
  storeEndpoint?: string;
}

/** One store request's duration, for the edge's metrics (contracts/store/store-timing.ts StoreObserver). */
export type StoreTiming = [operation: string, seconds: number, ok: boolean];

export type ToFunctionThread =
  /** `event` is the JSON text Lambda Invoke would carry. */
  | { type: 'invoke'; id: number; name: FunctionName; event: string }
  /** A bus consumer's batch or a schedule's run (local-background.ts), as EventBridge, SQS or a schedule would invoke it. */
  | { type: 'run-background'; id: number; name: BackgroundName; event: string }
  /** A directory.changed event of the stack's bus: the thread's warm caches drop what it names. */
  | { type: 'directory-changed'; event: PbxEvent }
  | { type: 'close' };

export type FromFunctionThread =
  | { type: 'ready' }
  /** `result` is the JSON text of what the handler returned. */
  | { type: 'result'; id: number; result: string }
  /** The handler threw (Lambda's FunctionError). */
  | { type: 'error'; id: number; name: string; message: string }
  /** Events a function published, for the stack's bus (what EventBridge is in the cloud). */
  | { type: 'publish'; events: PbxEvent[] }
  | { type: 'store-timings'; timings: StoreTiming[] }
  /** Every invocation under way has answered; the thread can be ended. */
  | { type: 'closed' };
