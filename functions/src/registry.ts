/**
 * Every function by its FunctionName, for the in-process invoker (local
 * runs). In the cloud each is its own Lambda bundle (functions/build.ts).
 */
import type { Context } from 'aws-lambda';
import type { FunctionEvents, FunctionName, FunctionResults } from '../../contracts/function-events.js';
import { handler as authorizeCallHandler } from './calls/authorize-call-handler.js';
import { handler as cdrHandler } from './cdr/cdr-handler.js';
import { handler as edgeHeartbeatHandler } from './edges/edge-heartbeat-handler.js';
import { handler as flowClosedHandler } from './registration/flow-closed-handler.js';
import { handler as reaperHandler } from './edges/reaper-handler.js';
import { handler as registerHandler } from './registration/register-handler.js';
import { handler as releaseCallHandler } from './calls/release-call-handler.js';
import { handler as rollupHandler } from './reports/rollup-handler.js';
import { handler as takeTrunkSlotHandler } from './trunks/take-trunk-slot-handler.js';
import { handler as trunkLeaseHandler } from './trunks/trunk-lease-handler.js';
import { handler as trunkLinesHandler } from './trunks/trunk-lines-handler.js';
import { handler as trunkStatusHandler } from './trunks/trunk-status-handler.js';

/** A Lambda-style handler (middy's `opts` argument is optional at runtime). */
export type FunctionHandler<N extends FunctionName> = (event: FunctionEvents[N], context: Context) => Promise<FunctionResults[N]>;

export const functionHandlers: { [N in FunctionName]?: FunctionHandler<N> } = {
  register: registerHandler,
  'flow-closed': flowClosedHandler,
  'authorize-call': authorizeCallHandler,
  'release-call': releaseCallHandler,
  'edge-heartbeat': edgeHeartbeatHandler,
  'take-trunk-slot': takeTrunkSlotHandler,
  'trunk-lines': trunkLinesHandler,
  'trunk-lease': trunkLeaseHandler,
};

/**
 * Functions nobody invokes directly: bus consumers (routed by
 * bus/event-routes.ts) and scheduled ones. The local stack hands them the
 * same events EventBridge would (an EventBridge envelope or a PbxEvent for
 * cdr and trunk-status; anything for the reaper).
 */
export const backgroundHandlers: Record<'cdr' | 'trunk-status' | 'reaper' | 'rollup', (event: unknown, context: Context) => Promise<unknown>> = {
  cdr: cdrHandler as (event: unknown, context: Context) => Promise<unknown>,
  'trunk-status': trunkStatusHandler as (event: unknown, context: Context) => Promise<unknown>,
  reaper: reaperHandler,
  rollup: rollupHandler,
};
