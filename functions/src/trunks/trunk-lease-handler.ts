/**
 * Lambda entry of trunk-lease: validates the event and calls trunkLease().
 * Needs only the store settings.
 */
import middy from '@middy/core';
import type { TrunkLeaseEvent, TrunkLeaseResult } from '../../../contracts/function-events.js';
import { trunkLeaseEventSchema } from '../../../contracts/function-event-schemas.js';
import { parseEvent } from '../runtime/parse-event.js';
import { runtimeFromEnv, type FunctionsRuntime } from '../runtime/functions-runtime.js';
import { trunkLease, type TrunkLeaseDeps } from './trunk-lease.js';

export function createTrunkLeaseHandler(deps: TrunkLeaseDeps | (() => TrunkLeaseDeps)) {
  const getDeps = typeof deps === 'function' ? deps : () => deps;
  return middy<TrunkLeaseEvent, TrunkLeaseResult>()
    .use(parseEvent(trunkLeaseEventSchema))
    .handler(async (event) => trunkLease(event, getDeps()));
}

/** trunkLease's dependencies, from the functions runtime. */
export function trunkLeaseDeps(rt: FunctionsRuntime): TrunkLeaseDeps {
  return { leases: rt.stores.trunkLeases, now: rt.now };
}

export const handler = createTrunkLeaseHandler(() => trunkLeaseDeps(runtimeFromEnv()));
