/**
 * The hourly run: for every tenant on the rollup list, every hour from its
 * watermark + 1 to the hour that just ended (reports/rollup-plan.ts), oldest
 * first, moving the watermark after each hour so that a run cut short (a
 * Lambda timeout, a stopped laptop) resumes where it stopped.
 */
import { hoursToRoll } from './rollup-plan.js';
import { rollupHour, type RollupDeps } from './rollup-hour.js';

export interface ScheduledRollupResult {
  /** Hours rolled per tenant. */
  rolled: Record<string, string[]>;
  /** Tenants whose run failed, with the error message (the others still ran). */
  failed: Record<string, string>;
}

export async function runScheduledRollup(deps: RollupDeps, maxCatchUpHours?: number): Promise<ScheduledRollupResult> {
  const now = deps.now();
  const result: ScheduledRollupResult = { rolled: {}, failed: {} };
  for (const tenant of await deps.reports.listRollupTenants()) {
    const hours = hoursToRoll({
      now,
      ...(tenant.watermark !== undefined ? { watermark: tenant.watermark } : {}),
      ...(tenant.since !== undefined ? { since: tenant.since } : {}),
      ...(maxCatchUpHours !== undefined ? { maxCatchUpHours } : {}),
    });
    result.rolled[tenant.tenantId] = [];
    try {
      for (const hour of hours) {
        await rollupHour(deps, tenant.tenantId, hour);
        await deps.reports.advanceWatermark(tenant.tenantId, hour);
        result.rolled[tenant.tenantId].push(hour);
      }
    } catch (err) {
      result.failed[tenant.tenantId] = err instanceof Error ? err.message : String(err);
    }
  }
  return result;
}
