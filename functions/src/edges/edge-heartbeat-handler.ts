/**
 * Lambda entry of edge-heartbeat: validates the event and calls
 * edgeHeartbeat(). Needs only the store settings.
 */
import middy from '@middy/core';
import type { EdgeHeartbeatEvent, EdgeHeartbeatResult } from '../../../contracts/function-events.js';
import { edgeHeartbeatEventSchema } from '../../../contracts/function-event-schemas.js';
import { parseEvent } from '../runtime/parse-event.js';
import { runtimeFromEnv, type FunctionsRuntime } from '../runtime/functions-runtime.js';
import { edgeHeartbeat, type EdgeHeartbeatDeps } from './edge-heartbeat.js';

export function createEdgeHeartbeatHandler(deps: EdgeHeartbeatDeps | (() => EdgeHeartbeatDeps)) {
  const getDeps = typeof deps === 'function' ? deps : () => deps;
  return middy<EdgeHeartbeatEvent, EdgeHeartbeatResult>()
    .use(parseEvent(edgeHeartbeatEventSchema))
    .handler(async (event) => edgeHeartbeat(event, getDeps()));
}

/** edgeHeartbeat's dependencies, from the functions runtime. */
export function edgeHeartbeatDeps(rt: FunctionsRuntime): EdgeHeartbeatDeps {
  return { edges: rt.stores.edges, now: rt.now };
}

export const handler = createEdgeHeartbeatHandler(() => edgeHeartbeatDeps(runtimeFromEnv()));
