/**
 * Coalescing a batch of call events (functions/src/cdr/cdr-coalesce.ts):
 * whatever the order of a call's events and however they are cut into
 * batches, the coalesced writes leave the record the events applied one by
 * one would (applyCdrWrite, the reference of the store's UpdateItem).
 */
import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../../../contracts/bus/call-events.js';
import { applyPlan, coalescedWrite, groupByCall, planGroup } from '../../../functions/src/cdr/cdr-coalesce.js';
import { applyCdrWrite, cdrWriteFor, timeoutCloseWrite } from '../../../functions/src/cdr/cdr-merge.js';
import type { CdrRecord } from '../../../functions/src/cdr/cdr-record.js';

const T = (s: number) => new Date(Date.UTC(2025, 0, 15, 12, 0, s)).toISOString();
const caller = { ext: '1001', displayName: 'Alice' };
const callee = { ext: '1002' };
const answeredBy = { contact: 'sip:1002@10.0.0.2', bindingKey: 'uri:sip:1002@10.0.0.2' };

function call(callRef: string, opts: { endTrunk?: string; attemptTrunk?: string; busy?: boolean } = {}) {
  const base = { tenantId: 'acme', callId: 'c-1', callRef };
  const attempt: CallEvent = {
    detailType: 'call.attempt',
    detail: {
      ...base,
      fromTag: 'ft-1',
      direction: 'outbound',
      caller,
      callee,
      startTime: T(0),
      edgeId: 'edge-a',
      bootId: 'boot-1',
      slots: [{ tenantId: 'acme', ext: '1001' }],
      ...(opts.attemptTrunk ? { trunkId: opts.attemptTrunk, trunkSlots: [{ tenantId: 'acme', trunkId: opts.attemptTrunk }] } : {}),
    } as never,
  };
  const alert: CallEvent = { detailType: 'call.alert', detail: { ...base, time: T(2), status: 180 } };
  const answer: CallEvent = { detailType: 'call.answer', detail: { ...base, time: T(10), answeredBy } };
  const end: CallEvent = {
    detailType: 'call.end',
    detail: opts.busy
      ? { ...base, direction: 'outbound', caller, callee, startTime: T(0), alertTime: T(2), endTime: T(5), disposition: 'busy', status: 486, hangupBy: 'callee' }
      : {
          ...base,
          direction: 'outbound',
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
          ...(opts.endTrunk ? { trunkId: opts.endTrunk } : {}),
        },
  };
  return { attempt, alert, answer, end };
}

const single = (events: readonly CallEvent[], start?: CdrRecord) => events.reduce<CdrRecord | undefined>((item, e) => applyCdrWrite(item, cdrWriteFor(e)).item, start);

/** Every distinct ordering of a multiset. */
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

/** Every way to cut a sequence into consecutive batches (2^(n-1)). */
function cuts<T>(items: readonly T[]): T[][][] {
  if (items.length <= 1) return [[[...items]]];
  const [first, ...rest] = items;
  return cuts(rest).flatMap((tail) => [
    [[first!, ...tail[0]!], ...tail.slice(1)],
    [[first!], ...tail],
  ]);
}

const batched = (batches: readonly CallEvent[][], start?: CdrRecord) => batches.reduce<CdrRecord | undefined>((item, b) => applyPlan(item, planGroup(b)), start);

const variants = {
  'answered call': call('r-1'),
  'busy call': call('r-2', { busy: true }),
  'outbound failover (the end names another trunk)': call('r-3', { attemptTrunk: 'line-1', endTrunk: 'line-2' }),
  'trunk call whose end names no trunk': call('r-4', { attemptTrunk: 'line-1' }),
};

describe('coalesced CDR writes equal the events applied one by one', () => {
  it.each(Object.entries(variants))('%s: every order of attempt/alert/answer/end, cut into batches every way (24 × 8)', (_name, c) => {
    const expected = single([c.attempt, c.alert, c.answer, c.end]);
    expect(expected?.state).toBe('closed');
    for (const order of orderings([c.attempt, c.alert, c.answer, c.end])) {
      for (const batches of cuts(order)) expect(batched(batches)).toEqual(expected);
    }
  });

  it('every event delivered twice, in every order, as one batch (2520 orders)', () => {
    const c = variants['answered call'];
    const expected = single([c.attempt, c.alert, c.answer, c.end]);
    const all = orderings([c.attempt, c.attempt, c.alert, c.alert, c.answer, c.answer, c.end, c.end]);
    expect(all).toHaveLength(2520);
    for (const order of all) expect(batched([order])).toEqual(expected);
  });

  it('a batch arriving after the reaper closed the call as a timeout gives the record the single events would', () => {
    const c = variants['answered call'];
    const opened = single([c.attempt, c.answer]);
    const reaped = applyCdrWrite(opened, timeoutCloseWrite(opened!, T(30))).item;
    expect(reaped?.closedBy).toBe('timeout');
    expect(batched([[c.alert, c.end]], reaped)).toEqual(single([c.alert, c.end], reaped));
    expect(batched([[c.alert, c.end]], reaped)?.closedBy).toBe('edge');
  });

  it('writes the end with the attempt fields it lacks, no path twice (DynamoDB refuses overlapping paths)', () => {
    const c = variants['trunk call whose end names no trunk'];
    const plan = planGroup([c.attempt, c.alert, c.answer, c.end]);
    expect(plan.kind).toBe('coalesced');
    if (plan.kind !== 'coalesced') return;
    // The end here carries no From tag and no trunk: those come from the attempt, with edgeId, bootId and the slots.
    expect(Object.keys(plan.write.setIfAbsent).sort()).toEqual(['bootId', 'edgeId', 'fromTag', 'slots', 'trunkId', 'trunkSlots']);
    const paths = [...Object.keys(plan.write.set), ...Object.keys(plan.write.setIfAbsent), ...plan.write.remove];
    expect(new Set(paths).size).toBe(paths.length);
    expect(plan.write.guard).toBeUndefined();
  });

  it('an end alone is its own write; one event kind without the end is written event by event', () => {
    const c = variants['answered call'];
    expect(coalescedWrite(cdrWriteFor(c.end), undefined)).toEqual(cdrWriteFor(c.end));
    expect(planGroup([c.alert, c.alert])).toEqual({ kind: 'singly', events: [c.alert, c.alert] });
  });

  it('a call in progress is one write guarded by all its events: open, and the earliest alert and answer earlier than the stored', () => {
    const c = variants['answered call'];
    const plan = planGroup([c.answer, c.attempt, c.alert]);
    expect(plan.kind).toBe('open');
    if (plan.kind !== 'open') return;
    expect(plan.write.guard).toEqual({ kind: 'open-and-earlier-each', earlier: [{ attribute: 'alertTime', value: T(2) }, { attribute: 'answerTime', value: T(10) }] });
    expect(plan.write.set).toEqual({ alertTime: T(2), answerTime: T(10), answeredBy });
    expect(plan.attempt).toEqual(c.attempt.detail);
  });

  it('two different alerts (183 then an earlier 180), a duplicate answer: every order, every cut, from an empty or a part-written record (360 × 32 × 3)', () => {
    const c = variants['answered call'];
    const base = { tenantId: 'acme', callId: 'c-1', callRef: 'r-1' };
    const early180: CallEvent = { detailType: 'call.alert', detail: { ...base, time: T(1), status: 180 } };
    const events = [c.attempt, c.alert, early180, c.answer, c.answer, c.end];
    const starts: (CdrRecord | undefined)[] = [
      undefined,
      single([c.alert]),
      // A stored alert earlier than the batch's refuses the combined write: the events go one by one.
      single([{ detailType: 'call.alert', detail: { ...base, time: T(0), status: 183 } }]),
    ];
    let checked = 0;
    for (const start of starts) {
      const expected = single(events, start);
      for (const order of orderings(events)) {
        for (const batches of cuts(order)) {
          expect(batched(batches, start)).toEqual(expected);
          checked += 1;
        }
      }
    }
    expect(checked).toBe(360 * 32 * 3);
  });

  it('a call in progress (two alerts, one repeated) whose batches leave it open gives the record its events applied singly, in every order and cut', () => {
    const c = variants['trunk call whose end names no trunk'];
    const early183: CallEvent = { detailType: 'call.alert', detail: { tenantId: 'acme', callId: 'c-1', callRef: 'r-4', time: T(1), status: 183 } };
    const events = [c.attempt, c.alert, early183, c.answer, c.alert];
    for (const order of orderings(events)) {
      const expected = single(order);
      expect(expected?.state).toBe('open');
      for (const batches of cuts(order)) expect(batched(batches)).toEqual(expected);
    }
  });
});

describe('grouping a batch by call', () => {
  it('groups by tenant and callRef in arrival order, keeping the record ids', () => {
    const a = call('r-a');
    const b = call('r-b');
    const otherTenant: CallEvent = { detailType: 'call.alert', detail: { tenantId: 'globex', callId: 'c-1', callRef: 'r-a', time: T(1), status: 180 } };
    const legacy: CallEvent = { detailType: 'call.alert', detail: { tenantId: 'acme', callId: 'old-call', time: T(1), status: 180 } };
    const groups = groupByCall([
      { id: 'm1', event: a.attempt },
      { id: 'm2', event: b.attempt },
      { id: 'm3', event: otherTenant },
      { id: 'm4', event: a.end },
      { id: 'm5', event: legacy },
      { id: 'm6', event: b.alert },
    ]);
    expect(groups.map((g) => [g.tenantId, g.callRef, g.ids])).toEqual([
      ['acme', 'r-a', ['m1', 'm4']],
      ['acme', 'r-b', ['m2', 'm6']],
      ['globex', 'r-a', ['m3']],
      // Events of an earlier edge carry no callRef: keyed by their Call-ID, as their CDR is.
      ['acme', 'old-call', ['m5']],
    ]);
    expect(groups[0]!.events).toEqual([a.attempt, a.end]);
  });
});
