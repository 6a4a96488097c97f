import { describe, expect, it } from 'vitest';
import { parseCallEvent } from '../../../contracts/bus/call-event-schemas.js';
import type { CallEvent } from '../../../contracts/bus/call-events.js';
import { applyCdrWrite, cdrWriteFor, timeoutCloseWrite } from '../../../functions/src/cdr/cdr-merge.js';
import { cdrKey, toUpdateExpression } from '../../../functions/src/cdr/cdr-repository.js';
import type { CdrRecord } from '../../../functions/src/cdr/cdr-record.js';

const T = (s: number) => new Date(Date.UTC(2025, 0, 15, 12, 0, s)).toISOString();
const parties = { direction: 'internal' as const, caller: { ext: '1001' }, callee: { ext: '1002' } };

/** One call's events; `callRef` absent = an edge of an earlier version. */
function events(callRef: string | undefined, fromTag: string): CallEvent[] {
  const base = { tenantId: 'acme', callId: 'shared', ...(callRef !== undefined ? { callRef } : {}) };
  return [
    { detailType: 'call.attempt', detail: { ...base, fromTag, ...parties, startTime: T(0), edgeId: 'edge-a', bootId: 'b-1' } },
    { detailType: 'call.alert', detail: { ...base, time: T(1), status: 180 } },
    { detailType: 'call.end', detail: { ...base, fromTag, ...parties, startTime: T(0), alertTime: T(1), endTime: T(4), disposition: 'cancelled', status: 487, hangupBy: 'caller' } },
  ];
}

const run = (list: readonly CallEvent[]): CdrRecord | undefined => list.reduce<CdrRecord | undefined>((item, e) => applyCdrWrite(item, cdrWriteFor(e)).item, undefined);

describe('CDR merge: the record is the call named by callRef (issue 12)', () => {
  it('names the record by callRef and keeps the SIP Call-ID and From tag on it, whatever the order', () => {
    const orders = [events('ref-1', 'tag-a'), [...events('ref-1', 'tag-a')].reverse(), [events('ref-1', 'tag-a')[2]!, events('ref-1', 'tag-a')[0]!, events('ref-1', 'tag-a')[1]!]];
    const records = orders.map(run);
    for (const r of records) expect(r).toEqual(records[0]);
    expect(records[0]).toMatchObject({ callId: 'shared', callRef: 'ref-1', fromTag: 'tag-a', state: 'closed', gsi1sk: `${T(0)}#ref-1` });
    expect(cdrWriteFor(events('ref-1', 'tag-a')[1]!)).toMatchObject({ callId: 'shared', callRef: 'ref-1' });
  });

  it('writes to the item of the callRef; events of an earlier edge (no callRef) to the item of the Call-ID, as before', () => {
    const key = (e: CallEvent) => {
      const write = cdrWriteFor(e);
      return cdrKey(write.tenantId, write.callRef ?? write.callId).sk;
    };
    expect(events('ref-1', 'a').map(key)).toEqual(['CDR#ref-1', 'CDR#ref-1', 'CDR#ref-1']);
    expect(events('ref-2', 'b').map(key)).toEqual(['CDR#ref-2', 'CDR#ref-2', 'CDR#ref-2']);
    expect(events(undefined, 'a').map(key)).toEqual(['CDR#shared', 'CDR#shared', 'CDR#shared']);
    expect(run(events(undefined, 'a'))).not.toHaveProperty('callRef');
    expect(run(events(undefined, 'a'))?.gsi1sk).toBe(`${T(0)}#shared`);
  });

  it('sets callRef in the UpdateItem like the tenant and the Call-ID', () => {
    const update = toUpdateExpression(cdrWriteFor(events('ref-1', 'a')[1]!));
    const callRefName = Object.entries(update.ExpressionAttributeNames).find(([, a]) => a === 'callRef')?.[0];
    expect(callRefName).toBeDefined();
    expect(update.UpdateExpression).toMatch(new RegExp(`${callRefName} = :v\\d+`));
    expect(Object.values(update.ExpressionAttributeValues)).toContain('ref-1');
  });

  it('closes a lost call on its own item (the reaper)', () => {
    const open = run(events('ref-1', 'a').slice(0, 2))!;
    const write = timeoutCloseWrite(open, T(30));
    expect(write).toMatchObject({ callId: 'shared', callRef: 'ref-1' });
    expect(applyCdrWrite(open, write).item).toMatchObject({ callRef: 'ref-1', state: 'closed', closedBy: 'timeout' });
  });

  it('accepts callRef and fromTag on the bus events and bounds callRef (it is a key)', () => {
    const [attempt] = events('ref-1', 'tag-a');
    expect(parseCallEvent('call.attempt', attempt!.detail).detail).toMatchObject({ callRef: 'ref-1', fromTag: 'tag-a' });
    expect(() => parseCallEvent('call.attempt', { ...attempt!.detail, callRef: 'x'.repeat(129) })).toThrow(/callRef/);
    expect(() => parseCallEvent('call.alert', { ...events('', 'a')[1]!.detail })).toThrow(/callRef/);
  });
});
