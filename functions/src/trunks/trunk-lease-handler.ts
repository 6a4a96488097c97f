/**
 * Lambda entry of trunk-lease: validates the event and calls trunkLease().
 * Needs only the store settings.
 */
import middy from '@middy/core';
import type { TrunkLeaseEvent, TrunkLeaseResult } from '../../../contracts/function-events.js';
import { trunkLeaseEventSchema } from '../../../contracts/function-event-schemas.js';
import { parseEvent } from '../runtime/parse-event.js';
import { memoizeByEnv, STORE_ENV, storesFromEnv, systemClock } from '../runtime/runtime-deps.js';
import { trunkLease, type TrunkLeaseDeps } from './trunk-lease.js';

export function createTrunkLeaseHandler(deps: TrunkLeaseDeps | (() => TrunkLeaseDeps)) {
  const getDeps = typeof deps === 'function' ? deps : () => deps;
  return middy<TrunkLeaseEvent, TrunkLeaseResult>()
    .use(parseEvent(trunkLeaseEventSchema))
    .handler(async (event) => trunkLease(event, getDeps()));
}

/** trunk-lease dependencies from the environment, rebuilt only when a store variable changes. */
export const trunkLeaseDepsFromEnv = memoizeByEnv(STORE_ENV, (env): TrunkLeaseDeps => ({ leases: storesFromEnv(env).trunkLeases, now: systemClock }));

export const handler = createTrunkLeaseHandler(() => trunkLeaseDepsFromEnv());
