import { describe, expect, it } from 'vitest';
import { parseCallEvent } from '../../../contracts/bus/call-event-schemas.js';
import type { CallAttemptDetail, CallEndDetail, CallEvent } from '../../../contracts/bus/call-events.js';
import { applyCdrWrite, cdrWriteFor } from '../../../functions/src/cdr/cdr-merge.js';
import type { CdrRecord } from '../../../functions/src/cdr/cdr-record.js';
import { cdrCsv } from '../../../functions/src/reports/report-csv.js';

const T = (s: number) => new Date(Date.UTC(2025, 0, 15, 12, 0, s)).toISOString();
const base = { tenantId: 'acme', callId: 'trunk-call' };
const parties = { direction: 'outbound' as const, caller: { ext: '1001' }, callee: { ext: '0049301234' } };
const trunkSlots = [{ tenantId: 'acme', trunkId: 'primary', direction: 'out' as const }];

const attempt = (detail: Partial<CallAttemptDetail> = {}): CallEvent => ({
  detailType: 'call.attempt',
  detail: { ...base, ...parties, startTime: T(0), edgeId: 'edge-a', bootId: 'b-1', trunkId: 'primary', trunkSlots, ...detail },
});
const end = (detail: Partial<CallEndDetail> = {}): CallEvent => ({
  detailType: 'call.end',
  detail: { ...base, ...parties, startTime: T(0), endTime: T(30), disposition: 'failed', status: 503, hangupBy: 'system', ...detail },
});

function run(events: readonly CallEvent[]): CdrRecord | undefined {
  let item: CdrRecord | undefined;
  for (const e of events) item = applyCdrWrite(item, cdrWriteFor(e)).item;
  return item;
}

describe('CDR trunk fields', () => {
  it.each([
    ['attempt then end', false],
    ['end then attempt', true],
  ])('takes the end event\'s trunkId over the attempt\'s after a failover (%s)', (_order, reversed) => {
    const events = [attempt(), end({ trunkId: 'backup' })];
    const cdr = run(reversed ? events.reverse() : events);
    expect(cdr).toMatchObject({ trunkId: 'backup', trunkSlots, state: 'closed' });
  });

  it.each([
    ['attempt then end', false],
    ['end then attempt', true],
  ])('keeps the attempt\'s trunkId when the end carries none (%s)', (_order, reversed) => {
    const events = [attempt(), end()];
    expect(run(reversed ? events.reverse() : events)).toMatchObject({ trunkId: 'primary' });
  });

  it('leaves trunkId out of a call that used no trunk', () => {
    expect(run([attempt({ trunkId: undefined, trunkSlots: undefined }), end()])).not.toHaveProperty('trunkId');
  });

  it('accepts trunkId and trunkSlots on the bus events and refuses a malformed trunk slot', () => {
    expect(parseCallEvent('call.attempt', attempt().detail).detail).toMatchObject({ trunkId: 'primary', trunkSlots });
    expect(parseCallEvent('call.end', end({ trunkId: 'backup' }).detail).detail).toMatchObject({ trunkId: 'backup' });
    expect(() => parseCallEvent('call.attempt', { ...attempt().detail, trunkSlots: [{ tenantId: 'acme', trunkId: 'p', direction: 'up' }] })).toThrow(
      /trunkSlots\.0\.direction/,
    );
    expect(() => parseCallEvent('call.end', { ...end().detail, trunkId: '' })).toThrow(/trunkId/);
  });

  it('appends a trunkId column to the CDR CSV, after the existing ones', () => {
    const csv = cdrCsv([run([attempt(), end({ trunkId: 'backup' })])!]);
    const [header, row] = csv.split('\r\n');
    expect(header).toBe('callId,direction,caller,callee,startTime,alertTime,answerTime,endTime,disposition,status,hangupBy,ringSeconds,talkSeconds,reason,state,trunkId,fromTag,callRef');
    expect(row!.split(',').at(-3)).toBe('backup');
  });
});
