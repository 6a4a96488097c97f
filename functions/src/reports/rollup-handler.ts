/**
 * Lambda entry of rollup, run by the hourly schedule (EventBridge
 * cron(5 * * * ? *) in the cloud, edge/src/local-stack/local-background.ts
 * locally). The event content is not used: minute 5 of each hour rolls the
 * hour that just ended, plus any missed before it. A tenant that failed
 * makes the invocation fail (so the schedule's retry and alarms see it)
 * after the other tenants ran.
 */
import middy from '@middy/core';
import { runtimeFromEnv, type FunctionsRuntime } from '../runtime/functions-runtime.js';
import type { RollupDeps } from './rollup-hour.js';
import { runScheduledRollup, type ScheduledRollupResult } from './scheduled-rollup.js';

export function createRollupHandler(deps: RollupDeps | (() => RollupDeps)) {
  const getDeps = typeof deps === 'function' ? deps : () => deps;
  return middy<unknown, ScheduledRollupResult>().handler(async () => {
    const result = await runScheduledRollup(getDeps());
    const failed = Object.entries(result.failed);
    if (failed.length > 0) throw new Error(`rollup failed for ${failed.map(([t, m]) => `${t} (${m})`).join(', ')}`);
    return result;
  });
}

/** rollup's dependencies, from the functions runtime. */
export function rollupDeps(rt: FunctionsRuntime): RollupDeps {
  const { cdrs, online, reports } = rt.stores;
  return { cdrs, online, reports, now: rt.now };
}

export const handler = createRollupHandler(() => rollupDeps(runtimeFromEnv()));
