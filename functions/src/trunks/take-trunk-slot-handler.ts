/**
 * Lambda entry of take-trunk-slot: validates the event and calls
 * takeTrunkSlot(). Needs only the store settings.
 */
import middy from '@middy/core';
import type { TakeTrunkSlotEvent, TakeTrunkSlotResult } from '../../../contracts/function-events.js';
import { takeTrunkSlotEventSchema } from '../../../contracts/function-event-schemas.js';
import { parseEvent } from '../runtime/parse-event.js';
import { runtimeFromEnv, type FunctionsRuntime } from '../runtime/functions-runtime.js';
import { takeTrunkSlot, type TakeTrunkSlotDeps } from './take-trunk-slot.js';

export function createTakeTrunkSlotHandler(deps: TakeTrunkSlotDeps | (() => TakeTrunkSlotDeps)) {
  const getDeps = typeof deps === 'function' ? deps : () => deps;
  return middy<TakeTrunkSlotEvent, TakeTrunkSlotResult>()
    .use(parseEvent(takeTrunkSlotEventSchema))
    .handler(async (event) => takeTrunkSlot(event, getDeps()));
}

/** takeTrunkSlot's dependencies, from the functions runtime. */
export function takeTrunkSlotDeps(rt: FunctionsRuntime): TakeTrunkSlotDeps {
  return { trunks: rt.stores.trunks, trunkUsage: rt.stores.trunkUsage, now: rt.now };
}

export const handler = createTakeTrunkSlotHandler(() => takeTrunkSlotDeps(runtimeFromEnv()));
