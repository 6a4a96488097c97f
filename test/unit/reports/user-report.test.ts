import { describe, expect, it } from 'vitest';
import { buildUserReport, type OnlineInterval } from '../../../functions/src/reports/user-report.js';

const HOUR = '2026-11-26T10:00:00.000Z';
const at = (hhmm: string) => `2026-11-26T${hhmm}:00.000Z`;
const on = (ext: string, from: string, until: string): OnlineInterval => ({ ext, from: at(from), until: at(until) });

describe('local user report (one tenant, one hour)', () => {
  it.each<[string, OnlineInterval[], { usersOnline: number; peakOnline: number } | undefined]>([
    ['nobody online: no row', [], undefined],
    ['online only before the hour: no row', [on('1001', '09:00', '10:00')], undefined],
    ['online only after the hour: no row', [on('1001', '11:00', '11:30')], undefined],
    ['one user across the whole hour', [on('1001', '09:00', '12:00')], { usersOnline: 1, peakOnline: 1 }],
    ['two users one after the other: 2 distinct, peak 1', [on('1001', '10:00', '10:20'), on('1002', '10:30', '10:40')], { usersOnline: 2, peakOnline: 1 }],
    ['an interval ending when the next starts does not overlap it', [on('1001', '10:00', '10:20'), on('1002', '10:20', '10:40')], { usersOnline: 2, peakOnline: 1 }],
    ['three overlapping users: peak 3', [on('1001', '10:00', '10:50'), on('1002', '10:10', '10:30'), on('1003', '10:25', '11:30')], { usersOnline: 3, peakOnline: 3 }],
    [
      'one user on two devices (overlapping intervals) counts once in both figures',
      [on('1002', '10:00', '10:40'), on('1002', '10:10', '10:50'), on('1001', '10:45', '10:55')],
      { usersOnline: 2, peakOnline: 2 },
    ],
    ['the same user twice in the hour is one distinct user', [on('1001', '10:00', '10:10'), on('1001', '10:30', '10:40')], { usersOnline: 1, peakOnline: 1 }],
  ])('%s', (_name, intervals, expected) => {
    const row = buildUserReport('acme', HOUR, intervals);
    expect(row === undefined ? undefined : { usersOnline: row.usersOnline, peakOnline: row.peakOnline }).toEqual(expected);
  });
});
