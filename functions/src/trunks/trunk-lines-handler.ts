/**
 * Lambda entry of trunk-lines: validates the event and calls trunkLines().
 * Needs only the store settings. The result holds line passwords: nothing
 * here logs it.
 */
import middy from '@middy/core';
import type { TrunkLinesEvent, TrunkLinesResult } from '../../../contracts/function-events.js';
import { trunkLinesEventSchema } from '../../../contracts/function-event-schemas.js';
import { parseEvent } from '../runtime/parse-event.js';
import { runtimeFromEnv, type FunctionsRuntime } from '../runtime/functions-runtime.js';
import { trunkLines, type TrunkLinesDeps } from './trunk-lines.js';

export function createTrunkLinesHandler(deps: TrunkLinesDeps | (() => TrunkLinesDeps)) {
  const getDeps = typeof deps === 'function' ? deps : () => deps;
  return middy<TrunkLinesEvent, TrunkLinesResult>()
    .use(parseEvent(trunkLinesEventSchema))
    .handler(async () => trunkLines(getDeps()));
}

/** trunkLines's dependencies, from the functions runtime. */
export function trunkLinesDeps(rt: FunctionsRuntime): TrunkLinesDeps {
  return { trunks: rt.stores.trunks };
}

export const handler = createTrunkLinesHandler(() => trunkLinesDeps(runtimeFromEnv()));
