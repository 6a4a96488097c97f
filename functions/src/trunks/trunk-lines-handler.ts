/**
 * Lambda entry of trunk-lines: validates the event and calls trunkLines().
 * Needs only the store settings. The result holds line passwords: nothing
 * here logs it.
 */
import middy from '@middy/core';
import type { TrunkLinesEvent, TrunkLinesResult } from '../../../contracts/function-events.js';
import { trunkLinesEventSchema } from '../../../contracts/function-event-schemas.js';
import { parseEvent } from '../runtime/parse-event.js';
import { memoizeByEnv, STORE_ENV, storesFromEnv } from '../runtime/runtime-deps.js';
import { trunkLines, type TrunkLinesDeps } from './trunk-lines.js';

export function createTrunkLinesHandler(deps: TrunkLinesDeps | (() => TrunkLinesDeps)) {
  const getDeps = typeof deps === 'function' ? deps : () => deps;
  return middy<TrunkLinesEvent, TrunkLinesResult>()
    .use(parseEvent(trunkLinesEventSchema))
    .handler(async () => trunkLines(getDeps()));
}

/** trunk-lines dependencies from the environment, rebuilt only when a store variable changes. */
export const trunkLinesDepsFromEnv = memoizeByEnv(STORE_ENV, (env): TrunkLinesDeps => ({ trunks: storesFromEnv(env).trunks }));

export const handler = createTrunkLinesHandler(() => trunkLinesDepsFromEnv());
