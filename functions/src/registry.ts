/**
 * Every function by its name, built on one functions runtime: the local
 * stack's in-process invoker and background wiring call these. In the cloud
 * each is its own Lambda bundle (functions/build.ts) built on
 * runtimeFromEnv().
 */
import type { Context } from 'aws-lambda';
import type { FunctionEvents, FunctionName, FunctionResults } from '../../contracts/function-events.js';
import type { AdminHttpEvent, AdminHttpResult } from '../../contracts/http-event.js';
import { adminApiDeps, createAdminApiHandler } from './admin-api/admin-api-handler.js';
import { authorizeCallDeps, createAuthorizeCallHandler } from './calls/authorize-call-handler.js';
import { createReleaseCallHandler, releaseCallDeps } from './calls/release-call-handler.js';
import { cdrDeps, createCdrHandler } from './cdr/cdr-handler.js';
import { createEdgeHeartbeatHandler, edgeHeartbeatDeps } from './edges/edge-heartbeat-handler.js';
import { createReaperHandler, reaperDeps } from './edges/reaper-handler.js';
import { createFlowClosedHandler, flowClosedDeps } from './registration/flow-closed-handler.js';
import { createRegisterHandler, registerDeps } from './registration/register-handler.js';
import { createRollupHandler, rollupDeps } from './reports/rollup-handler.js';
import type { FunctionsRuntime } from './runtime/functions-runtime.js';
import { createTakeTrunkSlotHandler, takeTrunkSlotDeps } from './trunks/take-trunk-slot-handler.js';
import { auditSlotsDeps, createAuditSlotsHandler } from './calls/audit-slots-handler.js';
import { createTrunkLeaseHandler, trunkLeaseDeps } from './trunks/trunk-lease-handler.js';
import { createTrunkLinesHandler, trunkLinesDeps } from './trunks/trunk-lines-handler.js';
import { createTrunkStatusHandler, trunkStatusDeps } from './trunks/trunk-status-handler.js';

/** A Lambda-style handler (middy's `opts` argument is optional at runtime). */
export type FunctionHandler<N extends FunctionName> = (event: FunctionEvents[N], context: Context) => Promise<FunctionResults[N]>;

export type FunctionHandlers = { [N in FunctionName]: FunctionHandler<N> };

/** The functions the edge invokes (the invoker port's names). */
export function createFunctionHandlers(rt: FunctionsRuntime): FunctionHandlers {
  // A deps factory per invocation: the runtime's getters stay lazy (the registrar settings only where needed).
  return {
    register: createRegisterHandler(() => registerDeps(rt)),
    'flow-closed': createFlowClosedHandler(() => flowClosedDeps(rt)),
    'authorize-call': createAuthorizeCallHandler(() => authorizeCallDeps(rt)),
    'release-call': createReleaseCallHandler(() => releaseCallDeps(rt)),
    'edge-heartbeat': createEdgeHeartbeatHandler(() => edgeHeartbeatDeps(rt)),
    'take-trunk-slot': createTakeTrunkSlotHandler(() => takeTrunkSlotDeps(rt)),
    'audit-slots': createAuditSlotsHandler(() => auditSlotsDeps(rt)),
    'trunk-lines': createTrunkLinesHandler(() => trunkLinesDeps(rt)),
    'trunk-lease': createTrunkLeaseHandler(() => trunkLeaseDeps(rt)),
  };
}

/** The admin HTTP API (API Gateway in the cloud; the local stack's HTTP server bridges /api/* to it). */
export function createAdminApi(rt: FunctionsRuntime): (event: AdminHttpEvent, context: Context) => Promise<AdminHttpResult> {
  return createAdminApiHandler(() => adminApiDeps(rt));
}

export type BackgroundName = 'cdr' | 'trunk-status' | 'reaper' | 'rollup';

/**
 * Functions nobody invokes directly: bus consumers (routed by
 * contracts/bus/event-routes.ts) and scheduled ones. The local stack hands them
 * the same events EventBridge would (an EventBridge envelope or a PbxEvent
 * for cdr and trunk-status; anything for the reaper).
 */
export function createBackgroundHandlers(rt: FunctionsRuntime): Record<BackgroundName, (event: unknown, context: Context) => Promise<unknown>> {
  return {
    cdr: createCdrHandler(() => cdrDeps(rt)) as (event: unknown, context: Context) => Promise<unknown>,
    'trunk-status': createTrunkStatusHandler(() => trunkStatusDeps(rt)) as (event: unknown, context: Context) => Promise<unknown>,
    reaper: createReaperHandler(() => reaperDeps(rt)),
    rollup: createRollupHandler(() => rollupDeps(rt)),
  };
}
