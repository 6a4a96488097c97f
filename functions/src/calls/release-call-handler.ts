/**
 * Lambda entry of release-call: validates the event and calls releaseCall().
 * Needs only the store settings.
 */
import middy from '@middy/core';
import type { ReleaseCallEvent, ReleaseCallResult } from '../../../contracts/function-events.js';
import { releaseCallEventSchema } from '../../../contracts/function-event-schemas.js';
import { parseEvent } from '../runtime/parse-event.js';
import { runtimeFromEnv, type FunctionsRuntime } from '../runtime/functions-runtime.js';
import { releaseCall, type ReleaseCallDeps } from './release-call.js';

export function createReleaseCallHandler(deps: ReleaseCallDeps | (() => ReleaseCallDeps)) {
  const getDeps = typeof deps === 'function' ? deps : () => deps;
  return middy<ReleaseCallEvent, ReleaseCallResult>()
    .use(parseEvent(releaseCallEventSchema))
    .handler(async (event) => releaseCall(event, getDeps()));
}

/** releaseCall's dependencies, from the functions runtime. */
export function releaseCallDeps(rt: FunctionsRuntime): ReleaseCallDeps {
  return { slots: rt.stores.callSlots, trunkUsage: rt.stores.trunkUsage };
}

export const handler = createReleaseCallHandler(() => releaseCallDeps(runtimeFromEnv()));
