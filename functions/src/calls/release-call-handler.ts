/**
 * Lambda entry of release-call: validates the event and calls releaseCall().
 * Needs only the store settings.
 */
import middy from '@middy/core';
import type { ReleaseCallEvent, ReleaseCallResult } from '../../../contracts/function-events.js';
import { releaseCallEventSchema } from '../../../contracts/function-event-schemas.js';
import { parseEvent } from '../runtime/parse-event.js';
import { memoizeByEnv, STORE_ENV, storesFromEnv } from '../runtime/runtime-deps.js';
import { releaseCall, type ReleaseCallDeps } from './release-call.js';

export function createReleaseCallHandler(deps: ReleaseCallDeps | (() => ReleaseCallDeps)) {
  const getDeps = typeof deps === 'function' ? deps : () => deps;
  return middy<ReleaseCallEvent, ReleaseCallResult>()
    .use(parseEvent(releaseCallEventSchema))
    .handler(async (event) => releaseCall(event, getDeps()));
}

/** release-call dependencies from the environment, rebuilt only when a store variable changes. */
export const releaseCallDepsFromEnv = memoizeByEnv(STORE_ENV, (env): ReleaseCallDeps => {
  const { callSlots, trunkUsage } = storesFromEnv(env);
  return { slots: callSlots, trunkUsage };
});

export const handler = createReleaseCallHandler(() => releaseCallDepsFromEnv());
