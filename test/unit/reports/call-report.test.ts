import { describe, expect, it } from 'vitest';
import type { CdrRecord } from '../../../functions/src/cdr/cdr-record.js';
import { buildCallReport, roundTo, type CallFigures } from '../../../functions/src/reports/call-report.js';

const HOUR = '2026-11-26T10:00:00.000Z';
let n = 0;
function cdr(o: Partial<CdrRecord>): CdrRecord {
  n++;
  return { tenantId: 'acme', callId: `c${n}`, state: 'closed', direction: 'internal', startTime: '2026-11-26T10:00:00.000Z', ...o };
}
const alerted = { alertTime: '2026-11-26T10:00:01.000Z' };
const zero: CallFigures = { attempts: 0, alerted: 0, answered: 0, busy: 0, noAnswer: 0, cancelled: 0, failed: 0, rejected: 0, talkSeconds: 0, averageTalkSeconds: 0, asrPercent: 0, acdMinutes: 0 };

describe('basic call report (one tenant, one hour)', () => {
  it('writes no row when the hour has no call', () => {
    expect(buildCallReport('acme', HOUR, [])).toBeUndefined();
  });

  it.each<[string, CdrRecord[], Partial<CallFigures>]>([
    ['one answered call', [cdr({ ...alerted, disposition: 'answered', answerTime: '2026-11-26T10:00:03.000Z', talkSeconds: 60 })], { attempts: 1, alerted: 1, answered: 1, talkSeconds: 60, averageTalkSeconds: 60, asrPercent: 100, acdMinutes: 1 }],
    ['busy, no answer, cancelled, failed, rejected', [
      cdr({ disposition: 'busy', status: 486 }),
      cdr({ ...alerted, disposition: 'no-answer', status: 408 }),
      cdr({ ...alerted, disposition: 'cancelled', status: 487 }),
      cdr({ disposition: 'failed', status: 480 }),
      cdr({ disposition: 'rejected', status: 403, hangupBy: 'system' }),
    ], { attempts: 5, alerted: 2, busy: 1, noAnswer: 1, cancelled: 1, failed: 1, rejected: 1 }],
    ['ASR and ACD round half away from zero (2 of 3 answered, 61 s + 30.5 s)', [
      cdr({ disposition: 'answered', talkSeconds: 61 }),
      cdr({ disposition: 'answered', talkSeconds: 30.5 }),
      cdr({ disposition: 'busy' }),
    ], { attempts: 3, answered: 2, busy: 1, talkSeconds: 91.5, averageTalkSeconds: 45.75, asrPercent: 66.67, acdMinutes: 0.76 }],
    ['a call still in progress counts as an answered attempt without talk time yet', [cdr({ state: 'open', answerTime: '2026-11-26T10:00:05.000Z' })], { attempts: 1, answered: 1, asrPercent: 100 }],
    ['a call still ringing is an attempt with no outcome', [cdr({ state: 'open', ...alerted })], { attempts: 1, alerted: 1 }],
  ])('%s', (_name, cdrs, expected) => {
    expect(buildCallReport('acme', HOUR, cdrs)?.total).toEqual({ ...zero, ...expected });
  });

  it('counts inbound, outbound and internal apart and together', () => {
    const row = buildCallReport('acme', HOUR, [
      cdr({ direction: 'internal', disposition: 'answered', talkSeconds: 10 }),
      cdr({ direction: 'inbound', disposition: 'answered', talkSeconds: 20 }),
      cdr({ direction: 'inbound', disposition: 'busy' }),
      cdr({ direction: 'outbound', disposition: 'failed' }),
    ])!;
    expect(row.total).toMatchObject({ attempts: 4, answered: 2, busy: 1, failed: 1, talkSeconds: 30, asrPercent: 50, averageTalkSeconds: 15 });
    expect(row.byDirection.internal).toMatchObject({ attempts: 1, answered: 1, talkSeconds: 10, asrPercent: 100 });
    expect(row.byDirection.inbound).toMatchObject({ attempts: 2, answered: 1, busy: 1, talkSeconds: 20, asrPercent: 50 });
    expect(row.byDirection.outbound).toEqual({ ...zero, attempts: 1, failed: 1 });
  });

  it('adds thousands of millisecond talk times exactly (integer milliseconds, no float drift)', () => {
    const cdrs = Array.from({ length: 5000 }, (_, i) => cdr({ disposition: 'answered', talkSeconds: 0.1 + (i % 7) * 0.001 }));
    const row = buildCallReport('acme', HOUR, cdrs)!;
    // Σ (100 + i mod 7) ms over 5000 calls: 5000·100 + (714 full cycles · 21 + 0+1) ms.
    const expectedMs = 5000 * 100 + 714 * 21 + (0 + 1);
    expect(row.total.talkSeconds).toBe(expectedMs / 1000);
    expect(row.total.attempts).toBe(5000);
    expect(row.total.averageTalkSeconds).toBe(Math.round(expectedMs / 5000) / 1000);
  });

  it.each([
    [28.571428, 2, 28.57],
    [0.755, 2, 0.76],
    [1.005, 2, 1.01],
    [66.665, 2, 66.67],
  ])('rounds %d to %d decimals as %d', (value, decimals, expected) => {
    expect(roundTo(value, decimals)).toBe(expected);
  });
});
