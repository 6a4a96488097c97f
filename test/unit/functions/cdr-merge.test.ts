import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../../../contracts/bus/call-events.js';
import { applyCdrWrite, cdrWriteFor, timeoutCloseWrite } from '../../../functions/src/cdr/cdr-merge.js';
import { callDurations, type CdrRecord } from '../../../functions/src/cdr/cdr-record.js';

const T = (s: number) => new Date(Date.UTC(2025, 0, 15, 12, 0, s)).toISOString();
const caller = { ext: '1001', displayName: 'Alice' };
const callee = { ext: '1002' };
const base = { tenantId: 'acme', callId: 'c-1' };
const answeredBy = { contact: 'sip:1002@10.0.0.2', bindingKey: 'uri:sip:1002@10.0.0.2' };

const attempt: CallEvent = {
  detailType: 'call.attempt',
  detail: { ...base, direction: 'internal', caller, callee, startTime: T(0), edgeId: 'edge-a', bootId: 'boot-1', slots: [{ tenantId: 'acme', ext: '1001' }] },
};
const alert: CallEvent = { detailType: 'call.alert', detail: { ...base, time: T(2), status: 180 } };
const answer: CallEvent = { detailType: 'call.answer', detail: { ...base, time: T(10), answeredBy } };
const end: CallEvent = {
  detailType: 'call.end',
  detail: {
    ...base,
    direction: 'internal',
    caller,
    callee,
    startTime: T(0),
    alertTime: T(2),
    answerTime: T(10),
    endTime: T(70),
    answeredBy,
    disposition: 'answered',
    status: 200,
    hangupBy: 'callee',
  },
};

function run(events: readonly CallEvent[], start?: CdrRecord): CdrRecord | undefined {
  let item = start;
  for (const e of events) item = applyCdrWrite(item, cdrWriteFor(e)).item;
  return item;
}

/** Every distinct ordering of a multiset (duplicates included). */
function orderings<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  const out: T[][] = [];
  const seen = new Set<T>();
  items.forEach((item, i) => {
    if (seen.has(item)) return;
    seen.add(item);
    for (const rest of orderings([...items.slice(0, i), ...items.slice(i + 1)])) out.push([item, ...rest]);
  });
  return out;
}

describe('CDR merge: one record per call whatever the order of its events', () => {
  const expected = run([attempt, alert, answer, end]);

  it('builds the closed record with durations from the end event', () => {
    expect(expected).toEqual({
      ...base,
      state: 'closed',
      closedBy: 'edge',
      direction: 'internal',
      caller,
      callee,
      startTime: T(0),
      alertTime: T(2),
      answerTime: T(10),
      endTime: T(70),
      answeredBy,
      disposition: 'answered',
      status: 200,
      hangupBy: 'callee',
      ringSeconds: 8,
      talkSeconds: 60,
      edgeId: 'edge-a',
      bootId: 'boot-1',
      slots: [{ tenantId: 'acme', ext: '1001' }],
      gsi1pk: 'CDR#acme',
      gsi1sk: `${T(0)}#c-1`,
    });
  });

  it.each(orderings([attempt, alert, answer, end]).map((o) => [o.map((e) => e.detailType).join(' → '), o] as const))(
    'gives the same record for %s',
    (_name, order) => {
      expect(run(order)).toEqual(expected);
    },
  );

  it('gives the same record when every event is delivered twice, in every order (2520 orders)', () => {
    const all = orderings([attempt, attempt, alert, alert, answer, answer, end, end]);
    expect(all).toHaveLength(2520);
    for (const order of all) expect(run(order)).toEqual(expected);
  });

  it('keeps a call that was never answered consistent whatever the order (busy)', () => {
    const busyEnd: CallEvent = {
      detailType: 'call.end',
      detail: { ...base, direction: 'internal', caller, callee, startTime: T(0), alertTime: T(2), endTime: T(5), disposition: 'busy', status: 486, hangupBy: 'callee' },
    };
    const records = orderings([attempt, alert, busyEnd]).map((o) => run(o));
    for (const r of records) expect(r).toEqual(records[0]);
    expect(records[0]).toMatchObject({ state: 'closed', disposition: 'busy', status: 486, ringSeconds: 3, talkSeconds: 0 });
    expect(records[0]).not.toHaveProperty('answerTime');
  });

  it('lets the end decide over a stray answer it does not confirm, before or after it', () => {
    const cancelledEnd: CallEvent = {
      detailType: 'call.end',
      detail: { ...base, direction: 'internal', caller, callee, startTime: T(0), endTime: T(12), disposition: 'cancelled', status: 487, hangupBy: 'caller' },
    };
    const before = run([attempt, answer, cancelledEnd]);
    const after = run([attempt, cancelledEnd, answer]);
    expect(before).toEqual(after);
    expect(before).not.toHaveProperty('answerTime');
    expect(before).not.toHaveProperty('answeredBy');
  });

  it('keeps the earliest alert of an open call whatever the arrival order (180 then 183, or reversed)', () => {
    const early: CallEvent = { detailType: 'call.alert', detail: { ...base, time: T(2), status: 183 } };
    const late: CallEvent = { detailType: 'call.alert', detail: { ...base, time: T(4), status: 180 } };
    expect(run([attempt, late, early])?.alertTime).toBe(T(2));
    expect(run([attempt, early, late])?.alertTime).toBe(T(2));
  });

  it('does not reopen a closed record with a late attempt', () => {
    expect(run([end, attempt])?.state).toBe('closed');
  });
});

describe('CDR timeout close (edge lost)', () => {
  it('closes an answered call at the time the edge was lost, marked as a timeout', () => {
    const open = run([attempt, alert, answer])!;
    const closed = applyCdrWrite(open, timeoutCloseWrite(open, T(100))).item;
    expect(closed).toMatchObject({
      state: 'closed',
      closedBy: 'timeout',
      endTime: T(100),
      disposition: 'answered',
      status: 200,
      hangupBy: 'system',
      reason: 'edge lost',
      ringSeconds: 8,
      talkSeconds: 90,
    });
  });

  it('marks an unanswered lost call as failed with no known status', () => {
    const open = run([attempt])!;
    expect(applyCdrWrite(open, timeoutCloseWrite(open, T(30))).item).toMatchObject({ disposition: 'failed', status: 0, ringSeconds: 0, talkSeconds: 0 });
  });

  it('never ends before the last time the edge reported (clock skew)', () => {
    const open = run([attempt, alert, answer])!;
    expect(applyCdrWrite(open, timeoutCloseWrite(open, T(5))).item).toMatchObject({ endTime: T(10), talkSeconds: 0 });
  });

  it('leaves a record closed by its end alone, and gives way to an end arriving after it', () => {
    const closedByEnd = run([attempt, alert, answer, end])!;
    expect(applyCdrWrite(closedByEnd, timeoutCloseWrite(closedByEnd, T(100)))).toEqual({ item: closedByEnd, applied: false });

    const open = run([attempt, alert, answer])!;
    const timedOut = applyCdrWrite(open, timeoutCloseWrite(open, T(100))).item;
    expect(run([end], timedOut)).toEqual(closedByEnd);
  });
});

describe('call durations', () => {
  it.each([
    [{ startTime: T(0), endTime: T(9) }, { ringSeconds: 0, talkSeconds: 0 }],
    [{ startTime: T(0), alertTime: T(1), endTime: T(9) }, { ringSeconds: 8, talkSeconds: 0 }],
    [{ startTime: T(0), alertTime: T(1), answerTime: T(3), endTime: T(9) }, { ringSeconds: 2, talkSeconds: 6 }],
    [{ startTime: T(0), answerTime: T(3), endTime: T(9) }, { ringSeconds: 0, talkSeconds: 6 }],
  ])('%j → %j', (times, expected) => {
    expect(callDurations(times)).toEqual(expected);
  });
});
