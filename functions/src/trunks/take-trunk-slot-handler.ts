/**
 * Lambda entry of take-trunk-slot: validates the event and calls
 * takeTrunkSlot(). Needs only the store settings.
 */
import middy from '@middy/core';
import type { TakeTrunkSlotEvent, TakeTrunkSlotResult } from '../../../contracts/function-events.js';
import { takeTrunkSlotEventSchema } from '../../../contracts/function-event-schemas.js';
import { parseEvent } from '../runtime/parse-event.js';
import { memoizeByEnv, STORE_ENV, storesFromEnv, systemClock } from '../runtime/runtime-deps.js';
import { takeTrunkSlot, type TakeTrunkSlotDeps } from './take-trunk-slot.js';

export function createTakeTrunkSlotHandler(deps: TakeTrunkSlotDeps | (() => TakeTrunkSlotDeps)) {
  const getDeps = typeof deps === 'function' ? deps : () => deps;
  return middy<TakeTrunkSlotEvent, TakeTrunkSlotResult>()
    .use(parseEvent(takeTrunkSlotEventSchema))
    .handler(async (event) => takeTrunkSlot(event, getDeps()));
}

/** take-trunk-slot dependencies from the environment, rebuilt only when a store variable changes. */
export const takeTrunkSlotDepsFromEnv = memoizeByEnv(STORE_ENV, (env): TakeTrunkSlotDeps => {
  const { trunks, trunkUsage } = storesFromEnv(env);
  return { trunks, trunkUsage, now: systemClock };
});

export const handler = createTakeTrunkSlotHandler(() => takeTrunkSlotDepsFromEnv());
