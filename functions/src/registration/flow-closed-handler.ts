/**
 * Lambda entry of flow-closed: validates the event and calls flowClosed().
 * Needs only the store settings (no nonce secret). Dependencies as in
 * register/handler.ts.
 */
import middy from '@middy/core';
import type { FlowClosedEvent, FlowClosedResult } from '../../../contracts/function-events.js';
import { flowClosedEventSchema } from '../../../contracts/function-event-schemas.js';
import { parseEvent } from '../runtime/parse-event.js';
import { memoizeByEnv, STORE_ENV, storesFromEnv, systemClock } from '../runtime/runtime-deps.js';
import { flowClosed, type FlowClosedDeps } from './flow-closed.js';

export function createFlowClosedHandler(deps: FlowClosedDeps | (() => FlowClosedDeps)) {
  const getDeps = typeof deps === 'function' ? deps : () => deps;
  return middy<FlowClosedEvent, FlowClosedResult>()
    .use(parseEvent(flowClosedEventSchema))
    .handler(async (event) => flowClosed(event, getDeps()));
}

/** flow-closed dependencies from the environment, rebuilt only when a store variable changes. */
export const flowClosedDepsFromEnv = memoizeByEnv(STORE_ENV, (env): FlowClosedDeps => ({
  bindings: storesFromEnv(env).bindings,
  now: systemClock,
}));

export const handler = createFlowClosedHandler(() => flowClosedDepsFromEnv());
