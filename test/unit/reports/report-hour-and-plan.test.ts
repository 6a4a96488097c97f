import { describe, expect, it } from 'vitest';
import { hourOf, hoursFrom, parseHour } from '../../../functions/src/reports/report-hour.js';
import { hoursToRoll, lastFullHour } from '../../../functions/src/reports/rollup-plan.js';
import { msUntilNextRollup } from '../../../edge/src/local-stack/hourly-rollup.js';

const t = (iso: string) => Date.parse(iso);

describe('report hours', () => {
  it.each([
    ['2026-11-26T10', '2026-11-26T10:00:00.000Z'],
    ['2026-11-26T00', '2026-11-26T00:00:00.000Z'],
    ['2026-11-26T10:00:00Z', '2026-11-26T10:00:00.000Z'],
    ['2026-11-26T12:00:00+02:00', '2026-11-26T10:00:00.000Z'],
    ['2026-11-26T24', undefined],
    ['2026-02-30T10', undefined],
    ['2026-11-26T10:30:00Z', undefined],
    ['yesterday', undefined],
  ])('parses the hour parameter %s', (text, expected) => {
    expect(parseHour(text)).toBe(expected);
  });

  it('puts a call in the hour of its start time', () => {
    expect(hourOf('2026-11-26T10:59:59.999Z')).toBe('2026-11-26T10:00:00.000Z');
    expect(hourOf('2026-11-26T11:00:00.000Z')).toBe('2026-11-26T11:00:00.000Z');
  });

  it('lists hours inclusively', () => {
    expect(hoursFrom('2026-11-26T22:00:00.000Z', '2026-11-27T01:00:00.000Z')).toHaveLength(4);
    expect(hoursFrom('2026-11-26T22:00:00.000Z', '2026-11-26T21:00:00.000Z')).toEqual([]);
  });
});

describe('which hours the scheduled rollup rolls', () => {
  const now = t('2026-11-26T12:05:00Z');
  it('rolls the hour that just ended when the watermark is the hour before it', () => {
    expect(lastFullHour(now)).toBe('2026-11-26T11:00:00.000Z');
    expect(hoursToRoll({ now, watermark: '2026-11-26T10:00:00.000Z' })).toEqual(['2026-11-26T11:00:00.000Z']);
  });
  it('rolls nothing when the watermark is already the last full hour (a second run in the same hour)', () => {
    expect(hoursToRoll({ now, watermark: '2026-11-26T11:00:00.000Z' })).toEqual([]);
  });
  it('catches up every hour missed since the watermark', () => {
    expect(hoursToRoll({ now, watermark: '2026-11-26T07:00:00.000Z' })).toEqual(['08', '09', '10', '11'].map((h) => `2026-11-26T${h}:00:00.000Z`));
  });
  it('starts a new tenant at the hour it was first seen', () => {
    expect(hoursToRoll({ now, since: '2026-11-26T10:20:00.000Z' })).toEqual(['2026-11-26T10:00:00.000Z', '2026-11-26T11:00:00.000Z']);
  });
  it('never reaches further back than the cap (7 days by default)', () => {
    expect(hoursToRoll({ now, watermark: '2026-01-01T00:00:00.000Z' })).toHaveLength(168);
    expect(hoursToRoll({ now, watermark: '2026-01-01T00:00:00.000Z', maxCatchUpHours: 3 })).toEqual(['09', '10', '11'].map((h) => `2026-11-26T${h}:00:00.000Z`));
  });
  it('the local scheduler waits for the next minute 5', () => {
    expect(msUntilNextRollup(t('2026-11-26T12:00:00Z'))).toBe(5 * 60_000);
    expect(msUntilNextRollup(t('2026-11-26T12:05:00Z'))).toBe(3_600_000);
    expect(msUntilNextRollup(t('2026-11-26T12:10:00Z'))).toBe(55 * 60_000);
  });
});
