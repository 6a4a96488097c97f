/**
 * The functions hosted in this process, as Lambda would host them in the
 * cloud: one functions runtime built from the settings the entry point
 * loaded (no process.env writes) and the in-process bus shared with the
 * edge. This folder is the only part of the edge that may import the
 * functions, and only their public entry (functions/src/index.ts; the
 * dependency check in npm test enforces it).
 */
import type { EventBus } from '../../../contracts/bus/event-bus.js';
import { InProcessBus } from '../../../contracts/bus/in-process-bus.js';
import type { RegistrarSettings } from '../../../contracts/settings/registrar-settings.js';
import type { StoreSettings } from '../../../contracts/settings/store-settings.js';
import type { InProcessStore } from '../../../contracts/store/in-process-store.js';
import type { StoreObserver } from '../../../contracts/store/store-timing.js';
import { createAdminApi, createBackgroundHandlers, createFunctionHandlers, createFunctionsRuntime } from '../../../functions/src/index.js';
import type { AdminApiFunction } from '../http/admin-api-bridge.js';
import { InProcessInvoker } from '../invoker/in-process-invoker.js';
import type { BackgroundHandlers } from './local-background.js';

/** The store and the SIP side share this machine's cores: one CDR write at a time, so an INVITE's read never waits behind a batch. */
export const LOCAL_CDR_WRITE_CONCURRENCY = 1;

export interface FunctionHost {
  /** The functions the edge invokes, on this thread (PBX_FUNCTIONS_THREAD=false; else function-thread.ts hosts them). */
  invoker: InProcessInvoker;
  /** The bus consumers and schedules, on this thread (PBX_FUNCTIONS_THREAD=false). */
  background: BackgroundHandlers;
  adminApi: AdminApiFunction;
}

export function hostFunctions(options: {
  store: StoreSettings;
  registrar: RegistrarSettings;
  adminToken?: string;
  bus: EventBus;
  /** The edge's store latency metric (edge/src/ops). */
  storeObserver?: StoreObserver;
  /** The embedded store of this process, reached without a socket (absent: store.dynamoEndpoint over HTTP). */
  inProcessStore?: InProcessStore;
}): FunctionHost {
  const runtime = createFunctionsRuntime({
    store: options.store,
    ...(options.inProcessStore ? { inProcessStore: options.inProcessStore } : {}),
    ...(options.storeObserver ? { storeObserver: options.storeObserver } : {}),
    registrar: options.registrar,
    ...(options.adminToken !== undefined ? { adminToken: options.adminToken } : {}),
    bus: options.bus,
    // The in-process bus delivers directory.changed here too: the warm directory cache drops changed entries at once.
    ...(options.bus instanceof InProcessBus ? { directoryChanges: options.bus } : {}),
    cdrWriteConcurrency: LOCAL_CDR_WRITE_CONCURRENCY,
  });
  return {
    invoker: new InProcessInvoker(createFunctionHandlers(runtime)),
    background: createBackgroundHandlers(runtime),
    adminApi: createAdminApi(runtime),
  };
}
