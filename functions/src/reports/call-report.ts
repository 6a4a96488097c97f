/**
 * The basic call report (MSS "basic call report"): one row per tenant and
 * hour, built from the CDRs whose call STARTED in that hour (startTime; a
 * call that runs past the hour counts, with all its talk time, in the hour
 * it started). Pure maths, no I/O.
 *
 * Figures (docs/reports.md):
 * - attempts: every CDR of the hour;
 * - alerted: the callee alerted (180/183, the CDR has alertTime);
 * - answered, busy, noAnswer, cancelled, failed, rejected: by disposition
 *   (rejected = refused by a call limit). A call still in progress when the
 *   rollup runs has no disposition yet: it counts as answered when it has an
 *   answerTime and in none of the other five otherwise (re-run the hour to
 *   count it once it ended);
 * - talkSeconds: the sum of the talk times (answer → end), summed in integer
 *   milliseconds so that thousands of calls add up exactly;
 * - averageTalkSeconds = talkSeconds / answered, rounded to the millisecond;
 * - asrPercent (answer-seizure ratio) = 100 × answered / attempts, 2 decimals;
 * - acdMinutes (average call duration, as carriers quote it) =
 *   talkSeconds / answered / 60, 2 decimals.
 * Every ratio is 0 when its denominator is 0. Rounding is half away from zero.
 */
import type { CdrRecord } from '../cdr/cdr-record.js';
import type { CallDirection } from '../../../contracts/function-events.js';

export interface CallFigures {
  attempts: number;
  alerted: number;
  answered: number;
  busy: number;
  noAnswer: number;
  cancelled: number;
  failed: number;
  rejected: number;
  talkSeconds: number;
  averageTalkSeconds: number;
  asrPercent: number;
  acdMinutes: number;
}

export const CALL_DIRECTIONS: readonly CallDirection[] = ['internal', 'inbound', 'outbound'];

export interface CallReportRow {
  tenantId: string;
  /** Start of the UTC hour (report-hour.ts). */
  hour: string;
  total: CallFigures;
  byDirection: Record<CallDirection, CallFigures>;
}

/** Order of the figures in CSV columns. */
export const CALL_FIGURE_NAMES: readonly (keyof CallFigures)[] = [
  'attempts',
  'alerted',
  'answered',
  'busy',
  'noAnswer',
  'cancelled',
  'failed',
  'rejected',
  'talkSeconds',
  'averageTalkSeconds',
  'asrPercent',
  'acdMinutes',
];

interface Tally {
  attempts: number;
  alerted: number;
  answered: number;
  busy: number;
  noAnswer: number;
  cancelled: number;
  failed: number;
  rejected: number;
  talkMs: number;
}

const emptyTally = (): Tally => ({ attempts: 0, alerted: 0, answered: 0, busy: 0, noAnswer: 0, cancelled: 0, failed: 0, rejected: 0, talkMs: 0 });

/**
 * Half away from zero to `decimals` places, as written in decimal: shifting
 * by exponent notation ("1.005e2" = 100.5) instead of multiplying (1.005 × 100
 * = 100.49999…) keeps 1.005 → 1.01.
 */
export function roundTo(value: number, decimals: number): number {
  const text = String(Math.abs(value));
  // Tiny or huge values already print in exponent form; plain arithmetic is exact enough there.
  if (/e/i.test(text)) return (Math.sign(value) * Math.round(Math.abs(value) * 10 ** decimals)) / 10 ** decimals;
  const shifted = Math.round(Number(`${text}e${decimals}`));
  return Math.sign(value) * Number(`${shifted}e-${decimals}`);
}

function count(t: Tally, cdr: CdrRecord): void {
  t.attempts++;
  if (cdr.alertTime !== undefined) t.alerted++;
  switch (cdr.disposition) {
    case 'answered':
      t.answered++;
      break;
    case 'busy':
      t.busy++;
      break;
    case 'no-answer':
      t.noAnswer++;
      break;
    case 'cancelled':
      t.cancelled++;
      break;
    case 'failed':
      t.failed++;
      break;
    case 'rejected':
      t.rejected++;
      break;
    case undefined:
      if (cdr.answerTime !== undefined) t.answered++;
      break;
  }
  t.talkMs += Math.round((cdr.talkSeconds ?? 0) * 1000);
}

function figures(t: Tally): CallFigures {
  const { talkMs, ...counts } = t;
  return {
    ...counts,
    talkSeconds: talkMs / 1000,
    averageTalkSeconds: t.answered > 0 ? Math.round(talkMs / t.answered) / 1000 : 0,
    asrPercent: t.attempts > 0 ? roundTo((100 * t.answered) / t.attempts, 2) : 0,
    acdMinutes: t.answered > 0 ? roundTo(talkMs / t.answered / 60_000, 2) : 0,
  };
}

/**
 * The hour's row, or undefined when every figure is zero (MSS writes no row
 * for an empty hour). `cdrs` are the CDRs that started in the hour.
 */
export function buildCallReport(tenantId: string, hour: string, cdrs: readonly CdrRecord[]): CallReportRow | undefined {
  const total = emptyTally();
  const byDirection = { internal: emptyTally(), inbound: emptyTally(), outbound: emptyTally() } as Record<CallDirection, Tally>;
  for (const cdr of cdrs) {
    count(total, cdr);
    // A CDR whose attempt was lost has no direction; it still counts in the total.
    if (cdr.direction !== undefined && byDirection[cdr.direction]) count(byDirection[cdr.direction], cdr);
  }
  if (total.attempts === 0) return undefined;
  return {
    tenantId,
    hour,
    total: figures(total),
    byDirection: { internal: figures(byDirection.internal), inbound: figures(byDirection.inbound), outbound: figures(byDirection.outbound) },
  };
}
