/**
 * Lambda entry of flow-closed: validates the event and calls flowClosed().
 * Needs only the store settings (no nonce secret). Dependencies as in
 * register/handler.ts.
 */
import middy from '@middy/core';
import type { FlowClosedEvent, FlowClosedResult } from '../../../contracts/function-events.js';
import { flowClosedEventSchema } from '../../../contracts/function-event-schemas.js';
import { parseEvent } from '../runtime/parse-event.js';
import { runtimeFromEnv, type FunctionsRuntime } from '../runtime/functions-runtime.js';
import { flowClosed, type FlowClosedDeps } from './flow-closed.js';

export function createFlowClosedHandler(deps: FlowClosedDeps | (() => FlowClosedDeps)) {
  const getDeps = typeof deps === 'function' ? deps : () => deps;
  return middy<FlowClosedEvent, FlowClosedResult>()
    .use(parseEvent(flowClosedEventSchema))
    .handler(async (event) => flowClosed(event, getDeps()));
}

/** flowClosed's dependencies, from the functions runtime. */
export function flowClosedDeps(rt: FunctionsRuntime): FlowClosedDeps {
  return { bindings: rt.stores.bindings, now: rt.now };
}

export const handler = createFlowClosedHandler(() => flowClosedDeps(runtimeFromEnv()));
