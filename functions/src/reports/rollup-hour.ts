/**
 * Rolls one tenant's hour into its two report rows: reads the CDRs that
 * started in the hour (one gsi1 Query, never the tenant's whole history) and
 * the online intervals that overlap it, computes the rows (reports/, pure)
 * and writes them — or deletes them when the hour is empty. Idempotent: the
 * rows depend only on the store, so running an hour again gives the same rows.
 */
import type { CdrRecord } from '../cdr/cdr-record.js';
import { buildCallReport, type CallReportRow } from './call-report.js';
import { nextHourIso } from './report-hour.js';
import { buildUserReport, type OnlineInterval, type UserReportRow } from './user-report.js';
import type { ReportKind } from './report-repository.js';

export interface RollupDeps {
  cdrs: { listCdrsByStartTime(tenantId: string, fromIso: string, toIso: string): Promise<CdrRecord[]> };
  online: { listOnlineIntervals(tenantId: string, fromIso: string, toIso: string): Promise<OnlineInterval[]> };
  reports: {
    saveReport(tenantId: string, kind: ReportKind, hour: string, row: CallReportRow | UserReportRow | undefined): Promise<void>;
    markTenant(tenantId: string, sinceIso: string): Promise<void>;
    listRollupTenants(): Promise<{ tenantId: string; since?: string; watermark?: string }[]>;
    advanceWatermark(tenantId: string, hour: string): Promise<void>;
  };
  /** Epoch ms. */
  now: () => number;
}

export interface HourRollup {
  tenantId: string;
  hour: string;
  /** Undefined: the hour had no calls (no row). */
  calls?: CallReportRow;
  /** Undefined: nobody was online (no row). */
  users?: UserReportRow;
}

export async function rollupHour(deps: RollupDeps, tenantId: string, hour: string): Promise<HourRollup> {
  const end = nextHourIso(hour);
  const [cdrs, intervals] = await Promise.all([deps.cdrs.listCdrsByStartTime(tenantId, hour, end), deps.online.listOnlineIntervals(tenantId, hour, end)]);
  const calls = buildCallReport(tenantId, hour, cdrs);
  const users = buildUserReport(tenantId, hour, intervals);
  await deps.reports.saveReport(tenantId, 'CALLS', hour, calls);
  await deps.reports.saveReport(tenantId, 'USERS', hour, users);
  return { tenantId, hour, ...(calls ? { calls } : {}), ...(users ? { users } : {}) };
}
