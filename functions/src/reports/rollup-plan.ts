/**
 * Which hours the scheduled rollup rolls for a tenant: every full hour after
 * the tenant's watermark (the last hour rolled) up to the last full hour,
 * so hours missed while the local stack was stopped (or a run failed) are
 * caught up. Never more than `maxCatchUpHours` back (7 days by default), and
 * on a first run (no watermark) not before the tenant was first seen. Pure.
 */
import { HOUR_MS, hourIso, hoursFrom, nextHourIso } from './report-hour.js';

export const DEFAULT_MAX_CATCH_UP_HOURS = 7 * 24;

export interface RollupPlanInput {
  /** Epoch ms of the run. */
  now: number;
  /** Last hour rolled (hourIso), if any. */
  watermark?: string;
  /** When the tenant was first seen by the reports (ISO time). */
  since?: string;
  maxCatchUpHours?: number;
}

/** The hour that just ended at `now`. */
export const lastFullHour = (now: number): string => hourIso(now - HOUR_MS);

export function hoursToRoll(input: RollupPlanInput): string[] {
  const last = lastFullHour(input.now);
  const cap = input.maxCatchUpHours ?? DEFAULT_MAX_CATCH_UP_HOURS;
  const earliest = new Date(Date.parse(last) - (cap - 1) * HOUR_MS).toISOString();
  let first: string;
  if (input.watermark !== undefined) first = nextHourIso(input.watermark);
  else if (input.since !== undefined && !Number.isNaN(Date.parse(input.since))) first = hourIso(Date.parse(input.since));
  else first = last;
  if (first < earliest) first = earliest;
  return hoursFrom(first, last);
}
