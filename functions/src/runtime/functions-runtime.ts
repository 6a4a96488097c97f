/**
 * What every handler is built from: the repositories, the registrar
 * settings, the admin token, the bus and the clock. Two ways to get one:
 *
 * - Lambda: `runtimeFromEnv()` reads the function's environment on first use
 *   (not at import: importing a handler must not need any env) and keeps the
 *   result for the warm container, rebuilding only when a variable it read
 *   changes (the nonce secret arrives at the first invocation, see
 *   settings.ts resolveNonceSecret);
 * - the local stack: `createFunctionsRuntime()` with the settings it loaded
 *   and the in-process bus it shares with the edge — nothing goes through
 *   process.env.
 */
import type { EventBus } from '../../../contracts/bus/event-bus.js';
import { DIRECTORY_CHANGED_DETAIL_TYPE, parseDirectoryChanged, type DirectoryChangedDetail } from '../../../contracts/bus/directory-events.js';
import type { OnlineRepository } from '../reports/online-repository.js';
import { InProcessBus } from '../../../contracts/bus/in-process-bus.js';
import { CachedDirectory } from '../directory/cached-directory.js';
import type { DirectoryReader } from '../directory/directory-repository.js';
import { CachedTrunks } from '../trunks/cached-trunks.js';
import { createEventBridgePublisher } from '../../../contracts/bus/eventbridge-publisher.js';
import { BUS_ENV, parseBusSettings, type BusSettings } from '../../../contracts/settings/bus-settings.js';
import { SettingsError, valuesOrThrow, type Env } from '../../../contracts/settings/env-values.js';
import { REGISTRAR_ENV, loadRegistrarSettings, type RegistrarSettings } from '../../../contracts/settings/registrar-settings.js';
import { STORE_ENV, loadStoreSettings, type StoreSettings } from '../../../contracts/settings/store-settings.js';
import { cachedSettings } from '../fail-to-ban/cached-f2b-settings.js';
import { carrierAddresses } from '../fail-to-ban/carrier-addresses.js';
import type { FailToBanDeps } from '../fail-to-ban/record-auth-failure.js';
import { createDocumentClient } from '../../../contracts/store/dynamo-client.js';
import type { InProcessStore } from '../../../contracts/store/in-process-store.js';
import type { StoreObserver } from '../../../contracts/store/store-timing.js';
import { createStores, systemClock, type Stores } from './stores.js';

export interface FunctionsRuntime {
  readonly stores: Stores;
  /**
   * What REGISTER and INVITE read of the directory: stores.directory behind a
   * cache (functions/src/directory/cached-directory.ts). The admin API reads
   * and writes stores.directory itself.
   */
  readonly directory: CachedDirectory;
  /** The registrar's view of `directory`: a user miss reads the user's bindings along (registration/user-with-bindings.ts). */
  readonly registrarDirectory: DirectoryReader;
  /** The trunk data authorize-call reads for every INVITE, with the same bound and invalidation (functions/src/trunks/cached-trunks.ts). */
  readonly trunks: CachedTrunks;
  /** Digest and registrar settings; reading it without a nonce secret throws a SettingsError naming PBX_NONCE_SECRET. */
  readonly registrar: RegistrarSettings;
  /** PBX_ADMIN_TOKEN, the admin API's system token (undefined: only JWT-authorized requests pass). */
  readonly adminToken: string | undefined;
  readonly bus: EventBus;
  readonly now: () => number;
  /** Fail-to-ban: failures counted per address, bans published on the bus. */
  readonly failToBan: FailToBanDeps;
  /** Calls of a CDR batch written at once (cdr/record-call-event.ts CdrDeps); undefined = cdr's default. */
  readonly cdrWriteConcurrency?: number;
}

export interface FunctionsRuntimeOptions {
  store: StoreSettings;
  /** Absent for processes that never sign nonces; a function that needs it fails naming PBX_NONCE_SECRET. */
  registrar?: RegistrarSettings | (() => RegistrarSettings);
  adminToken?: string;
  bus: EventBus;
  now?: () => number;
  /** Extra environment for the AWS SDK's credential lookup (tests pass their own). */
  env?: Env;
  /** Told how long every store request took (the hosting edge's metrics). */
  storeObserver?: StoreObserver;
  /** The local stack's embedded store, reached in-process (no socket, no SigV4); takes the place of store.dynamoEndpoint. */
  inProcessStore?: InProcessStore;
  /**
   * Where directory.changed events can be heard (the local stack's in-process
   * bus): the directory cache drops what they name at once. Absent (Lambda):
   * only its TTL bounds staleness.
   */
  directoryChanges?: Pick<InProcessBus, 'subscribe'>;
  /** See FunctionsRuntime.cdrWriteConcurrency. */
  cdrWriteConcurrency?: number;
}

export function createFunctionsRuntime(options: FunctionsRuntimeOptions): FunctionsRuntime {
  const doc = createDocumentClient({
    region: options.store.region,
    ...(options.env ? { env: options.env } : {}),
    ...(options.store.dynamoEndpoint !== undefined ? { endpoint: options.store.dynamoEndpoint } : {}),
    ...(options.inProcessStore ? { inProcess: options.inProcessStore } : {}),
    ...(options.storeObserver ? { observe: options.storeObserver } : {}),
  });
  const now = options.now ?? systemClock;
  const cacheSeconds = options.store.directoryCacheSeconds;
  const stores = createStores(doc, options.store.tableName, { now, ...(cacheSeconds !== undefined ? { cacheTtlMs: cacheSeconds * 1000 } : {}) });
  const directory = new CachedDirectory(stores.directory, { now, ...(cacheSeconds !== undefined ? { ttlMs: cacheSeconds * 1000 } : {}) });
  const trunks = new CachedTrunks(stores.trunks, { now, ...(cacheSeconds !== undefined ? { ttlMs: cacheSeconds * 1000 } : {}) });
  options.directoryChanges?.subscribe({ detailType: [DIRECTORY_CHANGED_DETAIL_TYPE] }, async (event) => {
    directory.changed(event.detail);
    trunks.changed(event.detail);
    forgetRollupJoins(stores.online, event.detail);
  });
  const registrar = options.registrar;
  let failToBan: FailToBanDeps | undefined;
  return {
    stores,
    directory,
    registrarDirectory: stores.userWithBindings.forRegistrar(directory),
    trunks,
    get registrar(): RegistrarSettings {
      if (registrar === undefined) throw new SettingsError(['PBX_NONCE_SECRET: is required by the functions that sign digest nonces']);
      return typeof registrar === 'function' ? registrar() : registrar;
    },
    adminToken: options.adminToken,
    bus: options.bus,
    now,
    ...(options.cdrWriteConcurrency !== undefined ? { cdrWriteConcurrency: options.cdrWriteConcurrency } : {}),
    get failToBan(): FailToBanDeps {
      failToBan ??= {
        bans: stores.bans,
        settings: cachedSettings(stores.systemSettings, undefined, now),
        bus: options.bus,
        now,
        isCarrier: carrierAddresses(stores.trunks, undefined, now),
        // No logger in the functions yet: a console line is what Lambda keeps (never credentials: only the error).
        onError: (err) => console.warn('fail-to-ban: could not record an authentication failure:', err instanceof Error ? err.message : err),
      };
      return failToBan;
    },
  };
}

/** The bus of a Lambda function: EventBridge when PBX_EVENT_BUS_NAME names one; without it nobody would hear the events. */
export function busFor(settings: BusSettings): EventBus {
  return settings.eventBusName ? createEventBridgePublisher(settings.eventBusName, settings.eventBridgeEndpoint) : new InProcessBus();
}

/**
 * Memoizes `build(env)` on the values of `names`: built on the first call,
 * rebuilt only when one of those variables changes. A failed build (bad
 * settings) is not cached, so fixing the environment recovers.
 */
export function memoizeByEnv<T>(names: readonly string[], build: (env: Env) => T): (env?: Env) => T {
  let cached: { key: string; value: T } | undefined;
  return (env = process.env) => {
    const key = JSON.stringify(names.map((n) => env[n] ?? null));
    if (cached?.key !== key) cached = { key, value: build(env) };
    return cached.value;
  };
}

/** A Lambda container's runtime, from its environment. */
export const runtimeFromEnv = memoizeByEnv([...STORE_ENV, ...REGISTRAR_ENV, ...BUS_ENV, 'PBX_ADMIN_TOKEN'], (env) => {
  const [bus] = valuesOrThrow(parseBusSettings(env));
  let registrar: RegistrarSettings | undefined;
  return createFunctionsRuntime({
    store: loadStoreSettings(env),
    // Read on first use: functions that never sign nonces (cdr, reaper, …) run without PBX_NONCE_SECRET.
    registrar: () => (registrar ??= loadRegistrarSettings(env)),
    ...(env.PBX_ADMIN_TOKEN ? { adminToken: env.PBX_ADMIN_TOKEN } : {}),
    bus: busFor(bus),
    env,
  });
});

/** A tenant's change may be its deletion, which takes its ROLLUP item along: its next user online joins it again. */
function forgetRollupJoins(online: Pick<OnlineRepository, 'forgetJoined'>, detail: unknown): void {
  let change: DirectoryChangedDetail;
  try {
    change = parseDirectoryChanged(detail);
  } catch {
    online.forgetJoined();
    return;
  }
  if (change.kind === 'tenant') online.forgetJoined(change.tenantId ?? change.id);
}
