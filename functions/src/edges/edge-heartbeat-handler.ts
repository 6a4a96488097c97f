/**
 * Lambda entry of edge-heartbeat: validates the event and calls
 * edgeHeartbeat(). Needs only the store settings.
 */
import middy from '@middy/core';
import type { EdgeHeartbeatEvent, EdgeHeartbeatResult } from '../../../contracts/function-events.js';
import { edgeHeartbeatEventSchema } from '../../../contracts/function-event-schemas.js';
import { parseEvent } from '../runtime/parse-event.js';
import { memoizeByEnv, STORE_ENV, storesFromEnv, systemClock } from '../runtime/runtime-deps.js';
import { edgeHeartbeat, type EdgeHeartbeatDeps } from './edge-heartbeat.js';

export function createEdgeHeartbeatHandler(deps: EdgeHeartbeatDeps | (() => EdgeHeartbeatDeps)) {
  const getDeps = typeof deps === 'function' ? deps : () => deps;
  return middy<EdgeHeartbeatEvent, EdgeHeartbeatResult>()
    .use(parseEvent(edgeHeartbeatEventSchema))
    .handler(async (event) => edgeHeartbeat(event, getDeps()));
}

/** edge-heartbeat dependencies from the environment, rebuilt only when a store variable changes. */
export const edgeHeartbeatDepsFromEnv = memoizeByEnv(STORE_ENV, (env): EdgeHeartbeatDeps => ({
  edges: storesFromEnv(env).edges,
  now: systemClock,
}));

export const handler = createEdgeHeartbeatHandler(() => edgeHeartbeatDepsFromEnv());
