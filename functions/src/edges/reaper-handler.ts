/**
 * Lambda entry of the reaper: run by a schedule (EventBridge Scheduler /
 * rule `rate(1 minute)` in the cloud, the local scheduler in-process). The
 * scheduled event carries nothing the reaper needs; it is ignored.
 */
import middy from '@middy/core';
import { runtimeFromEnv, type FunctionsRuntime } from '../runtime/functions-runtime.js';
import { reap, type ReaperDeps, type ReaperResult } from './reaper.js';

export function createReaperHandler(deps: ReaperDeps | (() => ReaperDeps)) {
  const getDeps = typeof deps === 'function' ? deps : () => deps;
  return middy<unknown, ReaperResult>().handler(async () => reap(getDeps()));
}

/** reaper's dependencies, from the functions runtime. */
export function reaperDeps(rt: FunctionsRuntime): ReaperDeps {
  const { edges, cdrs, callSlots, trunkUsage } = rt.stores;
  return {
    edges,
    cdrs,
    slots: callSlots,
    trunkUsage,
    now: rt.now,
    // Never credentials here: only ids of the call and the error message.
    onError: (err, call) =>
      console.warn(`reaper: call ${call.tenantId}/${call.callId} of edge ${call.edgeId} not reclaimed yet:`, err instanceof Error ? err.message : err),
  };
}

export const handler = createReaperHandler(() => reaperDeps(runtimeFromEnv()));
